import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganizationWithUser, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// The console mounts the Connect widget in its own pages: a token a signed-in console user issued also works from
// Portico's own origin (its public URL's), whether the browser names it in `Origin` or, on same-origin GETs, says
// `Sec-Fetch-Site: same-origin` instead. Tokens issued with an API key, foreign origins and the project's own list
// of allowed origins are not affected.

const PUBLIC_URL = 'https://portico.console-origin.test';
const APP = 'https://app.saas.example';
const ELSEWHERE = 'https://evil.example';

describe('widget tokens issued from the console', () => {
  let portico: TestPortico;
  let owner: Caller;
  let key: Caller;
  let projectId: string;

  const expectStatus = (res: { status: number; body: { error?: { code?: string } } }, expected: string) => {
    expect(`${res.status} ${res.body.error?.code ?? ''}`.trim(), JSON.stringify(res.body)).toBe(expected);
  };
  const issue = async (caller: Caller) => {
    const res = await caller.post('/v1/widget-tokens', { projectId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.token as string;
  };
  /** GET /v1/widget/session as a browser page sends it: bearer token plus whichever of the two headers are given. */
  const session = (token: string, headers: { origin?: string; fetchSite?: string }) => {
    const test = portico.http.get('/v1/widget/session').set('authorization', `Bearer ${token}`);
    if (headers.origin) test.set('origin', headers.origin);
    if (headers.fetchSite) test.set('sec-fetch-site', headers.fetchSite);
    return test;
  };

  beforeAll(async () => {
    portico = await startTestPortico({ http: { publicUrl: `${PUBLIC_URL}/` } });
    const x = await createOrganizationWithUser(portico, { role: 'owner' });
    projectId = x.projectId;
    owner = sessionCaller(await signIn(portico, x.email, x.password));
    const created = await owner.post(`/v1/organizations/${x.organizationId}/api-keys`, { name: 'saas', scopes: ['widget-tokens:write'] }).expect(201);
    key = keyCaller(portico, created.body.secret as string);
    await owner.patch(`/v1/projects/${projectId}/widget`, { allowedOrigins: [APP] }).expect(200);
  });
  afterAll(async () => portico?.stop());

  it('accepts a console user’s token from Portico’s own origin, named or attested same-origin', async () => {
    const token = await issue(owner);
    expectStatus(await session(token, { origin: PUBLIC_URL }), '200');
    expectStatus(await session(token, { fetchSite: 'same-origin' }), '200');
    // The project's allowed origins still work, and are left as they were.
    expectStatus(await session(token, { origin: APP }), '200');
    expect((await owner.get(`/v1/projects/${projectId}/widget`)).body.allowedOrigins).toEqual([APP]);
  });

  it('still refuses a console user’s token from a foreign origin, or with nothing saying where it came from', async () => {
    const token = await issue(owner);
    expectStatus(await session(token, { origin: ELSEWHERE }), '403 WIDGET_ORIGIN_REFUSED');
    expectStatus(await session(token, { origin: 'http://portico.console-origin.test' }), '403 WIDGET_ORIGIN_REFUSED');
    expectStatus(await session(token, {}), '403 WIDGET_ORIGIN_REFUSED');
    expectStatus(await session(token, { fetchSite: 'cross-site' }), '403 WIDGET_ORIGIN_REFUSED');
    expectStatus(await session(token, { fetchSite: 'same-site' }), '403 WIDGET_ORIGIN_REFUSED');
    // A foreign Origin wins over a same-origin claim.
    expectStatus(await session(token, { origin: ELSEWHERE, fetchSite: 'same-origin' }), '403 WIDGET_ORIGIN_REFUSED');
  });

  it('never accepts a token issued with an API key from Portico’s own origin', async () => {
    const token = await issue(key);
    expectStatus(await session(token, { origin: PUBLIC_URL }), '403 WIDGET_ORIGIN_REFUSED');
    expectStatus(await session(token, { fetchSite: 'same-origin' }), '403 WIDGET_ORIGIN_REFUSED');
    expectStatus(await session(token, { origin: APP }), '200');
  });

  it('gives Portico’s own origin no CORS answers (the console is same-origin and needs none)', async () => {
    const token = await issue(owner);
    const res = await session(token, { origin: PUBLIC_URL });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await portico.http.options('/v1/widget/session').set('origin', PUBLIC_URL).set('access-control-request-method', 'GET');
    expectStatus(preflight, '403 WIDGET_ORIGIN_REFUSED');
  });
});
