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
  lastCheckedAt: c.lastCheckedAt?.toISOString() ?? null,
});
const domainParams = z.object({ domainId: uuid });

/** Certificates of a domain's hostnames (issue 5 item 6). */
export const certificateRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId/certificates',
    tag: 'certificates',
    summary: "The certificates of a domain's hostnames: status, issuer, expiry, last error",
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
    summary: 'Obtain (or renew) certificates now through the configured issuer (202; one job per hostname)',
    auth: 'principal',
    scope: 'domains:write',
    status: 202,
    params: domainParams,
    body: z.object({ hostname: z.string().max(253).optional().meta({ description: 'Default: every mapped host of the domain, else the domain.' }) }),
    response: z.object({ hostnames: z.array(z.string()) }),
    async handler({ params, body, principal, cradle }) {
      const { domain, access } = await cradle.domainService.get(principal, params.domainId);
      return { hostnames: await cradle.certificateService.request(access, domain, body.hostname?.toLowerCase()) };
    },
  }),
];
