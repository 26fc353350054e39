import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Domain } from '../domains/entity.ts';

export const CERTIFICATE_STATUSES = ['pending', 'issuing', 'active', 'renewing', 'expiring', 'expired', 'failed'] as const;

/**
 * The TLS certificate of one hostname (issue 5 item 6). For an on-demand edge (Caddy) the edge obtains it and
 * Portico records what its HTTPS probe sees: issuer and expiry, or the error with a message that says what to do.
 */
export const CertificateSchema = defineEntity({
  name: 'Certificate',
  tableName: 'certificates',
  properties: {
    ...baseColumns,
    domain: () => p.manyToOne(Domain).deleteRule('cascade'),
    hostname: p.string().length(253).unique(),
    status: p.enum(CERTIFICATE_STATUSES).default('pending'),
    /** Who holds it: `edge:<id>` for on-demand edges, `cert.acme` when Portico issued it. */
    source: p.string().length(80),
    /** The issuer's name as the certificate states it. */
    issuer: p.string().length(255).nullable(),
    notAfter: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /** Certificates Portico issued itself (`cert.acme`): the PEM chain, and the key sealed like credentials. */
    certificatePem: p.text().nullable().lazy(),
    privateKeySealed: p.text().nullable().hidden().lazy(),
    lastCheckedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['notAfter'] }],
});
export class Certificate extends CertificateSchema.class {}
CertificateSchema.setClass(Certificate);
