import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/api/routes.ts';
import { buildOpenApi } from '../src/http/openapi.ts';
import { createOrganizationWithUser, createProject, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, type TestPortico } from './helpers.ts';
import { startScriptedPortico } from './scripted-portico.ts';

// A widget token does the widget's journey for its own project and nothing else: every route of the OpenAPI
// document that is not declared for the widget refuses it (even with the token's own ids), and the widget's routes
// answer 404 for another project's or another organization's ids, like ids that do not exist.

const MEMORY_TOKEN = 'memory-token-widget-routes-19ad';
const APP = 'https://app.saas.example';
const ALL_SCOPES = ['domains:read', 'domains:write', 'projects:read', 'projects:write', 'dns-credentials:read', 'dns-credentials:write', 'widget-tokens:write'];

/** The routes the widget's journey needs, and no more. */
const WIDGET_OPERATIONS = [
  'get /v1/domains/{domainId}',
  'get /v1/domains/{domainId}/dns-diff',
  'get /v1/domains/{domainId}/dns-plan',
  'get /v1/domains/{domainId}/events',
  'get /v1/providers',
  'get /v1/widget/domains',
  'get /v1/widget/session',
  'post /v1/domains/{domainId}/dns-setup',
  'post /v1/domains/{domainId}/verify',
  'post /v1/domains:check',
  'post /v1/organizations/{organizationId}/domains',
  'post /v1/widget/dns-credentials',
];

interface Operation {
  key: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  widget: boolean;
}
const doc = buildOpenApi(ROUTES, { version: 'test' }) as unknown as { paths: Record<string, Record<string, { 'x-portico-widget'?: boolean; security: unknown[] }>> };
const OPERATIONS: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ key: `${method} ${path}`, method: method as Operation['method'], path, widget: op['x-portico-widget'] === true })),
);

describe('a widget token reaches the widget’s routes for its own project, and nothing else', () => {
  let portico: TestPortico;
  let token: string;
  /** Ids of the token's own project P, of the organization's other project Q, and of another organization V. */
  const own: Record<string, string> = {};
  const hidden: Record<string, string> = {};
  const victim: Record<string, string> = {};

  const call = (op: Pick<Operation, 'method'>, path: string, body?: object) => {
    const test = portico.http[op.method](path).set('authorization', `Bearer ${token}`).set('origin', APP);
    return body ? test.send(body) : test;
  };
  const fill = (path: string, ids: Record<string, string>) => path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? randomUUID());

  /** A project with a domain (added by the SaaS, no customer reference) and a stored DNS credential. */
  const furnish = async (caller: Caller, organizationId: string, projectId: string, hostname: string) => {
    const domain = await caller.post(`/v1/organizations/${organizationId}/domains`, { hostname, projectId, method: 'scripted' });
    expect(domain.status, JSON.stringify(domain.body)).toBe(201);
    const credential = await caller.post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: `${hostname}-credential`, credentials: { token: MEMORY_TOKEN } });
    expect(credential.status, JSON.stringify(credential.body)).toBe(201);
    return { organizationId, projectId, domainId: domain.body.id as string, credentialId: credential.body.id as string };
  };

  beforeAll(async () => {
    portico = await startScriptedPortico({ zone: 'routes.test', token: MEMORY_TOKEN });
    const x = await createOrganizationWithUser(portico, { role: 'owner' });
    const xOwner = sessionCaller(await signIn(portico, x.email, x.password));
    const key = keyCaller(portico, (await xOwner.post(`/v1/organizations/${x.organizationId}/api-keys`, { name: 'saas', scopes: ALL_SCOPES }).expect(201)).body.secret);
    Object.assign(own, await furnish(key, x.organizationId, x.projectId, 'own.routes.test'));
    const { projectId: q } = await createProject(portico, x.organizationId, 'q');
    Object.assign(hidden, await furnish(key, x.organizationId, q, 'hidden.routes.test'));
    const v = await createOrganizationWithUser(portico, { role: 'owner' });
    const vOwner = sessionCaller(await signIn(portico, v.email, v.password));
    Object.assign(victim, await furnish(vOwner, v.organizationId, v.projectId, 'victim.routes.test'));
    // Every project allows the page, so only the token's project decides.
    for (const [caller, projectId] of [[key, x.projectId], [key, q], [vOwner, v.projectId]] as const) await caller.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: [APP] }).expect(200);
    token = (await key.post('/v1/widget-tokens', { projectId: x.projectId }).expect(201)).body.token;
  });
  afterAll(async () => portico?.stop());

  it('marks exactly the widget’s routes in the OpenAPI document, with the widget token as their security', () => {
    expect(OPERATIONS.length).toBe(ROUTES.length);
    expect(OPERATIONS.filter((o) => o.widget).map((o) => o.key).sort()).toEqual(WIDGET_OPERATIONS);
    for (const op of OPERATIONS) {
      const security = doc.paths[op.path]![op.method]!.security;
      expect(security.some((s) => Object.hasOwn(s as object, 'widgetToken')), op.key).toBe(op.widget);
    }
  });

  it('refuses the token on every other route, called with the token’s own ids', async () => {
    const refused = OPERATIONS.filter((o) => !o.widget);
    expect(refused.length).toBeGreaterThan(35);
    for (const op of refused) {
      const res = await call(op, fill(op.path, own), op.method === 'get' || op.method === 'delete' ? undefined : {});
      expect(`${res.status} ${res.body?.error?.code}`, `${op.key}: ${JSON.stringify(res.body)}`).toBe('403 WIDGET_ROUTE_REFUSED');
    }
  });

  it('answers 404 on the widget’s routes for another project’s or organization’s ids', async () => {
    expect((await call({ method: 'get' }, `/v1/domains/${own.domainId}`)).status).toBe(200);
    for (const other of [hidden, victim]) {
      for (const suffix of ['', '/events', '/dns-diff', `/dns-plan?credentialId=${other.credentialId}`]) {
        const res = await call({ method: 'get' }, `/v1/domains/${other.domainId}${suffix}`);
        expect(`${res.status} ${res.body?.error?.code}`, `GET …${suffix}`).toBe('404 NOT_FOUND');
      }
      for (const [path, body] of [
        [`/v1/domains/${other.domainId}/verify`, undefined],
        [`/v1/domains/${other.domainId}/dns-setup`, { credentialId: other.credentialId }],
        [`/v1/domains/${own.domainId}/dns-setup`, { credentialId: other.credentialId }],
        [`/v1/organizations/${other.organizationId}/domains`, { hostname: 'new.routes.test', projectId: other.projectId }],
        [`/v1/organizations/${own.organizationId}/domains`, { hostname: 'new.routes.test', projectId: other.projectId }],
        ['/v1/domains:check', { hostname: 'new.routes.test', organizationId: other.organizationId, projectId: other.projectId }],
        ['/v1/domains:check', { hostname: 'new.routes.test', projectId: other.projectId }],
      ] as const) {
        const res = await call({ method: 'post' }, path, body);
        expect(`${res.status} ${res.body?.error?.code}`, `POST ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe('404 NOT_FOUND');
      }
    }
    // The other project's domain of that name is not shown through the check.
    const check = await call({ method: 'post' }, '/v1/domains:check', { hostname: 'hidden.routes.test' });
    expect(check.status).toBe(200);
    expect(check.body.existing).toBeNull();
  });
});
