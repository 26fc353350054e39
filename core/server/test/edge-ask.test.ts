import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { RouteTable } from '../src/modules/routing/route-table.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// The route table and Caddy's on-demand TLS gate: 2xx only for hosts that are verified, routed and served over
// HTTPS, kept current by the database's NOTIFY whoever changed what (mapping API, cascades, status changes).
const RESOLVE_TOKEN = 'resolve-token-for-tests-0123456789';

describe('route table and GET /edge/ask', () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let projectId: string;
  let serviceId: string;
  let other: RouteTable;

  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const ask = async (domain: string | undefined) => {
    const res = await portico.http.get('/edge/ask').query(domain === undefined ? {} : { domain });
    return res.status;
  };
  /** Polls until the answer is `status` (the NOTIFY arrives asynchronously); bounded. */
  const askUntil = (domain: string, status: number) => waitFor(() => ask(domain), (s) => s === status, 50, 50);

  async function verifiedDomain(hostname: string): Promise<string> {
    const res = await post(`/v1/projects/${projectId}/domains`, { hostnames: [hostname] }).expect(200);
    const id = res.body.created[0].id;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id }, { status: 'verified', verifiedAt: new Date() });
    return id;
  }

  beforeAll(async () => {
    portico = await startTestPortico({ edgeApi: { resolveToken: RESOLVE_TOKEN }, plugins: [{ package: '@portico/verify-dns-txt' }] });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    serviceId = (await post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost: '127.0.0.1', upstreamPort: 3000 }).expect(201)).body.id;
    // A second table on its own connection stands for another API process on the same database.
    other = new RouteTable(portico.container.cradle);
    await other.start(portico.databaseUrl);
  });
  afterAll(async () => {
    await other?.stop();
    await portico?.stop();
  });

  it('answers 400 for a missing or malformed name, 404 for an unknown one', async () => {
    expect(await ask(undefined)).toBe(400);
    for (const bad of ['', 'a..b', '../etc', 'exa mple.test', `${'a'.repeat(64)}.test`, 'a'.repeat(254), 'x_y.test']) expect(await ask(bad), bad).toBe(400);
    expect(await ask('unknown.example.test')).toBe(404);
    expect((await portico.http.post('/edge/ask?domain=x.test')).status).toBe(405);
  });

  it('answers on the HTTP server before Koa: short text, Allow on 405, no body for HEAD, one name only', async () => {
    const denied = await portico.http.get('/edge/ask?domain=nowhere.test');
    expect(denied.status).toBe(404);
    expect(denied.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(denied.text).toBe('not served here');
    const post = await portico.http.post('/edge/ask?domain=x.test');
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await portico.http.head('/edge/ask?domain=nowhere.test');
    expect(head.status).toBe(404);
    expect(head.text ?? '').toBe('');
    expect((await portico.http.get('/edge/ask?domain=a.test&domain=b.test')).status).toBe(400);
    expect((await portico.http.get('/edge/ask?domain=')).status).toBe(400);
    expect((await portico.http.get('/edge/ask?other=1&domain=nowhere.test')).status).toBe(404);
    expect((await portico.http.get('/edge/ask?domain=nowhere%2Etest')).status).toBe(404);
    expect((await portico.http.get('/edge/ask?domain=a+b.test')).status).toBe(400);
    expect((await portico.http.get('/edge/ask?domain=%E2%80%AE.test')).status).toBe(400);
    // Only the exact path is the gate; a neighbour goes on to Koa's routes and answers JSON.
    const neighbour = await portico.http.get('/edge/asking?domain=x.test');
    expect(neighbour.status).toBe(404);
    expect(neighbour.headers['content-type']).toMatch(/json/);
  });

  it('allows a mapped host of a verified domain once the mapping exists, in every process', async () => {
    const domainId = await verifiedDomain('shop.test');
    expect(await ask('api.shop.test')).toBe(404);
    const mapping = (await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: 'api', basePath: '/v1' }).expect(201)).body;
    expect(await askUntil('api.shop.test', 200)).toBe(200);
    expect(await ask('API.Shop.Test.')).toBe(200);
    expect(await ask('shop.test')).toBe(404); // only the mapped host
    await waitFor(async () => other.allowsCertificate('api.shop.test'), (v) => v, 50, 50);
    expect(other.match('api.shop.test', '/v1/users')).toMatchObject({ basePath: '/v1', upstream: { host: '127.0.0.1', port: 3000, path: '/' } });
    expect(other.match('api.shop.test', '/v10')).toBeUndefined();

    await session.agent.delete(`/v1/mappings/${mapping.id}`).set('x-csrf-token', session.csrf).expect(204);
    expect(await askUntil('api.shop.test', 404)).toBe(404);
  });

  it('refuses HTTP-only hosts and hosts whose domain stops being verified', async () => {
    const domainId = await verifiedDomain('plain.test');
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: 'http', protocol: 'http' }).expect(201);
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: 'www', protocol: 'redirect-to-https' }).expect(201);
    expect(await askUntil('www.plain.test', 200)).toBe(200);
    expect(await ask('http.plain.test')).toBe(404);
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'disabled' });
    expect(await askUntil('www.plain.test', 404)).toBe(404);
  });

  it('serves a wildcard mapping for one label below it, and forgets hosts whose assignment is removed', async () => {
    const domainId = await verifiedDomain('wild.test');
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, subdomain: '*' }).expect(201);
    expect(await askUntil('tenant1.wild.test', 200)).toBe(200);
    expect(await ask('a.b.wild.test')).toBe(404);
    await session.agent.delete(`/v1/projects/${projectId}/domains/${domainId}`).set('x-csrf-token', session.csrf).expect(204);
    expect(await askUntil('tenant1.wild.test', 404)).toBe(404);
  });

  it('resolves host + path for edges that look routes up, behind the edge token', async () => {
    const domainId = await verifiedDomain('resolve.test');
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath: '/api', internalPath: '/svc' }).expect(201);
    await askUntil('resolve.test', 200);
    const resolve = (query: Record<string, string>, token = RESOLVE_TOKEN) => portico.http.get('/edge/resolve').query(query).set('authorization', `Bearer ${token}`);
    const hit = await resolve({ host: 'resolve.test', path: '/api/users?id=3' }).expect(200);
    expect(hit.body).toMatchObject({ outcome: 'proxy', strippedPrefix: '/api', internalUrl: 'http://127.0.0.1:3000/svc/users?id=3' });
    expect((await resolve({ host: 'resolve.test', path: '/apiary' })).status).toBe(404);
    expect((await resolve({ host: 'resolve.test', path: '/api', scheme: 'http' })).body).toMatchObject({ outcome: 'refused', reason: 'https_only' });
    expect((await resolve({ host: 'resolve.test', path: '/api' }, 'wrong-token-wrong-token-wrong-token')).status).toBe(401);
    expect((await portico.http.get('/edge/resolve').query({ host: 'resolve.test', path: '/' })).status).toBe(401);
  });

  it('longest base path wins on a segment boundary', async () => {
    const domainId = await verifiedDomain('paths.test');
    for (const basePath of ['/', '/api', '/api/v2']) await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath }).expect(201);
    await waitFor(async () => portico.container.cradle.routeTable.match('paths.test', '/api/v2/x')?.basePath, (b) => b === '/api/v2', 50, 50);
    const table = portico.container.cradle.routeTable;
    expect(['/api/v2/x', '/api/v2', '/api/v20', '/api', '/apiary', '/'].map((p) => table.match('paths.test', p)?.basePath)).toEqual(['/api/v2', '/api/v2', '/api', '/api', '/', '/']);
  });
});
