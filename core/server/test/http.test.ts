import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/api/routes.ts';
import { toOpenApiPath } from '../src/http/route.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

interface Res {
  status: number;
  body: { error?: { code: string; message: string; details?: unknown } } & Record<string, unknown>;
  headers: Record<string, string>;
}

/** The error body shape every failure has: `{ error: { code, message, details? } }` and nothing else. */
function expectError(res: Res, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
  expect(res.body.error!.message.length).toBeGreaterThan(0);
  expect(Object.keys(res.body.error!).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
}

// The HTTP layer: routing errors, body parsing, validation, request ids, health and the OpenAPI document.
describe('HTTP layer', () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  const statuses: number[] = [];

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => portico?.stop());
  const track = <R extends Res>(res: R): R => {
    statuses.push(res.status);
    return res;
  };

  it('answers 404 ROUTE_NOT_FOUND for an unknown route, signed in or not', async () => {
    expectError(track(await portico.http.get('/v1/nope')), 404, 'ROUTE_NOT_FOUND');
    expectError(track(await portico.http.post('/v1/nope').send({ a: 1 })), 404, 'ROUTE_NOT_FOUND');
    expectError(track(await portico.http.get('/nope')), 404, 'ROUTE_NOT_FOUND');
    expectError(track(await session.agent.get('/v1/organizations/x/y/z')), 404, 'ROUTE_NOT_FOUND');
    expectError(track(await session.agent.get('/v1/nope/%zz')), 404, 'ROUTE_NOT_FOUND');
  });

  it('answers 405 METHOD_NOT_ALLOWED for a wrong method on a known path', async () => {
    expectError(track(await portico.http.delete('/v1/auth/login')), 405, 'METHOD_NOT_ALLOWED');
    expectError(track(await portico.http.get('/v1/auth/logout')), 405, 'METHOD_NOT_ALLOWED');
    expectError(track(await portico.http.put(`/v1/organizations/${organizationId}`).send({})), 405, 'METHOD_NOT_ALLOWED');
    expectError(track(await portico.http.post('/healthz')), 405, 'METHOD_NOT_ALLOWED');
    const res = track(await portico.http.delete('/v1/auth/login'));
    expect(res.headers.allow).toMatch(/POST/);
  });

  it('answers its own root with where to go: the API description, readiness and the widget', async () => {
    const res = track(await portico.http.get('/'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Portico', openapi: '/v1/openapi.json', ready: '/readyz', widget: '/widget/manifest.json' });
  });

  it('answers 501 METHOD_NOT_IMPLEMENTED for a method the API does not implement', async () => {
    const http = portico.http as unknown as Record<string, (path: string) => Promise<Res>>;
    expectError(track(await http.propfind('/healthz')), 501, 'METHOD_NOT_IMPLEMENTED');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not application/json', async () => {
    const res = track(await session.agent.post(`/v1/organizations/${organizationId}/projects`).set('x-csrf-token', session.csrf).set('content-type', 'text/plain').send('name=x'));
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 BODY_INVALID for a body that is not JSON', async () => {
    for (const raw of ['{"email": ', '{email: "a"}', 'not json', '{"a":1}}']) {
      const res = track(await portico.http.post('/v1/auth/login').set('content-type', 'application/json').send(raw));
      expectError(res, 400, 'BODY_INVALID');
    }
  });

  it('answers 400 VALIDATION_FAILED with details.issues for a path parameter that is not a UUID', async () => {
    for (const path of [`/v1/organizations/not-a-uuid`, `/v1/projects/123`, `/v1/domains/${randomUUID()}x`, `/v1/organizations/not-a-uuid/domains`, '/v1/organizations/%E0%A4%A']) {
      const res = track(await session.agent.get(path));
      expectError(res, 400, 'VALIDATION_FAILED');
      const issues = (res.body.error!.details as { issues: Array<{ in: string; path: string; message: string }> }).issues;
      expect(issues.length, path).toBeGreaterThan(0);
      expect(issues[0].in).toBe('params');
      expect(issues[0].path).toMatch(/Id$/);
    }
    // A write is validated too (after authentication and CSRF).
    const res = track(await session.agent.post('/v1/domains/nope/verify').set('x-csrf-token', session.csrf));
    expectError(res, 400, 'VALIDATION_FAILED');
  });

  it('answers 400 VALIDATION_FAILED naming the body field for a JSON body of the wrong shape', async () => {
    const post = (raw: string) =>
      session.agent.post(`/v1/organizations/${organizationId}/projects`).set('x-csrf-token', session.csrf).set('content-type', 'application/json').send(raw);
    for (const body of [[], { name: 'x' }, { name: 'x', slug: 'Not A Slug' }, { name: 42, slug: 'ok' }]) {
      const res = track(await post(JSON.stringify(body)));
      expectError(res, 400, 'VALIDATION_FAILED');
      const issues = (res.body.error!.details as { issues: Array<{ in: string; path: string }> }).issues;
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.every((i) => i.in === 'body'), JSON.stringify(body)).toBe(true);
    }
    const missingSlug = track(await post(JSON.stringify({ name: 'x' })));
    expect((missingSlug.body.error!.details as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['slug']);
    // Top-level JSON that is not an object or array is refused by the parser (strict mode): still a 400.
    for (const raw of ['"string"', '42', 'null']) {
      const res = track(await post(raw));
      expect(res.status, raw).toBe(400);
      expect(['BODY_INVALID', 'VALIDATION_FAILED'], raw).toContain(res.body.error.code);
    }
  });

  it('answers 413 BODY_TOO_LARGE for a body over 256 kB', async () => {
    const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(300 * 1024) });
    const res = track(await portico.http.post('/v1/auth/login').set('content-type', 'application/json').send(big));
    expectError(res, 413, 'BODY_TOO_LARGE');
    // Just under the limit is parsed (and then validated).
    const fits = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(250 * 1024) });
    expectError(track(await portico.http.post('/v1/auth/login').set('content-type', 'application/json').send(fits)), 400, 'VALIDATION_FAILED');
  });

  it('echoes a sane x-request-id and generates one otherwise', async () => {
    const sent = track(await portico.http.get('/healthz').set('x-request-id', 'req-123.abc_DEF'));
    expect(sent.headers['x-request-id']).toBe('req-123.abc_DEF');
    const generated = track(await portico.http.get('/healthz'));
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const other = track(await portico.http.get('/healthz'));
    expect(other.headers['x-request-id']).not.toBe(generated.headers['x-request-id']);
    // A header that could forge log lines is replaced.
    const insane = track(await portico.http.get('/healthz').set('x-request-id', 'a b "c"'));
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Errors carry it too, and the access log line names it.
    const failed = track(await portico.http.get('/v1/nope').set('x-request-id', 'trace-me-42'));
    expect(failed.headers['x-request-id']).toBe('trace-me-42');
    const line = portico.logs.find((l) => l.includes('"reqId":"trace-me-42"'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ reqId: 'trace-me-42', status: 404, path: '/v1/nope', method: 'GET' });
  });

  it('answers /healthz 200 and /readyz 200 with its checks', async () => {
    const health = track(await portico.http.get('/healthz'));
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = track(await portico.http.get('/readyz'));
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { routeTable: 'ok', database: 'ok', jobs: 'ok' } });
  });

  it('serves an OpenAPI 3.1.0 document with every route of ROUTES', async () => {
    const res = track(await portico.http.get('/v1/openapi.json'));
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; info: { version: string }; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas?: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(ROUTES.length).toBeGreaterThan(10);
    for (const route of ROUTES) {
      const path = toOpenApiPath(route.path);
      // Parameters become {name}; only a literal colon of a custom method (`/v1/domains:check`) stays.
      expect(path.replace(/\/[a-z-]+:[a-z]+$/, '')).not.toContain(':');
      const operation = doc.paths[path]?.[route.method];
      expect(operation, `${route.method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(operation!.responses)).toContain(String(route.status ?? (route.response ? 200 : 204)));
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        const parameters = (operation as { parameters?: Array<{ in: string; name: string }> }).parameters ?? [];
        expect(parameters, `${path} ${name}`).toContainEqual(expect.objectContaining({ in: 'path', name: name.slice(1, -1) }));
      }
    }
    // And nothing more: no path the router does not serve.
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${toOpenApiPath(r.path)}`).sort());
    expect(doc.components.schemas).toHaveProperty('Error');
  });

  it('documents the event stream as text/event-stream, not as an empty 200', async () => {
    const res = track(await portico.http.get('/v1/openapi.json'));
    const doc = res.body as { paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: Record<string, unknown> }> }>> };
    const ok = doc.paths['/v1/events/stream']?.get?.responses['200'];
    expect(Object.keys(ok?.content ?? {})).toEqual(['text/event-stream']);
    expect(ok?.description).toContain('server-sent event');
    // JSON routes keep their JSON body.
    expect(Object.keys(doc.paths['/v1/events']?.get?.responses['200']?.content ?? {})).toEqual(['application/json']);
  });

  it('never answers 500 to any of the above (501 for an unknown method is the one 5xx by design)', () => {
    expect(statuses.length).toBeGreaterThan(30);
    expect(statuses.filter((s) => s >= 500 && s !== 501)).toEqual([]);
  });
});
