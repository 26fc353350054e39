import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WidgetToken } from '../src/modules/widget/entity.ts';
import { createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, waitFor, type TestPortico } from './helpers.ts';
import { startScriptedPortico } from './scripted-portico.ts';

// Embedding the Connect widget (docs/reference/widget-embedding.md): the SaaS's server issues short-lived tokens
// with its API key, the project lists the page origins allowed to use them, CORS answers only those origins on
// only the widget's routes, and the widget's journey stays inside its project, hostname limit and customer.

const MEMORY_TOKEN = 'memory-token-widget-7c41';
const APP = 'https://app.saas.example';
const ELSEWHERE = 'https://evil.example';

describe('widget tokens, allowed origins and CORS', () => {
  let portico: TestPortico;
  let owner: Caller;
  let organizationId: string;
  let projectId: string;
  let otherProjectId: string;
  let key: Caller;
  let keyWithoutScope: Caller;
  const issued: string[] = [];

  const issue = async (body: object, caller: Caller = key) => {
    const res = await caller.post('/v1/widget-tokens', { projectId, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    issued.push(res.body.token);
    return res.body as { token: string; expiresAt: string };
  };
  /** A request as the widget sends it: bearer token, from a page origin. */
  const widget = (token: string, origin: string | null = APP) => {
    const set = (test: ReturnType<TestPortico['http']['get']>) => {
      test.set('authorization', `Bearer ${token}`);
      return origin === null ? test : test.set('origin', origin);
    };
    return {
      get: (path: string) => set(portico.http.get(path)),
      post: (path: string, body: object = {}) => set(portico.http.post(path)).send(body),
    };
  };
  const expectError = (res: { status: number; body: { error?: { code?: string } } }, status: number, code: string) => {
    expect(`${res.status} ${res.body.error?.code}`, JSON.stringify(res.body)).toBe(`${status} ${code}`);
  };

  beforeAll(async () => {
    portico = await startScriptedPortico({ zone: 'widget.test', token: MEMORY_TOKEN });
    const x = await createOrganizationWithUser(portico, { role: 'owner' });
    ({ organizationId, projectId } = x);
    owner = sessionCaller(await signIn(portico, x.email, x.password));
    ({ projectId: otherProjectId } = await createProject(portico, organizationId, 'other'));
    const newKey = async (scopes: string[]) => (await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: `k-${scopes.length}`, scopes }).expect(201)).body.secret as string;
    key = keyCaller(portico, await newKey(['widget-tokens:write', 'domains:read', 'domains:write', 'projects:read', 'projects:write']));
    keyWithoutScope = keyCaller(portico, await newKey(['domains:read']));
    await owner.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: [APP, 'http://localhost:5173'] }).expect(200);
    await owner.patch(`/v1/projects/${otherProjectId}/widget`, { allowedOrigins: ['https://other.saas.example'] }).expect(200);
  });
  afterAll(async () => portico?.stop());

  it('normalises allowed origins and refuses anything but exact https origins (http only on localhost)', async () => {
    const set = await key.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: ['HTTPS://App.SaaS.Example:443', 'https://app.saas.example', 'http://localhost:5173', 'https://bücher.example:8443'] });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.allowedOrigins).toEqual([APP, 'http://localhost:5173', 'https://xn--bcher-kva.example:8443']);
    expect((await key.get(`/v1/projects/${projectId}/widget`)).body.allowedOrigins).toEqual(set.body.allowedOrigins);
    for (const bad of ['https://*.saas.example', 'https://app.saas.example/settings', 'http://app.saas.example', 'ftp://app.saas.example', 'app.saas.example', 'https://user@app.saas.example', 'https://app.saas.example?x=1', 'null']) {
      const res = await key.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: [bad] });
      expectError(res, 400, 'VALIDATION_FAILED');
    }
    const member = await createMember(portico, organizationId, { role: 'project_member', projectId });
    const asMember = sessionCaller(await signIn(portico, member.email, member.password));
    expectError(await asMember.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: [] }), 403, 'FORBIDDEN');
    await key.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: [APP, 'http://localhost:5173'] }).expect(200);
  });

  it('issues tokens to a key with widget-tokens:write or a project admin, stored hashed, expiring in minutes', async () => {
    const before = Date.now();
    const { token, expiresAt } = await issue({});
    expect(token).toMatch(/^wt_[A-Za-z0-9_-]{43}$/);
    const lifetime = new Date(expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThan(590_000);
    expect(lifetime).toBeLessThanOrEqual(601_000);
    const short = await issue({ expiresInSeconds: 120 });
    expect(new Date(short.expiresAt).getTime() - before).toBeLessThanOrEqual(121_000);
    await issue({}, owner);

    const rows = await portico.container.cradle.orm.em.fork().find(WidgetToken, { project: projectId });
    expect(JSON.stringify(rows.map((r) => ({ ...r, tokenHash: r.tokenHash })))).not.toContain(token.slice(3));

    expectError(await keyWithoutScope.post('/v1/widget-tokens', { projectId }), 403, 'API_KEY_SCOPE_MISSING');
    for (const body of [{ expiresInSeconds: 3601 }, { expiresInSeconds: 0 }, { customerRef: 'x'.repeat(201) }, { customerRef: 'a\u0000b' }, { customerRef: '' }, { hostname: 'https://shop.example.com/' }]) {
      expectError(await key.post('/v1/widget-tokens', { projectId, ...body }), 400, body.hostname ? 'HOSTNAME_INVALID' : 'VALIDATION_FAILED');
    }
    const stranger = await createOrganizationWithUser(portico);
    expectError(await key.post('/v1/widget-tokens', { projectId: stranger.projectId }), 404, 'NOT_FOUND');
    const bound = keyCaller(portico, (await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'bound', scopes: ['widget-tokens:write'], projectId: otherProjectId }).expect(201)).body.secret);
    expectError(await bound.post('/v1/widget-tokens', { projectId }), 404, 'NOT_FOUND');
    const member = await createMember(portico, organizationId, { role: 'project_member', projectId });
    expectError(await sessionCaller(await signIn(portico, member.email, member.password)).post('/v1/widget-tokens', { projectId }), 403, 'FORBIDDEN');
  });

  it('works only from an allowed origin of its project, and only until it expires', async () => {
    const { token, expiresAt } = await issue({ hostname: 'Shop.Widget.Test.', customerRef: 'cust-1' });
    const session = await widget(token).get('/v1/widget/session');
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(session.body).toEqual({ organizationId, projectId, project: { name: expect.any(String) }, hostname: 'shop.widget.test', includeSubdomains: false, expiresAt, defaultServiceConfigured: false });
    expect((await widget(token, 'http://localhost:5173').get('/v1/widget/session')).status).toBe(200);

    expectError(await widget(token, null).get('/v1/widget/session'), 403, 'WIDGET_ORIGIN_REFUSED');
    expectError(await widget(token, ELSEWHERE).get('/v1/widget/session'), 403, 'WIDGET_ORIGIN_REFUSED');
    // Allowed for the organization's other project, not for this token's.
    expectError(await widget(token, 'https://other.saas.example').get('/v1/widget/session'), 403, 'WIDGET_ORIGIN_REFUSED');
    expectError(await widget(token, `${APP}/`).get('/v1/widget/session'), 403, 'WIDGET_ORIGIN_REFUSED');
    expectError(await widget(`wt_${'A'.repeat(43)}`).get('/v1/widget/session'), 401, 'UNAUTHENTICATED');
    expectError(await widget(`${token}x`).get('/v1/widget/session'), 401, 'UNAUTHENTICATED');
    // Only widget tokens open the widget's session.
    expectError(await key.get('/v1/widget/session'), 401, 'UNAUTHENTICATED');

    await portico.container.cradle.orm.em.fork().nativeUpdate(WidgetToken, { project: projectId, customerRef: 'cust-1' }, { expiresAt: new Date(Date.now() - 1000) });
    const expired = await widget(token).get('/v1/widget/session');
    expectError(expired, 401, 'WIDGET_TOKEN_EXPIRED');
    expect(expired.headers['access-control-allow-origin']).toBe(APP); // the widget can read why, and show its overlay
    expectError(await widget(token).get('/v1/providers'), 401, 'WIDGET_TOKEN_EXPIRED');
  });

  it('answers CORS preflights only for allowed origins and only on the widget’s routes, never with credentials', async () => {
    const preflight = (path: string, origin: string, method = 'GET') =>
      portico.http.options(path).set('origin', origin).set('access-control-request-method', method).set('access-control-request-headers', 'authorization, content-type');
    const ok = await preflight('/v1/domains/6f0a1c52-59a4-4a35-8a4c-4f7d1e0c9a11', APP);
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(ok.headers.vary).toMatch(/origin/i);
    expect(ok.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(ok.headers['access-control-allow-methods']).toContain('GET');
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    expect((await preflight('/v1/domains:check', 'https://other.saas.example', 'POST')).headers['access-control-allow-origin']).toBe('https://other.saas.example');
    expect((await preflight('/v1/providers', 'http://localhost:5173')).headers['access-control-allow-origin']).toBe('http://localhost:5173');

    const refused = await preflight('/v1/domains:check', ELSEWHERE, 'POST');
    expectError(refused, 403, 'WIDGET_ORIGIN_REFUSED');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    for (const path of [`/v1/organizations/${organizationId}/api-keys`, `/v1/projects/${projectId}/widget`, '/v1/widget-tokens', `/v1/domains/6f0a1c52-59a4-4a35-8a4c-4f7d1e0c9a11/usage`]) {
      const res = await preflight(path, APP, 'POST');
      expect(res.headers['access-control-allow-origin'], path).toBeUndefined();
    }

    const { token } = await issue({});
    const real = await widget(token).get('/v1/providers');
    expect(real.status).toBe(200);
    expect(real.headers['access-control-allow-origin']).toBe(APP);
    expect(real.headers['access-control-allow-credentials']).toBeUndefined();
    // The SaaS's own routes say nothing to browsers, whatever the origin.
    const saas = await key.get(`/v1/projects/${projectId}/widget`).set('origin', APP);
    expect(saas.status).toBe(200);
    expect(saas.headers['access-control-allow-origin']).toBeUndefined();
    expect((await widget(token, ELSEWHERE).get('/v1/providers')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('runs the journey in its project: check, add (with the customer reference), read, verify, set up, within its hostname limit', async () => {
    const credential = await owner.post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: 'widget-memory', credentials: { token: MEMORY_TOKEN } });
    expect(credential.status, JSON.stringify(credential.body)).toBe(201);
    const { token } = await issue({ hostname: 'shop.widget.test', customerRef: 'cust-42' });
    const w = widget(token);

    const check = await w.post('/v1/domains:check', { hostname: 'SHOP.widget.test' });
    expect(check.status, JSON.stringify(check.body)).toBe(200);
    expect(check.body).toMatchObject({ hostname: 'shop.widget.test', available: true, existing: null });
    expectError(await w.post('/v1/domains:check', { hostname: 'www.widget.test' }), 403, 'WIDGET_HOSTNAME_REFUSED');
    expectError(await w.post('/v1/domains:check', { hostname: 'a.shop.widget.test' }), 403, 'WIDGET_HOSTNAME_REFUSED');

    const add = (body: object) => w.post(`/v1/organizations/${organizationId}/domains`, { method: 'scripted', ...body });
    expectError(await add({ hostname: 'www.widget.test' }), 403, 'WIDGET_HOSTNAME_REFUSED');
    expectError(await add({ hostname: 'shop.widget.test', projectId: otherProjectId }), 404, 'NOT_FOUND');
    const added = await add({ hostname: 'shop.widget.test', customerRef: 'someone-else' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ hostname: 'shop.widget.test', projectIds: [projectId], customerRef: 'cust-42' });
    expect(added.body.instructions.length).toBeGreaterThan(0);
    const id = added.body.id as string;

    expect((await w.get(`/v1/domains/${id}`)).body).toMatchObject({ id, customerRef: 'cust-42' });
    expect((await key.get(`/v1/domains/${id}`)).body.customerRef).toBe('cust-42'); // the SaaS sees its reference
    expect((await w.post('/v1/domains:check', { hostname: 'shop.widget.test' })).body.existing).toMatchObject({ id });
    const verify = await w.post(`/v1/domains/${id}/verify`);
    expect(verify.status, JSON.stringify(verify.body)).toBe(202);
    expect((await w.get(`/v1/domains/${id}/dns-diff`)).status).toBe(200);
    // The scripted check finds nothing (failed_temporary); automatic setup then writes the records.
    await waitFor(
      async () => (await w.get(`/v1/domains/${id}`)).body.status as string,
      (status) => status !== 'verifying',
    );
    const setup = await w.post(`/v1/domains/${id}/dns-setup`, { credentialId: credential.body.id });
    expect(setup.status, JSON.stringify(setup.body)).toBe(202);
    expect((await w.get('/v1/providers')).status).toBe(200);

    const events = (await w.get(`/v1/domains/${id}/events`)).body.data as Array<{ details: Record<string, unknown> | null }>;
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const event of events) expect(event.details?.customerRef).toBe('cust-42');
  });

  it('sees only the domains of its project it may connect, and none carrying another customer’s reference', async () => {
    const mine = (await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'a.sub.widget.test', projectId, customerRef: 'cust-7' }).expect(201)).body;
    const unowned = (await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'b.sub.widget.test', projectId }).expect(201)).body;
    const otherCustomer = (await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'c.sub.widget.test', projectId, customerRef: 'cust-8' }).expect(201)).body;
    const elsewhere = (await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'd.sub.widget.test', projectId: otherProjectId }).expect(201)).body;
    const outside = (await key.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'e.widget.test', projectId }).expect(201)).body;
    expect((await key.get(`/v1/domains/${mine.id}/events`)).body.data[0].details.customerRef).toBe('cust-7');

    const apex = widget((await issue({ hostname: 'sub.widget.test', includeSubdomains: true, customerRef: 'cust-7' })).token);
    expect((await apex.get(`/v1/domains/${mine.id}`)).status).toBe(200);
    expect((await apex.get(`/v1/domains/${unowned.id}`)).status).toBe(200);
    for (const hidden of [otherCustomer, elsewhere, outside]) {
      for (const path of [`/v1/domains/${hidden.id}`, `/v1/domains/${hidden.id}/events`, `/v1/domains/${hidden.id}/dns-diff`]) expectError(await apex.get(path), 404, 'NOT_FOUND');
      expectError(await apex.post(`/v1/domains/${hidden.id}/verify`), 404, 'NOT_FOUND');
    }
    expect((await apex.post('/v1/domains:check', { hostname: 'x.y.sub.widget.test' })).status).toBe(200);
    expect((await apex.post('/v1/domains:check', { hostname: 'c.sub.widget.test' })).body.existing).toBeNull();
    expectError(await apex.post('/v1/domains:check', { hostname: 'e.widget.test' }), 403, 'WIDGET_HOSTNAME_REFUSED');

    const exact = widget((await issue({ hostname: 'sub.widget.test', customerRef: 'cust-7' })).token);
    expectError(await exact.get(`/v1/domains/${mine.id}`), 404, 'NOT_FOUND');
    expectError(await exact.post('/v1/domains:check', { hostname: 'a.sub.widget.test' }), 403, 'WIDGET_HOSTNAME_REFUSED');

    const anyName = widget((await issue({})).token);
    expect((await anyName.get(`/v1/domains/${unowned.id}`)).status).toBe(200);
    expect((await anyName.get(`/v1/domains/${outside.id}`)).status).toBe(200);
    expectError(await anyName.get(`/v1/domains/${mine.id}`), 404, 'NOT_FOUND');
    expectError(await anyName.get(`/v1/domains/${elsewhere.id}`), 404, 'NOT_FOUND');
  });

  it('never writes a widget token to the logs', () => {
    expect(issued.length).toBeGreaterThan(5);
    for (const line of portico.logs) for (const token of issued) expect(line).not.toContain(token.slice(3));
  });
});
