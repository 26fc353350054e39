import { fileURLToPath } from 'node:url';
import { renderTraefikConfig } from '@portico/edge-traefik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Certificate } from '../src/modules/certificates/entity.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Traefik's HTTP provider polls GET /edge/traefik/config: the dynamic configuration as JSON with an ETag, 304
// while neither the route table nor the supplied certificates changed, behind the edge token.
const ISSUER = fileURLToPath(new URL('./fixtures/scripted-issuer.ts', import.meta.url));
const TOKEN = 'traefik-edge-token-0123456789abcdef';

describe('GET /edge/traefik/config', () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let projectId: string;
  let serviceId: string;
  const post = (path: string, body: object) => session.agent.post(path).set('x-csrf-token', session.csrf).send(body);
  const config = (etag?: string) => {
    const req = portico.http.get('/edge/traefik/config').set('authorization', `Bearer ${TOKEN}`);
    return etag ? req.set('if-none-match', etag) : req;
  };

  beforeAll(async () => {
    portico = await startTestPortico({
      edgeApi: { resolveToken: TOKEN },
      dns: { mode: 'resolver', servers: ['127.0.0.1:9'], timeoutMs: 200, tries: 1 },
      plugins: [{ package: '@portico/verify-dns-txt' }, { package: ISSUER }, { package: '@portico/edge-traefik', options: { certResolver: 'le' } }],
    });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    const organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectId = (await session.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    serviceId = (await post(`/v1/projects/${projectId}/services`, { name: 'web', upstreamHost: 'web.internal', upstreamPort: 3000 }).expect(201)).body.id;
  });
  afterAll(async () => portico?.stop());

  it('serves the routes as Traefik JSON with an ETag, 304 while unchanged, a new ETag after a change', async () => {
    const empty = await config().expect(200);
    const first = empty.headers.etag as string;
    // Weak: the body is joined from kept pieces, so two processes may order its members differently.
    expect(first).toMatch(/^W\/"[\w-]+"$/);
    expect((await config(first)).status).toBe(304);

    const domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['shop.test'] }).expect(200)).body.created[0].id;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath: '/api' }).expect(201);
    const changed = await waitFor(() => config(first), (res) => res.status === 200, 50, 50);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first);
    const routers = Object.values(changed.body.http.routers) as Array<{ rule: string; tls?: { certResolver?: string } }>;
    expect(routers).toEqual([expect.objectContaining({ rule: expect.stringContaining('Host(`shop.test`)'), tls: { certResolver: 'le' } })]);
    expect(changed.body.http.services).toBeDefined();
    expect((await config(changed.headers.etag as string)).status).toBe(304);
  });

  it('serves, after changes rendered one by one, exactly what a whole render of the table gives', async () => {
    const { routeTable } = portico.container.cradle;
    const domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['steps.test'] }).expect(200)).body.created[0].id;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
    let etag = (await config().expect(200)).headers.etag as string;
    const mappings: string[] = [];
    for (const basePath of ['/', '/a', '/b']) {
      mappings.push((await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId, basePath }).expect(201)).body.id);
      etag = (await waitFor(() => config(etag), (res) => res.status === 200, 50, 50)).headers.etag as string;
    }
    await session.agent.delete(`/v1/mappings/${mappings[1]}`).set('x-csrf-token', session.csrf).expect(204);
    const last = await waitFor(() => config(etag), (res) => res.status === 200, 50, 50);
    await routeTable.settled();
    const whole = renderTraefikConfig(routeTable.routes(), { httpEntryPoint: 'web', httpsEntryPoint: 'websecure', certResolver: 'le' });
    expect(last.body).toEqual(JSON.parse(JSON.stringify(whole)));
  });

  it('carries the certificates Portico issued for routed hosts, with a new ETag when one is issued', async () => {
    const domainId = (await post(`/v1/projects/${projectId}/domains`, { hostnames: ['supplied.test'] }).expect(200)).body.created[0].id;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
    await post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId }).expect(201);
    const routed = await waitFor(() => config(), (res) => JSON.stringify(res.body).includes('supplied.test'), 50, 50);
    expect(routed.body.tls?.certificates ?? []).toEqual([]);

    await post(`/v1/domains/${domainId}/certificates`, {}).expect(202);
    const issued = await waitFor(
      () => portico.container.cradle.orm.em.fork().findOne(Certificate, { domain: domainId, hostname: 'supplied.test' }, { populate: ['certificatePem'] }),
      (c) => c?.status === 'active',
      200,
      50,
    );
    const served = await waitFor(() => config(routed.headers.etag as string), (res) => res.status === 200, 50, 50);
    expect(served.headers.etag).not.toBe(routed.headers.etag);
    const certificates = served.body.tls.certificates as Array<{ certFile: string; keyFile: string }>;
    expect(certificates).toHaveLength(1);
    expect(certificates[0]!.certFile.trim()).toBe(issued!.certificatePem!.trim());
    expect(certificates[0]!.keyFile).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('needs the edge token', async () => {
    expect((await portico.http.get('/edge/traefik/config')).status).toBe(401);
    expect((await portico.http.get('/edge/traefik/config').set('authorization', 'Bearer nope-nope-nope-nope-nope')).status).toBe(401);
  });
});
