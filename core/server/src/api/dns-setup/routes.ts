import { z } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import { defineRoute } from '../../http/route.ts';
import type { Principal } from '../../http/principal.ts';
import type { Cradle } from '../../container.ts';
import { domainSchema, viewDomain } from '../domains/schemas.ts';
import { uuid } from '../schemas.ts';
import { checkBody, checkSchema, diffSchema, planQuery, planSchema, setupBody } from './schemas.ts';

const domainParams = z.object({ domainId: uuid });

/** The organization a check runs in: the key's, the one named, or the caller's only one. */
async function organizationFor(cradle: Cradle, principal: Principal, named: string | undefined): Promise<string> {
  if (named) return named;
  const ids = await cradle.accessService.organizationIds(principal);
  if (ids.length === 1) return ids[0]!;
  throw new AppError('VALIDATION_FAILED', 'You belong to several organizations: give organizationId.', { issues: [{ in: 'body', path: 'organizationId', message: 'required' }] });
}

/** Provider detection, automatic setup, plans and diffs. */
export const dnsSetupRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/domains\\:check',
    tag: 'dns',
    summary: 'Check a hostname: its zone and DNS provider, whether automatic setup is possible (and how), the records either way',
    auth: 'principal',
    scope: 'domains:read',
    widget: { hostname: (body) => body.hostname },
    body: checkBody,
    response: checkSchema,
    async handler({ body, principal, cradle }) {
      const access = await cradle.accessService.forOrganization(principal, await organizationFor(cradle, principal, body.organizationId));
      return cradle.domainCheckService.check(access, body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId/dns-plan',
    tag: 'dns',
    summary: 'Dry run: what automatic setup would write with a credential (or provider), and what is in the way',
    auth: 'principal',
    scope: 'domains:read',
    widget: true,
    params: domainParams,
    query: planQuery,
    response: planSchema,
    async handler({ params, query, principal, cradle }) {
      const { domain, access } = await cradle.domainService.get(principal, params.domainId);
      return cradle.dnsSetupService.plan(access, domain, query);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/domains/:domainId/dns-setup',
    tag: 'dns',
    summary: 'Start automatic setup: a job writes the records, then the domain propagates and is verified (202)',
    auth: 'principal',
    scope: 'domains:write',
    widget: true,
    status: 202,
    params: domainParams,
    body: setupBody,
    response: domainSchema,
    async handler({ params, body, principal, cradle }) {
      const { domain, access, projectIds } = await cradle.domainService.get(principal, params.domainId);
      const started = await cradle.dnsSetupService.request(access, domain, body);
      return viewDomain(cradle.kernel, started, projectIds);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/domains/:domainId/dns-diff',
    tag: 'dns',
    summary: 'The records the domain needs against what its authoritative DNS servers answer now',
    auth: 'principal',
    scope: 'domains:read',
    widget: true,
    params: domainParams,
    response: diffSchema,
    async handler({ params, principal, cradle }) {
      const { domain } = await cradle.domainService.get(principal, params.domainId);
      return cradle.dnsSetupService.diff(domain);
    },
  }),
];
