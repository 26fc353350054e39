import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Service } from '../src/modules/routing/service.entity.ts';
import { createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { collectingLogger, signIn, startTestPortico, type TestPortico } from './helpers.ts';

// Hostile input at the HTTP layer: prototype-poisoning bodies and NUL bytes get a 400 with a stable code on every
// route, request bodies never reach a log line, and the access log records the status the client really got.
describe('hostile input', () => {
  let portico: TestPortico;
  let caller: Caller;
  let organizationId: string;
  let projectId: string;
  let password: string;
  let email: string;

  beforeAll(async () => {
    portico = await startTestPortico({ seedDemo: false, plugins: [{ package: '@portico/verify-dns-txt' }] });
    const owner = await createOrganizationWithUser(portico);
    ({ organizationId, projectId, password, email } = owner);
    caller = sessionCaller(await signIn(portico, email, password));
  });
  afterAll(async () => portico?.stop());

  const json = (path: string, raw: string) => portico.http.post(path).set('content-type', 'application/json').send(raw);
  const accessLines = () => portico.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');

  describe('bodies with prototype keys', () => {
    it.each([
      ['__proto__ at the top', (secret: string) => `{"email":"a@example.test","password":"${secret}","__proto__":{"admin":true}}`],
      ['__proto__ nested', (secret: string) => `{"email":"a@example.test","password":"${secret}","x":{"__proto__":{"admin":true}}}`],
      ['escaped __proto__', (secret: string) => `{"email":"a@example.test","password":"${secret}","\\u005f_proto__":{}}`],
      ['constructor.prototype', (secret: string) => `{"email":"a@example.test","password":"${secret}","constructor":{"prototype":{"admin":true}}}`],
    ])('a login body with %s answers 400 BODY_FORBIDDEN_KEY and logs neither the body nor the password', async (_name, body) => {
      const secret = `hunter2-${Math.random().toString(36).slice(2)}`;
      const before = portico.logs.length;
      const res = await json('/v1/auth/login', body(secret));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('BODY_FORBIDDEN_KEY');
      const written = portico.logs.slice(before).join('');
      expect(written).not.toContain(secret);
      expect(written).not.toContain('"admin"');
      expect(written).not.toContain('a@example.test');
    });

    it('refuses prototype keys on authenticated writes too, before anything is stored', async () => {
      const res = await caller.post(`/v1/projects/${projectId}/services`, JSON.parse('{"name":"poisoned","upstreamHost":"web.internal","upstreamPort":80,"__proto__":{"x":1}}'));
      // supertest re-serialises the parsed object, which keeps "__proto__" as an own key.
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('BODY_FORBIDDEN_KEY');
      const list = await caller.get(`/v1/projects/${projectId}/services`).expect(200);
      expect(list.body.data.map((s: { name: string }) => s.name)).not.toContain('poisoned');
    });

    it('ignores prototype keys in a query string (parsed onto a null-prototype object, then by the schema)', async () => {
      const res = await caller.get(`/v1/organizations/${organizationId}/domains?__proto__[x]=1&constructor[prototype][y]=2&q=a`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it('still answers BODY_INVALID for broken JSON, and logs no part of it', async () => {
      const secret = `s3cret-${Math.random().toString(36).slice(2)}`;
      const before = portico.logs.length;
      const res = await json('/v1/auth/login', `{"email":"a@example.test","password":"${secret}"`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BODY_INVALID');
      expect(portico.logs.slice(before).join('')).not.toContain(secret);
    });
  });

  describe('NUL bytes in any string', () => {
    it.each([
      ['a query string', () => caller.get(`/v1/organizations/${organizationId}/domains?q=a%00b`)],
      ['a path parameter', () => caller.get('/v1/domains/%00')],
      ['a service upstream host', () => caller.post(`/v1/projects/${projectId}/services`, { name: 'nul', upstreamHost: 'web\u0000.internal', upstreamPort: 80 })],
      ['a service name', () => caller.post(`/v1/projects/${projectId}/services`, { name: 'a\u0000b', upstreamHost: 'web.internal', upstreamPort: 80 })],
      ['a project name', () => caller.post(`/v1/organizations/${organizationId}/projects`, { name: 'x\u0000y', slug: 'nul-project' })],
      ['an object key', () => caller.post(`/v1/organizations/${organizationId}/projects`, { name: 'ok', slug: 'nul-key', ['k\u0000']: 1 })],
      ['a login password', () => portico.http.post('/v1/auth/login').send({ email: 'a@example.test', password: 'pw\u0000' })],
      ['a login email', () => portico.http.post('/v1/auth/login').send({ email: 'a\u0000@example.test', password: 'pw' })],
    ])('%s with NUL answers 400 VALIDATION_FAILED', async (_name, send) => {
      const res = await send();
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('the access log', () => {
    it('records the status each error response really had', async () => {
      const services = portico.container.cradle.servicesService;
      const list = services.list;
      const sent: Array<[number, () => PromiseLike<{ status: number; headers: Record<string, string> }>]> = [
        [400, () => caller.get('/v1/projects/not-a-uuid')],
        [401, () => portico.http.get('/v1/organizations')],
        [409, () => caller.post(`/v1/projects/${projectId}/services`, { name: 'twice', upstreamHost: 'web.internal', upstreamPort: 80 })],
        [500, () => caller.get(`/v1/projects/${projectId}/services`)],
        [200, () => caller.get('/v1/organizations')],
      ];
      await caller.post(`/v1/projects/${projectId}/services`, { name: 'twice', upstreamHost: 'web.internal', upstreamPort: 80 }).expect(201);
      services.list = () => Promise.reject(new Error('a fault no handler expects'));
      try {
        for (const [status, send] of sent) {
          const res = await send();
          expect(res.status).toBe(status);
          const line = accessLines().find((l) => l.reqId === res.headers['x-request-id']);
          expect(line, `access line for ${status}`).toMatchObject({ status });
        }
      } finally {
        services.list = list;
      }
    });
  });

  describe('service upstreams', () => {
    const create = (upstreamHost: string, upstreamPort = 8080) =>
      caller.post(`/v1/projects/${projectId}/services`, { name: `svc-${Math.random().toString(36).slice(2, 10)}`, upstreamHost, upstreamPort });

    it.each([
      ['a b', 'invalid_host'],
      ['http://evil/', 'invalid_host'],
      ['evil host"; }', 'invalid_host'],
      ['web.internal/admin', 'invalid_host'],
      ['web.internal:8080', 'invalid_host'],
      ['-web', 'invalid_host'],
      ['0x7f.1', 'invalid_host'],
      ['fe80::1%eth0', 'invalid_host'],
      ['169.254.169.254', 'link_local'],
      ['169.254.10.1', 'link_local'],
      ['fe80::1', 'link_local'],
      ['[fe80::1]', 'link_local'],
      ['::ffff:169.254.169.254', 'link_local'],
      ['fd00:ec2::254', 'metadata'],
      ['metadata.google.internal', 'metadata'],
      ['Metadata.Google.Internal.', 'metadata'],
      ['100.100.100.200', 'metadata'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'],
    ])('refuses the upstream host %j (%s), naming the field', async (host, reason) => {
      const res = await create(host);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'ROUTING_INVALID', details: { issues: [{ field: 'upstreamHost', reason }] } });
    });

    it('accepts host names and IP literals, normalised, with the operator allow-list unset', async () => {
      for (const [host, stored] of [
        ['web.internal', 'web.internal'],
        ['WEB.Internal.', 'web.internal'],
        ['web', 'web'],
        ['10.0.0.7', '10.0.0.7'],
        ['127.0.0.1', '127.0.0.1'],
        ['[fd12::7]', 'fd12::7'],
        ['2001:db8::1', '2001:db8::1'],
        ['api-1.svc.cluster.local', 'api-1.svc.cluster.local'],
      ]) {
        const res = await create(host);
        expect(res.status, `${host}: ${JSON.stringify(res.body)}`).toBe(201);
        expect(res.body.upstreamHost).toBe(stored);
      }
    });

    it('checks the host and the port on update too', async () => {
      const service = (await create('web.internal').expect(201)).body;
      const patch = (body: object) => caller.patch(`/v1/services/${service.id}`, body);
      expect((await patch({ upstreamHost: '169.254.169.254' }).expect(400)).body.error).toMatchObject({ code: 'ROUTING_INVALID', details: { issues: [{ field: 'upstreamHost', reason: 'link_local' }] } });
      expect((await patch({ upstreamPort: 0 }).expect(400)).body.error).toMatchObject({ code: 'ROUTING_INVALID', details: { issues: [{ field: 'upstreamPort' }] } });
      expect((await patch({ upstreamHost: 'api.internal', upstreamPort: 9000 }).expect(200)).body).toMatchObject({ upstreamHost: 'api.internal', upstreamPort: 9000 });
    });

    it('keeps serving a service stored before the check: it lists, and a rename leaves its host alone', async () => {
      const service = (await create('web.internal').expect(201)).body;
      await portico.container.cradle.orm.em.fork().nativeUpdate(Service, { id: service.id }, { upstreamHost: 'http://evil/' });
      const listed = await caller.get(`/v1/projects/${projectId}/services`).expect(200);
      expect(listed.body.data.find((s: { id: string }) => s.id === service.id)).toMatchObject({ upstreamHost: 'http://evil/' });
      expect((await caller.patch(`/v1/services/${service.id}`, { name: 'renamed-legacy' }).expect(200)).body).toMatchObject({ name: 'renamed-legacy' });
      expect((await caller.patch(`/v1/services/${service.id}`, { upstreamHost: 'http://evil/' }).expect(400)).body.error.code).toBe('ROUTING_INVALID');
    });
  });
});

// The operator's allow-list (`routing.upstreams`): only listed destinations, and never link-local or metadata.
describe('service upstreams with an allow-list', () => {
  let portico: TestPortico;
  let caller: Caller;
  let projectId: string;

  beforeAll(async () => {
    portico = await startTestPortico({
      seedDemo: false,
      routing: { upstreams: { allow: ['10.0.0.0/8', 'fd12::/16', '*.svc.cluster.local', 'web.internal', '169.254.0.0/16'] } },
    });
    const owner = await createOrganizationWithUser(portico);
    projectId = owner.projectId;
    caller = sessionCaller(await signIn(portico, owner.email, owner.password));
  });
  afterAll(async () => portico?.stop());

  const create = (upstreamHost: string) =>
    caller.post(`/v1/projects/${projectId}/services`, { name: `svc-${Math.random().toString(36).slice(2, 10)}`, upstreamHost, upstreamPort: 80 });

  it('accepts listed networks and names', async () => {
    for (const host of ['10.1.2.3', 'fd12::1', 'api.ns.svc.cluster.local', 'web.internal', 'WEB.internal']) {
      expect((await create(host)).status, host).toBe(201);
    }
  });

  it('refuses everything else with reason not_allowed, and link-local even when listed', async () => {
    for (const host of ['192.168.1.1', '127.0.0.1', 'svc.cluster.local', 'evil.example', 'api.web.internal', 'fd13::1']) {
      const res = await create(host);
      expect(res.status, host).toBe(400);
      expect(res.body.error, host).toMatchObject({ code: 'ROUTING_INVALID', details: { issues: [{ field: 'upstreamHost', reason: 'not_allowed' }] } });
    }
    const metadata = await create('169.254.169.254');
    expect(metadata.body.error).toMatchObject({ code: 'ROUTING_INVALID', details: { issues: [{ field: 'upstreamHost', reason: 'link_local' }] } });
  });
});

// The logger's net under "never log request data": errors keep what says what failed, not the data they carry.
describe('error log lines', () => {
  it('keep an error\'s type, message, code and cause, and drop fields that carry request data', () => {
    const { logger, logs } = collectingLogger();
    const cause = Object.assign(new Error('connection reset'), { code: 'ECONNRESET', parameters: ['hunter2'] });
    const error = Object.assign(new Error('the parser gave up', { cause }), { status: 400, body: '{"password":"hunter2"}', rawBody: 'hunter2', code: 'E_PARSE' });
    logger.error({ err: error, body: { password: 'hunter2' } }, 'request failed');
    const line = JSON.parse(logs[0]);
    expect(line.err).toMatchObject({ type: 'Error', message: 'the parser gave up', code: 'E_PARSE', status: 400, cause: { message: 'connection reset', code: 'ECONNRESET' } });
    expect(logs[0]).not.toContain('hunter2');
  });
});
