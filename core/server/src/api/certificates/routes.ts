import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { CERTIFICATE_STATUSES, type Certificate } from '../../modules/certificates/entity.ts';
import { uuid } from '../schemas.ts';

const certificateSchema = z
  .object({
    id: z.string(),
    hostname: z.string(),
    status: z.enum(CERTIFICATE_STATUSES),
    source: z.string().meta({ description: '`edge:<id>` (obtained on demand by the edge) or `cert.acme` (issued by Portico).' }),
    issuer: z.string().nullable(),
    notAfter: z.string().nullable(),
    lastError: z.string().nullable(),
    reason: z.string().nullable().meta({
      description:
        'Why the last order failed or is held back, as a stable code: an ACME reason (`challenge_failed`, `rate_limited`, `caa`, …) or `registered_domain_limit`, `failed_validation_limit`, `dns01_conflict`, `dns01_timeout` (docs/reference/certificates.md).',
    }),
    attempts: z.number().int().meta({ description: 'Failed orders in a row since the last success.' }),
    nextAttemptAt: z.string().nullable().meta({ description: 'When the next order starts on its own (a retry, or the end of a rate-limit hold).' }),
    ordering: z.boolean().meta({ description: 'An order is queued or running now.' }),
    lastCheckedAt: z.string().nullable(),
  })
  .meta({ id: 'Certificate', description: 'A hostname’s TLS certificate. The private key is never returned.' });
const view = (c: Certificate) => ({
  id: c.id,
  hostname: c.hostname,
  status: c.status,
  source: c.source,
  issuer: c.issuer ?? null,
  notAfter: c.notAfter?.toISOString() ?? null,
  lastError: c.lastError ?? null,
  reason: c.reason ?? null,
  attempts: c.attempts,
  nextAttemptAt: c.nextAttemptAt?.toISOString() ?? null,
  ordering: Boolean(c.requestedAt) || Boolean(c.orderingUntil && c.orderingUntil > new Date()),
  lastCheckedAt: c.lastCheckedAt?.toISOString() ?? null,
});
const domainParams = z.object({ domainId: uuid });

const orderSchema = z
  .object({
    hostname: z.string(),
    certificateId: z.string(),
    state: z.enum(['queued', 'running', 'held']).meta({ description: '`queued`: an order is queued (now or before); `running`: one runs now (no second one is made); `held`: a rate limit holds it until `retryAt`.' }),
    retryAt: z.string().optional(),
  })
  .meta({ id: 'CertificateOrder' });

/** Certificates of a domain's hostnames. */
export const certificateRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId/certificates',
    tag: 'certificates',
    summary: "The certificates of a domain's hostnames: status, issuer, expiry, last error and the next retry",
    auth: 'principal',
    scope: 'domains:read',
    params: domainParams,
    response: z.object({ data: z.array(certificateSchema) }),
    async handler({ params, principal, cradle }) {
      const { domain } = await cradle.domainService.get(principal, params.domainId);
      return { data: (await cradle.certificateService.list(domain)).map(view) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/domains/:domainId/certificates',
    tag: 'certificates',
    summary: 'Obtain (or renew) certificates now through the configured issuer (202; at most one order per hostname at a time)',
    auth: 'principal',
    scope: 'domains:write',
    status: 202,
    params: domainParams,
    body: z.object({ hostname: z.string().max(253).optional().meta({ description: 'Default: every mapped host of the domain, else the domain.' }) }),
    response: z.object({ hostnames: z.array(z.string()), orders: z.array(orderSchema) }),
    async handler({ params, body, principal, cradle }) {
      const { domain, access } = await cradle.domainService.get(principal, params.domainId);
      const orders = await cradle.certificateService.request(access, domain, body.hostname?.toLowerCase());
      return {
        hostnames: orders.map((o) => o.hostname),
        orders: orders.map(({ retryAt, ...o }) => ({ ...o, ...(retryAt ? { retryAt: retryAt.toISOString() } : {}) })),
      };
    },
  }),
];
