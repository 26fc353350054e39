import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainEvent } from '../src/modules/domains/event.entity.ts';
import { createOrganizationWithUser, createProject, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// The organization's domain API: usage, delete (archive) and the domain quota; the list itself is in
// domains-api.test.ts. Each block works in an organization of its own, so listings are exact.
const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));
interface DomainRow {
  id: string;
  hostname: string;
  status: string;
  createdAt: string;
  verifiedAt: string | null;
  projectIds: string[];
}
interface Page {
  data: DomainRow[];
  nextCursor: string | null;
  total: number;
}

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);

describe('domain API: usage, delete and quota', () => {
  let portico: TestPortico;

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted' }, plugins: [{ package: SCRIPTED }] });
  });
  afterAll(async () => portico?.stop());

  /** A new organization (with a project `main`) and its owner signed in. */
  async function newTenant() {
    const tenant = await createOrganizationWithUser(portico, { role: 'owner' });
    const owner = sessionCaller(await signIn(portico, tenant.email, tenant.password));
    return { owner, organizationId: tenant.organizationId, projectId: tenant.projectId };
  }


  describe('usage and delete', () => {
    let owner: Caller;
    let org: string;
    let projectP: string;
    let projectQ: string;

    beforeAll(async () => {
      ({ owner, organizationId: org, projectId: projectP } = await newTenant());
      ({ projectId: projectQ } = await createProject(portico, org, 'storefront'));
    });

    const add = async (hostname: string, projectId: string | null = null) =>
      (await owner.post(`/v1/organizations/${org}/domains`, { hostname, projectId }).expect(201)).body as DomainRow;
    const listed = async () => (await owner.get(`/v1/organizations/${org}/domains?limit=200`).expect(200)).body as Page;

    it('GET /v1/domains/:id/usage counts and names the projects using the domain', async () => {
      const unused = await add('unused.usage.example.com');
      expect((await owner.get(`/v1/domains/${unused.id}/usage`).expect(200)).body).toEqual({ count: 0, projects: [], services: 0 });

      const shared = await add('shared.usage.example.com', projectP);
      expect((await owner.get(`/v1/domains/${shared.id}/usage`).expect(200)).body).toEqual({ count: 1, projects: [{ id: projectP, name: 'main', slug: 'main' }], services: 0 });
      await owner.post(`/v1/projects/${projectQ}/domains`, { hostnames: [shared.hostname] }).expect(200);
      expect((await owner.get(`/v1/domains/${shared.id}/usage`).expect(200)).body).toEqual({
        count: 2,
        projects: [
          { id: projectP, name: 'main', slug: 'main' },
          { id: projectQ, name: 'storefront', slug: 'storefront' },
        ],
        services: 0,
      });
      expect((await owner.get(`/v1/domains/${shared.id}`).expect(200)).body.projectIds).toEqual([projectP, projectQ]);

      for (const id of [randomUUID(), 'not-a-uuid']) {
        const res = await owner.get(`/v1/domains/${id}/usage`);
        expect(res.status, id).toBe(id === 'not-a-uuid' ? 400 : 404);
      }
    });

    it('deletes an unused domain: archived, gone from list and GET, its events unreachable, its hostname free again', async () => {
      const hostname = 'gone.usage.example.com';
      const old = await add(hostname);
      const before = (await listed()).total;

      const res = await owner.delete(`/v1/domains/${old.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: old.id, hostname, status: 'archived', usage: { count: 0, projects: [] } });

      const after = await listed();
      expect(after.total).toBe(before - 1);
      expect(ids(after.data)).not.toContain(old.id);
      expect((await owner.get(`/v1/organizations/${org}/domains?status=archived`).expect(200)).body.total).toBe(0);
      const gone = {
        GET: owner.get(`/v1/domains/${old.id}`),
        events: owner.get(`/v1/domains/${old.id}/events`),
        usage: owner.get(`/v1/domains/${old.id}/usage`),
        verify: owner.post(`/v1/domains/${old.id}/verify`),
        'DELETE again': owner.delete(`/v1/domains/${old.id}`),
      };
      for (const [name, request] of Object.entries(gone)) {
        const r = await request;
        expect(r.status, name).toBe(404);
        expect(r.body.error.code, name).toBe('NOT_FOUND');
      }

      // The history is kept in the database, ending with the deletion.
      const history = await portico.container.cradle.orm.em.fork().find(DomainEvent, { domain: old.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      expect(history.map((e) => `${e.toStatus}:${e.reason}`)).toEqual(['pending:created', 'archived:deleted']);

      const again = await add(hostname);
      expect(again.id).not.toBe(old.id);
      expect(again.status).toBe('pending');
      const events = (await owner.get(`/v1/domains/${again.id}/events`).expect(200)).body.data;
      expect(events.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`)).toEqual(['pending:created']);
      expect((await owner.get(`/v1/domains/${old.id}`)).status).toBe(404);
      expect((await listed()).total).toBe(before);
    });

    it('deletes a domain in use only with confirm=<hostname> (owner); its assignments go with it', async () => {
      const hostname = 'busy.usage.example.com';
      const busy = await add(hostname, projectP);
      await owner.post(`/v1/projects/${projectQ}/domains`, { hostnames: [hostname] }).expect(200);

      for (const path of [`/v1/domains/${busy.id}`, `/v1/domains/${busy.id}?confirm=other.usage.example.com`, `/v1/domains/${busy.id}?confirm=`]) {
        const res = await owner.delete(path);
        expect(res.status, path).toBe(409);
        expect(res.body.error.code).toBe('DOMAIN_IN_USE');
        expect(res.body.error.details.usage.projects.map((p: { id: string }) => p.id)).toEqual([projectP, projectQ]);
      }
      expect((await owner.get(`/v1/domains/${busy.id}`).expect(200)).body.projectIds).toEqual([projectP, projectQ]);

      const res = await owner.delete(`/v1/domains/${busy.id}?confirm=${hostname}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: busy.id, status: 'archived', usage: { count: 2 } });
      for (const projectId of [projectP, projectQ]) {
        const assigned = (await owner.get(`/v1/projects/${projectId}/domains`).expect(200)).body.data;
        expect(ids(assigned)).not.toContain(busy.id);
      }
      const rows = await portico.container.cradle.orm.em.fork().getConnection().execute('select count(*)::int as n from project_domains where domain_id = ?', [busy.id]);
      expect(rows[0].n).toBe(0);
      // Added again, it starts unassigned.
      expect((await add(hostname)).projectIds).toEqual([]);
    });
  });

  describe('domain quota (maxDomains)', () => {
    it('refuses the domain past the limit with DOMAIN_QUOTA_EXCEEDED { used, limit }; archiving one frees a slot', async () => {
      const { owner, organizationId: org, projectId } = await newTenant();
      const N = 3;
      await owner.patch(`/v1/organizations/${org}/settings`, { maxDomains: N }).expect(200);
      const add = (hostname: string, projectIdOrNull: string | null = null) => owner.post(`/v1/organizations/${org}/domains`, { hostname, projectId: projectIdOrNull });
      const made: string[] = [];
      for (let i = 0; i < N; i++) made.push((await add(`q${i}.quota.example.com`, i === 0 ? projectId : null).expect(201)).body.id);

      for (const [hostname, target] of [['over.quota.example.com', null], ['over2.quota.example.com', projectId]] as const) {
        const res = await add(hostname, target);
        expect(res.status, hostname).toBe(409);
        expect(res.body.error.code).toBe('DOMAIN_QUOTA_EXCEEDED');
        expect(res.body.error.details).toEqual({ used: N, limit: N });
      }
      const batch = await owner.post(`/v1/projects/${projectId}/domains`, { hostnames: ['batch.quota.example.com'] });
      expect(batch.status).toBe(409);
      expect(batch.body.error.code).toBe('DOMAIN_QUOTA_EXCEEDED');
      expect((await owner.get(`/v1/organizations/${org}/domains`).expect(200)).body.total).toBe(N);
      expect((await owner.get(`/v1/organizations/${org}/settings`).expect(200)).body.usage).toEqual({ domains: N });

      await owner.delete(`/v1/domains/${made[1]}`).expect(200);
      expect((await owner.get(`/v1/organizations/${org}/settings`).expect(200)).body.usage).toEqual({ domains: N - 1 });
      await add('over.quota.example.com').expect(201);
      const full = await add('last.quota.example.com');
      expect(full.status).toBe(409);
      expect(full.body.error.details).toEqual({ used: N, limit: N });

      // Raising the limit makes room again.
      await owner.patch(`/v1/organizations/${org}/settings`, { maxDomains: N + 1 }).expect(200);
      await add('last.quota.example.com').expect(201);
    });
  });
});
