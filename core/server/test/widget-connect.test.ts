import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { ServiceDomainMapping } from '../src/modules/routing/mapping.entity.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { createOrganizationWithUser, createProject, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, waitFor, type TestPortico } from './helpers.ts';
import { startScriptedPortico } from './scripted-portico.ts';

// What the Connect widget needs beyond the basic journey (docs/reference/widget-embedding.md): its session names the
// project and says whether domains go live on their own; it lists the domains it may resume; the customer can hand
// over a DNS credential that serves only that customer; and a project's default service maps every domain the widget
// adds as soon as it is verified.

const MEMORY_TOKEN = 'memory-token-widget-connect-5e2b';
const ZONE = 'connect.test';
const APP = 'https://app.saas.example';

describe('the Connect widget’s session, domains, customer credentials and default service', () => {
  let portico: TestPortico;
  let organizationId: string;
  let projectId: string;
  let otherProjectId: string;
  let key: Caller;

  const expectError = (res: { status: number; body: { error?: { code?: string } } }, status: number, code: string) => {
    expect(`${res.status} ${res.body.error?.code}`, JSON.stringify(res.body)).toBe(`${status} ${code}`);
  };
  const issue = async (body: object = {}, project = projectId) => {
    const res = await key.post('/v1/widget-tokens', { projectId: project, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.token as string;
  };
  const widget = (token: string) => ({
    get: (path: string) => portico.http.get(path).set('authorization', `Bearer ${token}`).set('origin', APP),
    post: (path: string, body: object = {}) => portico.http.post(path).set('authorization', `Bearer ${token}`).set('origin', APP).send(body),
  });
  const newService = async (name: string, project = projectId) => (await key.post(`/v1/projects/${project}/services`, { name, upstreamHost: `${name}.internal`, upstreamPort: 8080 }).expect(201)).body.id as string;
  const statusOf = async (domainId: string) => (await key.get(`/v1/domains/${domainId}`)).body.status as string;
  const mappingsOf = (domainId: string) => portico.container.cradle.orm.em.fork().find(ServiceDomainMapping, { domain: domainId });

  beforeAll(async () => {
    portico = await startScriptedPortico({ zone: ZONE, token: MEMORY_TOKEN });
    const x = await createOrganizationWithUser(portico, { role: 'owner' });
    ({ organizationId, projectId } = x);
    const owner = sessionCaller(await signIn(portico, x.email, x.password));
    ({ projectId: otherProjectId } = await createProject(portico, organizationId, 'other'));
    const scopes = ['widget-tokens:write', 'domains:read', 'domains:write', 'projects:read', 'projects:write', 'dns-credentials:read', 'dns-credentials:write'];
    key = keyCaller(portico, (await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'saas', scopes }).expect(201)).body.secret);
    for (const project of [projectId, otherProjectId]) await key.patch(`/v1/projects/${project}/widget`, { allowedOrigins: [APP] }).expect(200);
  });
  afterAll(async () => portico?.stop());

  it('sets and clears the default service: a service of the project only, cleared when the service is deleted', async () => {
    const web = await newService('web');
    const foreign = await newService('foreign', otherProjectId);
    const session = async () => (await widget(await issue()).get('/v1/widget/session')).body;
    expect(await session()).toMatchObject({ project: { name: expect.any(String) }, defaultServiceConfigured: false });

    const set = await key.patch(`/v1/projects/${projectId}/widget`, { defaultServiceId: web });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ projectId, allowedOrigins: [APP], defaultServiceId: web });
    expect((await key.get(`/v1/projects/${projectId}/widget`)).body.defaultServiceId).toBe(web);
    expect((await session()).defaultServiceConfigured).toBe(true);

    expectError(await key.patch(`/v1/projects/${projectId}/widget`, { defaultServiceId: foreign }), 404, 'NOT_FOUND');
    expectError(await key.patch(`/v1/projects/${projectId}/widget`, { defaultServiceId: '6f0a1c52-59a4-4a35-8a4c-4f7d1e0c9a11' }), 404, 'NOT_FOUND');
    expectError(await key.patch(`/v1/projects/${projectId}/widget`, { defaultServiceId: 'web' }), 400, 'VALIDATION_FAILED');
    expect((await key.get(`/v1/projects/${projectId}/widget`)).body.defaultServiceId).toBe(web);

    // Leaving a field out keeps it; null unsets.
    expect((await key.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: [APP, 'http://localhost:5173'] })).body.defaultServiceId).toBe(web);
    expect((await key.patch(`/v1/projects/${projectId}/widget`, { defaultServiceId: null })).body).toMatchObject({ defaultServiceId: null, allowedOrigins: [APP, 'http://localhost:5173'] });

    const doomed = await newService('doomed');
    await key.patch(`/v1/projects/${projectId}/widget`, { defaultServiceId: doomed }).expect(200);
    expect((await key.delete(`/v1/services/${doomed}`)).status).toBe(204);
    expect((await key.get(`/v1/projects/${projectId}/widget`)).body.defaultServiceId).toBeNull();
    expect((await session()).defaultServiceConfigured).toBe(false);
  });

  it('maps a domain the widget added to the default service once verified, so it is routed; never one the SaaS added', async () => {
    const web = await newService('shop');
    await key.patch(`/v1/projects/${projectId}/widget`, { defaultServiceId: web }).expect(200);
    const w = widget(await issue({ customerRef: 'cust-map' }));
    const hostname = `live.${ZONE}`;
    scriptedVerifier().outcomes.set(hostname, 'verified');
    const added = await w.post(`/v1/organizations/${organizationId}/domains`, { hostname });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const domainId = added.body.id as string;
    expect((await w.post(`/v1/domains/${domainId}/verify`)).status).toBe(202);

    const mappings = await waitFor(
      () => mappingsOf(domainId),
      (list) => list.length > 0,
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({ host: hostname, basePath: '/', subdomain: null, stripPath: false, protocol: 'https' });
    expect(mappings[0]!.service.id).toBe(web);
    expect(mappings[0]!.project.id).toBe(projectId);
    const listed = (await key.get(`/v1/projects/${projectId}/mappings`)).body.data as Array<{ host: string; serviceId: string }>;
    expect(listed.filter((m) => m.host === hostname)).toHaveLength(1);
    const routeTable = portico.container.cradle.routeTable;
    const routes = await waitFor(
      async () => routeTable.routesFor(hostname),
      (r) => r.length > 0,
    );
    expect(routes.length).toBe(1);
    expect(portico.logs.some((line) => line.includes('mapped to the project’s default service') && line.includes(domainId))).toBe(true);

    // Idempotent: running again changes nothing.
    expect(await portico.container.cradle.widgetService.autoMap(domainId)).toBeNull();
    expect(await mappingsOf(domainId)).toHaveLength(1);

    // A domain the SaaS added itself (even with a customer reference) stops at verified.
    const own = `saas.${ZONE}`;
    scriptedVerifier().outcomes.set(own, 'verified');
    const saas = (await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: own, projectId, customerRef: 'cust-map' }).expect(201)).body.id as string;
    await key.post(`/v1/domains/${saas}/verify`).expect(202);
    expect(await waitFor(() => statusOf(saas), (s) => s !== 'verifying')).toBe('verified');
    expect(await portico.container.cradle.widgetService.autoMap(saas)).toBeNull();
    expect(await mappingsOf(saas)).toHaveLength(0);
  });

  it('leaves a widget-added domain at verified when the project has no default service', async () => {
    const w = widget(await issue({ customerRef: 'cust-none' }, otherProjectId));
    const hostname = `plain.${ZONE}`;
    scriptedVerifier().outcomes.set(hostname, 'verified');
    const domainId = (await w.post(`/v1/organizations/${organizationId}/domains`, { hostname }).expect(201)).body.id as string;
    const stored = await portico.container.cradle.orm.em.fork().findOneOrFail(Domain, { id: domainId });
    expect(stored.addedByWidget).toBe(true);
    await w.post(`/v1/domains/${domainId}/verify`).expect(202);
    expect(await waitFor(() => statusOf(domainId), (s) => s !== 'verifying')).toBe('verified');
    expect(await portico.container.cradle.widgetService.autoMap(domainId)).toBeNull();
    expect(await mappingsOf(domainId)).toHaveLength(0);
    expect((await w.get('/v1/widget/session')).body.defaultServiceConfigured).toBe(false);
  });

  it('stores a customer’s DNS credential for that customer only', async () => {
    const saasCredential = (await key.post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: 'SaaS memory', credentials: { token: MEMORY_TOKEN } }).expect(201)).body.id as string;
    const a = widget(await issue({ customerRef: 'cust-a' }));
    const b = widget(await issue({ customerRef: 'cust-b' }));

    const stored = await a.post('/v1/widget/dns-credentials', { provider: 'memory', credentials: { token: MEMORY_TOKEN } });
    expect(stored.status, JSON.stringify(stored.body)).toBe(201);
    expect(stored.body).toEqual({ id: expect.any(String), provider: 'memory', label: 'In-memory (reference) (connected by customer)' });
    const credentialId = stored.body.id as string;
    const listed = (await key.get(`/v1/projects/${projectId}/dns-credentials`)).body.data as Array<{ id: string; customerRef: string | null }>;
    expect(listed.find((c) => c.id === credentialId)?.customerRef).toBe('cust-a');
    expect(listed.find((c) => c.id === saasCredential)?.customerRef).toBeNull();

    expectError(await a.post('/v1/widget/dns-credentials', { provider: 'memory', credentials: { token: 'wrong-token-0000' } }), 422, 'DNS_CREDENTIAL_REJECTED');
    expectError(await a.post('/v1/widget/dns-credentials', { provider: 'memory' }), 400, 'VALIDATION_FAILED');
    expectError(await a.post('/v1/widget/dns-credentials', { provider: 'nope', credentials: {} }), 400, 'DNS_PROVIDER_UNKNOWN');
    expectError(await widget(await issue()).post('/v1/widget/dns-credentials', { provider: 'memory', credentials: { token: MEMORY_TOKEN } }), 403, 'WIDGET_CUSTOMER_REQUIRED');

    // The check offers each customer the SaaS's credentials and its own, never another customer's.
    const offered = async (caller: ReturnType<typeof widget>, hostname: string) => {
      const res = await caller.post('/v1/domains:check', { hostname });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.automatic as { possible: boolean; reason: string; credentials: Array<{ id: string }> };
    };
    const forA = await offered(a, `a.${ZONE}`);
    expect(forA.credentials.map((c) => c.id).sort()).toEqual([saasCredential, credentialId].sort());
    expect(forA).toMatchObject({ possible: true, reason: 'ready' });
    const forB = await offered(b, `b.${ZONE}`);
    expect(forB.credentials.map((c) => c.id)).not.toContain(credentialId);
    expect(forB.credentials.map((c) => c.id)).toContain(saasCredential);
    // The SaaS's own check sees both.
    const saasCheck = (await key.post('/v1/domains:check', { hostname: `a.${ZONE}` })).body.automatic.credentials as Array<{ id: string }>;
    expect(saasCheck.map((c) => c.id)).toContain(credentialId);

    // Customer A plans and sets up its own domain with its credential; customer B cannot use it.
    const aDomain = (await a.post(`/v1/organizations/${organizationId}/domains`, { hostname: `a.${ZONE}` }).expect(201)).body.id as string;
    const plan = await a.get(`/v1/domains/${aDomain}/dns-plan?credentialId=${credentialId}`);
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ provider: 'memory', zone: ZONE });
    expect(plan.body.changes.length).toBeGreaterThan(0);
    const bDomain = (await b.post(`/v1/organizations/${organizationId}/domains`, { hostname: `b.${ZONE}` }).expect(201)).body.id as string;
    expectError(await b.post(`/v1/domains/${bDomain}/dns-setup`, { credentialId }), 404, 'NOT_FOUND');
    expectError(await b.get(`/v1/domains/${bDomain}/dns-plan?credentialId=${credentialId}`), 404, 'NOT_FOUND');
    expectError(await b.post(`/v1/organizations/${organizationId}/domains`, { hostname: `b2.${ZONE}`, dnsCredentialId: credentialId }), 404, 'NOT_FOUND');
    // Not even the SaaS sets up another customer's domain with it.
    expectError(await key.post(`/v1/domains/${bDomain}/dns-setup`, { credentialId }), 400, 'VALIDATION_FAILED');
    expect((await a.post(`/v1/domains/${aDomain}/dns-setup`, { credentialId })).status).toBe(202);
  });

  it('lists the domains the session may resume: its project, its limit, its customer; newest first, at most 20', async () => {
    const names = Array.from({ length: 22 }, (_, i) => `r${String(i).padStart(2, '0')}.resume.${ZONE}`);
    const mine = widget(await issue({ customerRef: 'cust-r', hostname: `resume.${ZONE}`, includeSubdomains: true }));
    for (const hostname of names) await mine.post(`/v1/organizations/${organizationId}/domains`, { hostname }).expect(201);
    const saasOwn = (await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: `saas.resume.${ZONE}`, projectId }).expect(201)).body.id as string;
    await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: `other.resume.${ZONE}`, projectId, customerRef: 'cust-other' }).expect(201);
    await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: `elsewhere.resume.${ZONE}`, projectId: otherProjectId, customerRef: 'cust-r' }).expect(201);
    await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: `outside.${ZONE}`, projectId, customerRef: 'cust-r' }).expect(201);

    const res = await mine.get('/v1/widget/domains');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const listed = res.body.data as Array<{ id: string; hostname: string; customerRef: string | null; createdAt: string }>;
    expect(listed).toHaveLength(20);
    expect(listed[0]!.id).toBe(saasOwn);
    expect(listed.slice(1).map((d) => d.hostname)).toEqual([...names].reverse().slice(0, 19));
    for (const d of listed) expect(d.hostname.endsWith(`.resume.${ZONE}`)).toBe(true);
    expect(listed.map((d) => d.hostname)).not.toContain(`other.resume.${ZONE}`);

    const exact = widget(await issue({ customerRef: 'cust-r', hostname: names[3] }));
    expect(((await exact.get('/v1/widget/domains')).body.data as Array<{ hostname: string }>).map((d) => d.hostname)).toEqual([names[3]]);
    expectError(await key.get('/v1/widget/domains'), 401, 'UNAUTHENTICATED');
  });

  it('serves the consent-done page through the app, before any authentication', async () => {
    const res = await portico.http.get('/widget/consent-done').set('authorization', 'Bearer not-a-key');
    expect(res.status).toBe(200);
    expect(res.text).toContain('You can close this window');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });
});
