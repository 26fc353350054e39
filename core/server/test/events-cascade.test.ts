import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVerifiedDomain, createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// A mapping removed because something it depends on went (its domain deleted, its assignment removed, its service
// or project deleted, its hostname taken over by another organization) publishes mapping.deleted, as a direct
// delete does.

const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));

interface Tenant {
  organizationId: string;
  projectId: string;
  as: Caller;
}

interface EventBody {
  type: string;
  organizationId: string;
  projectId: string | null;
  subject: { kind: string; id: string };
  data: Record<string, unknown>;
}

describe('mapping.deleted for mappings removed by cascade', () => {
  let portico: TestPortico;
  let a: Tenant;
  let b: Tenant;

  const tenant = async (name: string): Promise<Tenant> => {
    const t = await createOrganizationWithUser(portico, { role: 'owner', name });
    return { organizationId: t.organizationId, projectId: t.projectId, as: sessionCaller(await signIn(portico, t.email, t.password)) };
  };
  const service = async (t: Tenant, name: string) =>
    (await t.as.post(`/v1/projects/${t.projectId}/services`, { name, upstreamHost: `${name}.internal`, upstreamPort: 8080 }).expect(201)).body.id as string;
  const map = async (t: Tenant, serviceId: string, domainId: string, basePath = '/') =>
    (await t.as.post(`/v1/projects/${t.projectId}/mappings`, { serviceId, domainId, basePath }).expect(201)).body.id as string;
  const deletedEvents = async (t: Tenant) =>
    (await t.as.get(`/v1/events?organizationId=${t.organizationId}&type=mapping.deleted&limit=500`).expect(200)).body.data as EventBody[];
  const deletedIds = async (t: Tenant) => (await deletedEvents(t)).map((e) => e.subject.id);

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted' }, plugins: [{ package: SCRIPTED }] });
    a = await tenant('cascade-alpha');
    b = await tenant('cascade-bravo');
  });
  afterAll(async () => portico?.stop());

  it('deleting a domain with two mappings publishes two mapping.deleted events', async () => {
    const domain = await addVerifiedDomain(a.as, a.organizationId, 'deleted.cascade.test', a.projectId);
    const svc = await service(a, 'cascade-delete');
    const root = await map(a, svc, domain.id, '/');
    const api = await map(a, svc, domain.id, '/api');
    await a.as.delete(`/v1/domains/${domain.id}?confirm=deleted.cascade.test`).expect(200);

    const events = (await deletedEvents(a)).filter((e) => [root, api].includes(e.subject.id));
    expect(events.map((e) => e.subject.id).sort()).toEqual([root, api].sort());
    for (const event of events) {
      expect(event).toMatchObject({ organizationId: a.organizationId, projectId: a.projectId, subject: { kind: 'mapping' }, data: { host: 'deleted.cascade.test', serviceId: svc, domainId: domain.id } });
    }
    expect(events.map((e) => e.data.basePath).sort()).toEqual(['/', '/api']);
    expect((await a.as.get(`/v1/projects/${a.projectId}/mappings`).expect(200)).body.data).toEqual([]);
  });

  it('unassigning a domain from a project and deleting a service publish mapping.deleted for their mappings', async () => {
    const domain = await addVerifiedDomain(a.as, a.organizationId, 'unassigned.cascade.test', a.projectId);
    const svc = await service(a, 'cascade-unassign');
    const unassigned = await map(a, svc, domain.id);
    await a.as.delete(`/v1/projects/${a.projectId}/domains/${domain.id}`).expect(204);
    expect(await deletedIds(a)).toContain(unassigned);

    const other = await addVerifiedDomain(a.as, a.organizationId, 'service.cascade.test', a.projectId);
    const gone = await service(a, 'cascade-service');
    const mapped = await map(a, gone, other.id);
    await a.as.delete(`/v1/services/${gone}`).expect((res) => expect(res.status).toBeLessThan(300));
    expect(await deletedIds(a)).toContain(mapped);
    // Exactly one event per removed mapping.
    const ids = await deletedIds(a);
    expect(ids.length).toBe(new Set(ids).size);
  });

  it('a takeover publishes mapping.deleted to the previous holder only', async () => {
    const hostname = 'takeover.cascade.test';
    const held = await addVerifiedDomain(b.as, b.organizationId, hostname, b.projectId);
    const mapping = await map(b, await service(b, 'cascade-held'), held.id);
    const challenger = (await a.as.post(`/v1/organizations/${a.organizationId}/domains`, { hostname, projectId: a.projectId, method: 'scripted' }).expect(201)).body;
    scriptedVerifier().outcomes.set(hostname, 'verified');
    await a.as.post(`/v1/domains/${challenger.id}/verify`).expect(202);
    await waitFor(async () => (await b.as.get(`/v1/domains/${held.id}`).expect(200)).body.status, (s) => s === 'taken_over');

    const events = (await deletedEvents(b)).filter((e) => e.subject.id === mapping);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ organizationId: b.organizationId, projectId: b.projectId, data: { host: hostname, domainId: held.id } });
    expect(await deletedIds(a)).not.toContain(mapping);
  });
});
