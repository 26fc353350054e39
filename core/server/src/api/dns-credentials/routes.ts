import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { uuid } from '../schemas.ts';
import { createCredentialBody, credentialSchema, credentialView } from './schemas.ts';

const projectParams = z.object({ projectId: uuid });

/** Delegated DNS provider credentials of a project: write-only secrets. */
export const dnsCredentialRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/projects/:projectId/dns-credentials',
    tag: 'dns',
    summary: 'Store a provider credential: verified with the provider first (422 DNS_CREDENTIAL_REJECTED if refused), then encrypted',
    auth: 'principal',
    scope: 'dns-credentials:write',
    status: 201,
    params: projectParams,
    body: createCredentialBody,
    response: credentialSchema,
    async handler({ params, body, principal, cradle }) {
      const { access } = await cradle.projectService.get(principal, params.projectId);
      return credentialView(await cradle.credentialService.create(access, params.projectId, body));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects/:projectId/dns-credentials',
    tag: 'dns',
    summary: "A project's stored provider credentials (never their secrets)",
    auth: 'principal',
    scope: 'dns-credentials:read',
    params: projectParams,
    response: z.object({ data: z.array(credentialSchema) }),
    async handler({ params, principal, cradle }) {
      const { access } = await cradle.projectService.get(principal, params.projectId);
      return { data: (await cradle.credentialService.list(access, params.projectId)).map(credentialView) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/dns-credentials/:credentialId',
    tag: 'dns',
    summary: 'Delete a stored credential; domains set up with it keep their records and fall back to manual setup',
    auth: 'principal',
    scope: 'dns-credentials:write',
    params: z.object({ credentialId: uuid }),
    response: null,
    async handler({ params, principal, cradle }) {
      const access = await cradle.credentialService.accessFor(principal, params.credentialId);
      await cradle.credentialService.remove(access, params.credentialId);
    },
  }),
];
