import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/api/routes.ts';
import { createOrganizationWithUser } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// Every route that takes a body, called by an organization owner with bodies of the wrong shape: each answers a
// 4xx with a stable error code, never a 5xx. Path parameters are the owner's own organization and project where the
// route names them (so the body is what gets judged), random ids elsewhere.

const deep = (levels: number): unknown => (levels === 0 ? 'x' : { a: deep(levels - 1) });
const MALFORMED: Array<[string, unknown]> = [
  ['an array', []],
  ['a string', 'x'],
  ['null', null],
  ['every known field an object', null], // filled per route below
  ['a deeply nested object', deep(60)],
  ['very long strings', { name: 'n'.repeat(100_000), hostname: 'h'.repeat(100_000), email: `${'e'.repeat(100_000)}@x.test`, url: `https://${'u'.repeat(100_000)}.test/` }],
  ['huge and negative numbers', { limit: 1e308, port: -1, upstreamPort: Number.MAX_SAFE_INTEGER, expiresInSeconds: -5 }],
];

/** The body's top-level field names, from the route's zod object schema when it is one. */
function fieldsOf(route: (typeof ROUTES)[number]): string[] {
  const shape = (route.body as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

describe('malformed bodies on every route that takes one', () => {
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    portico = await startTestPortico({ seedDemo: false, plugins: [{ package: '@portico/verify-dns-txt' }] });
    const owner = await createOrganizationWithUser(portico, { role: 'owner' });
    session = await signIn(portico, owner.email, owner.password);
    ids = { organizationId: owner.organizationId, projectId: owner.projectId };
  });
  afterAll(async () => portico?.stop());

  const withBody = ROUTES.filter((route) => route.body && ['post', 'put', 'patch'].includes(route.method));

  it('covers the routes that take a body', () => {
    expect(withBody.length).toBeGreaterThan(30);
  });

  it.each(withBody.map((route) => [`${route.method.toUpperCase()} ${route.path.replace(/\\/g, '')}`, route] as const))('%s answers 4xx with a code', async (_name, route) => {
    const path = route.path.replace(/\\:/g, '~colon~').replace(/:([A-Za-z]+)/g, (_m, name: string) => ids[name] ?? randomUUID()).replace(/~colon~/g, ':');
    for (const [label, template] of MALFORMED) {
      const body = label === 'every known field an object' ? Object.fromEntries(fieldsOf(route).map((f) => [f, { nested: true }])) : template;
      const res = await session.agent[route.method as 'post' | 'put' | 'patch'](path)
        .set('x-csrf-token', session.csrf)
        .set('content-type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status, `${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
      if (res.status >= 400) expect(res.body?.error?.code, `${label}: ${JSON.stringify(res.body).slice(0, 300)}`).toMatch(/^[A-Z_]+$/);
    }
  });
});
