import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Domain } from '../domains/entity.ts';

/**
 * A certificate's status. `failed` and `rate_limited` are never final while the domain holds its hostname: the row's
 * `nextAttemptAt` says when the next order starts on its own (docs/reference/certificates.md).
 */
export const CERTIFICATE_STATUSES = ['pending', 'issuing', 'active', 'renewing', 'expiring', 'expired', 'failed', 'rate_limited'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/**
 * The TLS certificate of one hostname of one domain (an organization's claim): a hostname claimed again by another
 * organization gets a row of its own. For an on-demand edge (Caddy) the edge obtains it and Portico records what
 * its HTTPS probe sees: issuer and expiry, or the error with a message that says what to do. For `cert.acme`
 * Portico orders it; the order columns say whether one is wanted, running, or waiting for a retry.
 */
export const CertificateSchema = defineEntity({
  name: 'Certificate',
  tableName: 'certificates',
  properties: {
    ...baseColumns,
    domain: () => p.manyToOne(Domain).deleteRule('cascade'),
    hostname: p.string().length(253),
    status: p.enum(CERTIFICATE_STATUSES).default('pending'),
    /** Who holds it: `edge:<id>` for on-demand edges, `cert.acme` when Portico issued it. */
    source: p.string().length(80),
    /** The issuer's name as the certificate states it. */
    issuer: p.string().length(255).nullable(),
    notAfter: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /**
     * Why the last order failed or is held back, as a stable code: an ACME failure reason (`challenge_failed`,
     * `rate_limited`, …) or Portico's own (`registered_domain_limit`, `failed_validation_limit`, `dns01_conflict`).
     */
    reason: p.string().length(40).nullable(),
    /** Failed orders in a row (reset by a success): picks the next wait from `certificates.retryDelaysMinutes`. */
    attempts: p.integer().default(0),
    /** When the next order starts on its own (a retry after a failure, or the end of a rate-limit hold). */
    nextAttemptAt: p.datetime().nullable(),
    /** An order is wanted (asked for, due for renewal or retry) and queued; cleared when the order ends. */
    requestedAt: p.datetime().nullable(),
    /** An order runs until this lease ends: no second order starts for the hostname before, whoever asks. */
    orderingUntil: p.datetime().nullable(),
    /** Certificates Portico issued itself (`cert.acme`): the PEM chain, and the key sealed like credentials. */
    certificatePem: p.text().nullable().lazy(),
    privateKeySealed: p.text().nullable().hidden().lazy(),
    lastCheckedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['notAfter'] }, { properties: ['hostname'] }],
  uniques: [{ name: 'certificates_domain_hostname_unique', properties: ['domain', 'hostname'] }],
});
export class Certificate extends CertificateSchema.class {}
CertificateSchema.setClass(Certificate);
