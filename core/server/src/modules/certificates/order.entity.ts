import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';

export const ORDER_OUTCOMES = ['issued', 'failed'] as const;

/**
 * One ACME order Portico ran, kept for the CA's rate limits (docs/reference/certificates.md): certificates issued
 * per registered domain over a rolling window, failed validations per hostname per hour. Kept when the certificate
 * or its domain is deleted: the CA still counts them. Old rows are deleted by the sweep.
 */
export const CertificateOrderSchema = defineEntity({
  name: 'CertificateOrder',
  tableName: 'certificate_orders',
  properties: {
    ...baseColumns,
    hostname: p.string().length(253),
    /** The registered domain (eTLD+1 by the Public Suffix List) the CA counts the certificate against. */
    registeredDomain: p.string().length(253),
    outcome: p.enum(ORDER_OUTCOMES),
    /** The CA tried the challenge and it failed (counts against the failed-validation limit). */
    validationFailed: p.boolean().default(false),
    /** A renewal: the hostname had a certificate from Portico before (exempt from the registered-domain limit). */
    renewal: p.boolean().default(false),
    reason: p.string().length(40).nullable(),
  },
  indexes: [{ properties: ['registeredDomain', 'createdAt'] }, { properties: ['hostname', 'createdAt'] }],
});
export class CertificateOrder extends CertificateOrderSchema.class {}
CertificateOrderSchema.setClass(CertificateOrder);
