import { fileURLToPath } from 'node:url';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { CLAIM_HELD } from '../src/modules/domains/lifecycle.ts';
import { addVerifiedDomain, createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// Hostname claims across organizations (docs/reference/claims.md): pending claims never block, the last
// organization to prove control holds the hostname (a takeover, told without naming the new holder), at most one
// claim holds it even under concurrency, and a parent's verification never routes a host another organization
// holds by its own verification.

const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));

interface Tenant {
  organizationId: string;
  projectId: string;
  slug: string;
  as: Caller;
}

interface DomainView {
  id: string;
  hostname: string;
  status: string;
  statusMessage: string | null;
  instructions: Array<{ value: string }>;
}

describe('hostname claims and takeover', () => {
  let portico: TestPortico;
  let a: Tenant;
  let b: Tenant;
  let c: Tenant;

  const tenant = async (name: string): Promise<Tenant> => {
    const t = await createOrganizationWithUser(portico, { role: 'owner', name });
    return { organizationId: t.organizationId, projectId: t.projectId, slug: name, as: sessionCaller(await signIn(portico, t.email, t.password)) };
  };
  const claim = async (t: Tenant, hostname: string, projectId: string | null = t.projectId) =>
    t.as.post(`/v1/organizations/${t.organizationId}/domains`, { hostname, projectId, method: 'scripted' });
  const read = async (t: Tenant, id: string) => (await t.as.get(`/v1/domains/${id}`).expect(200)).body as DomainView;
  /** "Verify now" and wait until the check settled. */
  const verify = async (t: Tenant, id: string): Promise<DomainView> => {
    await t.as.post(`/v1/domains/${id}/verify`).expect(202);
    return waitFor(() => read(t, id), (d) => d.status !== 'verifying');
  };
  const events = async (t: Tenant, id: string) =>
    (await t.as.get(`/v1/domains/${id}/events`).expect(200)).body.data as Array<{ toStatus: string; reason: string; message: string; details: Record<string, unknown> | null }>;
  const service = async (t: Tenant, name: string) =>
    (await t.as.post(`/v1/projects/${t.projectId}/services`, { name, upstreamHost: `${name}.internal`, upstreamPort: 8080 }).expect(201)).body.id as string;
  const heldClaims = (hostname: string) => portico.container.cradle.orm.em.fork().find(Domain, { hostname, status: { $in: [...CLAIM_HELD] } });
  const table = () => portico.container.cradle.routeTable;
  /** Every way `t` could be named in an answer another organization reads. */
  const namesOf = (t: Tenant) => [t.organizationId, t.projectId, t.slug];

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted' }, plugins: [{ package: SCRIPTED }] });
    a = await tenant('claims-alpha');
    b = await tenant('claims-bravo');
    c = await tenant('claims-charlie');
  });
  afterAll(async () => portico?.stop());

  it('lets several organizations hold pending claims on one hostname, each with its own token; HOSTNAME_TAKEN only for a second claim of the same organization', async () => {
    const hostname = 'squatted.claims.test';
    const first = await claim(b, hostname);
    expect(first.status).toBe(201);
    const second = await claim(a, hostname);
    expect(second.status).toBe(201);
    expect(second.body.status).toBe('pending');
    expect(second.body.instructions[0].value).not.toBe(first.body.instructions[0].value);
    expect(JSON.stringify(second.body)).not.toContain(b.organizationId);

    // Through a project's assignment too.
    const assigned = await c.as.post(`/v1/projects/${c.projectId}/domains`, { hostnames: [hostname] });
    expect(assigned.status).toBe(200);
    expect(assigned.body.created).toHaveLength(1);

    const again = await claim(a, hostname);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('HOSTNAME_TAKEN');
    expect(JSON.stringify(again.body)).not.toContain(b.organizationId);
    expect(JSON.stringify(again.body)).not.toContain(first.body.id);
  });

  it('domains:check never reports another organization’s claim: available unless the caller’s own organization has the hostname', async () => {
    const hostname = 'checked.claims.test';
    const held = await addVerifiedDomain(b.as, b.organizationId, hostname, b.projectId);
    const foreign = await c.as.post('/v1/domains:check', { hostname }).expect(200);
    expect(foreign.body).toMatchObject({ available: true, existing: null });
    for (const name of [...namesOf(b), held.id]) expect(JSON.stringify(foreign.body)).not.toContain(name);
    const own = await b.as.post('/v1/domains:check', { hostname }).expect(200);
    expect(own.body).toMatchObject({ available: false, existing: { id: held.id, status: 'verified' } });
  });

  it('gives the hostname to the first organization that proves control; the other pending claims stay pending', async () => {
    const hostname = 'race.claims.test';
    const ids = { a: (await claim(a, hostname)).body.id, b: (await claim(b, hostname)).body.id, c: (await claim(c, hostname)).body.id };
    scriptedVerifier().outcomes.set(hostname, 'verified');
    expect((await verify(b, ids.b)).status).toBe('verified');
    expect((await read(a, ids.a)).status).toBe('pending');
    expect((await read(c, ids.c)).status).toBe('pending');
    expect((await heldClaims(hostname)).map((d) => d.id)).toEqual([ids.b]);
  });

  it('hands a verified hostname over to another organization that proves control with its own token; the previous holder loses its routes and is told without being told who', async () => {
    const hostname = 'takeover.claims.test';
    const held = await addVerifiedDomain(b.as, b.organizationId, hostname, b.projectId);
    const svc = await service(b, 'takeover-billing');
    const mapping = (await b.as.post(`/v1/projects/${b.projectId}/mappings`, { serviceId: svc, domainId: held.id }).expect(201)).body;
    await waitFor(async () => table().match(hostname, '/')?.mappingId, (id) => id === mapping.id, 50, 50);

    const challenger = (await claim(a, hostname)).body as DomainView;
    expect(challenger.instructions[0]!.value).not.toBe((await read(b, held.id)).instructions[0]!.value);
    expect((await verify(a, challenger.id)).status).toBe('verified');

    const lost = await read(b, held.id);
    expect(lost.status).toBe('taken_over');
    const told = (await events(b, held.id)).at(-1)!;
    expect(told).toMatchObject({ toStatus: 'taken_over', reason: 'taken_over' });
    for (const name of [...namesOf(a), challenger.id]) expect(JSON.stringify([lost, told]), name).not.toContain(name);
    expect((await b.as.get(`/v1/projects/${b.projectId}/mappings`).expect(200)).body.data).toEqual([]);
    expect(await waitFor(async () => table().match(hostname, '/'), (r) => r === undefined, 50, 50)).toBeUndefined();
    expect((await heldClaims(hostname)).map((d) => d.id)).toEqual([challenger.id]);

    // The new holder routes the hostname; the previous one can prove control again to take it back.
    const svcA = await service(a, 'takeover-shop');
    await a.as.post(`/v1/projects/${a.projectId}/mappings`, { serviceId: svcA, domainId: challenger.id }).expect(201);
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: held.id }, { lastManualCheckAt: null }); // past the "verify now" rate limit
    expect((await verify(b, held.id)).status).toBe('verified');
    expect((await read(a, challenger.id)).status).toBe('taken_over');
    expect((await heldClaims(hostname)).map((d) => d.id)).toEqual([held.id]);
  });

  it('lets at most one claim hold a hostname when two organizations prove control at the same moment', async () => {
    const hostname = 'concurrent.claims.test';
    const ids = [(await claim(a, hostname)).body.id as string, (await claim(c, hostname)).body.id as string];
    const script = scriptedVerifier();
    script.outcomes.set(hostname, 'verified');
    let open!: () => void;
    script.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      await a.as.post(`/v1/domains/${ids[0]}/verify`).expect(202);
      await c.as.post(`/v1/domains/${ids[1]}/verify`).expect(202);
      expect(await waitFor(async () => script.running, (n) => n === 2, 100, 50)).toBe(2); // both checks in flight
    } finally {
      script.gate = null;
      open();
    }
    const settled = await waitFor(
      () => Promise.all([read(a, ids[0]!), read(c, ids[1]!)]),
      (ds) => ds.every((d) => d.status !== 'verifying'),
    );
    expect(settled.map((d) => d.status).sort()).toEqual(['taken_over', 'verified']);
    expect(await heldClaims(hostname)).toHaveLength(1);

    // The database itself refuses a second holder.
    const loser = settled.find((d) => d.status === 'taken_over')!;
    await expect(portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: loser.id }, { status: 'verified' })).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('never lets a parent’s verification route a host another organization holds by its own verification', async () => {
    const parent = await addVerifiedDomain(a.as, a.organizationId, 'parent.claims.test', a.projectId);
    const svcA = await service(a, 'parent-web');
    const viaParent = (await a.as.post(`/v1/projects/${a.projectId}/mappings`, { serviceId: svcA, domainId: parent.id, subdomain: 'shop' }).expect(201)).body;
    const deeper = (await a.as.post(`/v1/projects/${a.projectId}/mappings`, { serviceId: svcA, domainId: parent.id, subdomain: 'eu.shop' }).expect(201)).body;
    const sibling = (await a.as.post(`/v1/projects/${a.projectId}/mappings`, { serviceId: svcA, domainId: parent.id, subdomain: 'blog' }).expect(201)).body;
    await waitFor(async () => table().match('shop.parent.claims.test', '/')?.mappingId, (id) => id === viaParent.id, 50, 50);

    // B proves control of shop.parent.claims.test: A's routes at and below it leave, A's other routes stay.
    const child = await addVerifiedDomain(b.as, b.organizationId, 'shop.parent.claims.test', b.projectId);
    const left = (await a.as.get(`/v1/projects/${a.projectId}/mappings`).expect(200)).body.data.map((m: { id: string }) => m.id);
    expect(left).toContain(sibling.id);
    expect(left).not.toContain(viaParent.id);
    expect(left).not.toContain(deeper.id);
    const told = (await events(a, parent.id)).at(-1)!;
    expect(told).toMatchObject({ reason: 'routes_claimed_separately', details: { hostname: 'shop.parent.claims.test', hosts: 'eu.shop.parent.claims.test, shop.parent.claims.test' } });
    for (const name of [...namesOf(b), child.id]) expect(JSON.stringify(told), name).not.toContain(name);
    expect(await waitFor(async () => table().match('shop.parent.claims.test', '/'), (r) => r === undefined, 50, 50)).toBeUndefined();

    // B routes its hostname; A cannot route it again through the parent, at the root or any base path.
    const svcB = await service(b, 'tenant-b-secret-billing');
    await b.as.post(`/v1/projects/${b.projectId}/mappings`, { serviceId: svcB, domainId: child.id, basePath: '/api' }).expect(201);
    for (const attempt of [{ subdomain: 'shop' }, { subdomain: 'shop', basePath: '/api' }, { subdomain: 'x.shop' }]) {
      const refused = await a.as.post(`/v1/projects/${a.projectId}/mappings`, { serviceId: svcA, domainId: parent.id, ...attempt });
      expect(refused.status, JSON.stringify(attempt)).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'ROUTING_INVALID', details: { issues: [expect.objectContaining({ reason: 'claimed_separately' })] } });
      for (const name of [...namesOf(b), child.id, 'tenant-b-secret-billing']) expect(JSON.stringify(refused.body), name).not.toContain(name);
    }
    const check = await a.as.get(`/v1/projects/${a.projectId}/mappings:check?domainId=${parent.id}&subdomain=shop&basePath=/api`).expect(200);
    expect(check.body).toMatchObject({ available: false, conflict: null, issues: [expect.objectContaining({ reason: 'claimed_separately' })] });
    expect(table().match('shop.parent.claims.test', '/api/x')?.tenant?.organization).toBe(b.slug);

    // The same organization may route a host it holds itself through its parent as well.
    await addVerifiedDomain(a.as, a.organizationId, 'own.parent.claims.test', a.projectId);
    await a.as.post(`/v1/projects/${a.projectId}/mappings`, { serviceId: svcA, domainId: parent.id, subdomain: 'own' }).expect(201);
  });

  it('never lets another organization’s wildcard serve, or get a certificate for, a hostname held by its own claim', async () => {
    const parent = await addVerifiedDomain(a.as, a.organizationId, 'wild.claims.test', a.projectId);
    const svcA = await service(a, 'wild-web');
    await a.as.post(`/v1/projects/${a.projectId}/mappings`, { serviceId: svcA, domainId: parent.id, subdomain: '*' }).expect(201);
    await waitFor(async () => table().allowsCertificate('any.wild.claims.test'), (yes) => yes, 50, 50);
    expect(table().match('shop.wild.claims.test', '/')?.tenant?.organization).toBe(a.slug);

    // B proves control of shop.wild.claims.test without routing it: A's wildcard no longer answers for it.
    await addVerifiedDomain(b.as, b.organizationId, 'shop.wild.claims.test', b.projectId);
    expect(await waitFor(async () => table().match('shop.wild.claims.test', '/'), (r) => r === undefined, 50, 50)).toBeUndefined();
    expect(table().allowsCertificate('shop.wild.claims.test')).toBe(false);
    expect(table().certificateGrant('shop.wild.claims.test')).toBeUndefined();
    // The wildcard keeps serving every other name, and a full reload agrees.
    expect(table().allowsCertificate('other.wild.claims.test')).toBe(true);
    await table().reload();
    expect(table().match('shop.wild.claims.test', '/')).toBeUndefined();
    expect(table().match('other.wild.claims.test', '/')?.tenant?.organization).toBe(a.slug);
  });
});
