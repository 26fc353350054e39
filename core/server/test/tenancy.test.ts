import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestContext } from '@mikro-orm/postgresql';
import { requireRole } from '../src/modules/organizations/access.ts';
import { addMembership, createMember, createOrganizationWithUser, createProject } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

type Session = Awaited<ReturnType<typeof signIn>>;
const ALL_SCOPES = ['domains:read', 'domains:write', 'projects:read', 'projects:write'];

// Two tenants on one installation, and the four roles inside one of them.
describe('tenancy and roles', () => {
  let portico: TestPortico;
  // Organization A: the demo one. P = demo-app, Q = a second project.
  let ownerA: Session;
  let orgA: string;
  let projectP: string;
  let projectQ: string;
  let domainP: { id: string };
  let domainQ: { id: string };
  let domainOrgLevel: { id: string };
  let keyOfA: { id: string };
  // Organization B, with its own owner, project, domain and API key.
  let ownerB: Session;
  let orgB: string;
  let projectB: string;
  let domainB: { id: string };
  let keyB: string;

  const addDomain = async (as: Session, organizationId: string, hostname: string, projectId: string | null) =>
    (await as.agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', as.csrf).send({ hostname, projectId }).expect(201)).body as { id: string };

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    ownerA = await signIn(portico, 'demo@portico.local', 'portico-demo');
    orgA = (await ownerA.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectP = (await ownerA.agent.get(`/v1/organizations/${orgA}/projects`).expect(200)).body.data[0].id;
    ({ projectId: projectQ } = await createProject(portico, orgA, 'second-app'));
    domainP = await addDomain(ownerA, orgA, 'p.tenant-a.example.com', projectP);
    domainQ = await addDomain(ownerA, orgA, 'q.tenant-a.example.com', projectQ);
    domainOrgLevel = await addDomain(ownerA, orgA, 'org.tenant-a.example.com', null);
    keyOfA = (await ownerA.agent.post(`/v1/organizations/${orgA}/api-keys`).set('x-csrf-token', ownerA.csrf).send({ name: 'A', scopes: ALL_SCOPES }).expect(201)).body;

    const b = await createOrganizationWithUser(portico, { role: 'owner', name: 'tenant-b' });
    ({ organizationId: orgB, projectId: projectB } = b);
    ownerB = await signIn(portico, b.email, b.password);
    domainB = await addDomain(ownerB, orgB, 'shop.tenant-b.example.com', projectB);
    keyB = (await ownerB.agent.post(`/v1/organizations/${orgB}/api-keys`).set('x-csrf-token', ownerB.csrf).send({ name: 'B', scopes: ALL_SCOPES }).expect(201)).body.secret;
  });
  afterAll(async () => portico?.stop());

  /** Requests on organization A's resources, each built for one caller. */
  const foreignRequests = (send: (method: 'get' | 'post', path: string, body?: object) => Test) => ({
    [`GET org`]: () => send('get', `/v1/organizations/${orgA}`),
    [`GET projects`]: () => send('get', `/v1/organizations/${orgA}/projects`),
    [`POST projects`]: () => send('post', `/v1/organizations/${orgA}/projects`, { name: 'Intruder', slug: 'intruder' }),
    [`GET domains`]: () => send('get', `/v1/organizations/${orgA}/domains`),
    [`POST domains`]: () => send('post', `/v1/organizations/${orgA}/domains`, { hostname: 'intruder.example.com' }),
    [`POST domains in a project of A`]: () => send('post', `/v1/organizations/${orgA}/domains`, { hostname: 'intruder2.example.com', projectId: projectP }),
    [`GET project`]: () => send('get', `/v1/projects/${projectP}`),
    [`GET domain`]: () => send('get', `/v1/domains/${domainP.id}`),
    [`GET org-level domain`]: () => send('get', `/v1/domains/${domainOrgLevel.id}`),
    [`GET events`]: () => send('get', `/v1/domains/${domainP.id}/events`),
    [`POST verify`]: () => send('post', `/v1/domains/${domainP.id}/verify`),
  });

  const expectNotFound = async (requests: Record<string, () => Test>) => {
    for (const [name, request] of Object.entries(requests)) {
      const res = await request();
      expect(res.status, name).toBe(404);
      expect(res.body.error.code, name).toBe('NOT_FOUND');
    }
  };

  const expectAUntouched = async () => {
    const projects = (await ownerA.agent.get(`/v1/organizations/${orgA}/projects`).expect(200)).body.data.map((p: { slug: string }) => p.slug);
    expect(projects.sort()).toEqual(['demo-app', 'second-app']);
    const domains = (await ownerA.agent.get(`/v1/organizations/${orgA}/domains`).expect(200)).body.data;
    expect(domains.map((d: { hostname: string }) => d.hostname).sort()).toEqual(['org.tenant-a.example.com', 'p.tenant-a.example.com', 'q.tenant-a.example.com']);
    expect(domains.every((d: { status: string }) => d.status === 'pending')).toBe(true);
    const keys = (await ownerA.agent.get(`/v1/organizations/${orgA}/api-keys`).expect(200)).body.data;
    expect(keys.map((k: { id: string; revokedAt: string | null }) => [k.id, k.revokedAt])).toEqual([[keyOfA.id, null]]);
  };

  describe('across organizations', () => {
    it('answers 404 NOT_FOUND for everything of organization A to B’s owner', async () => {
      const asOwnerB = (method: 'get' | 'post', path: string, body?: object) => {
        const req = ownerB.agent[method](path);
        return method === 'post' ? req.set('x-csrf-token', ownerB.csrf).send(body ?? {}) : req;
      };
      await expectNotFound({
        ...foreignRequests(asOwnerB),
        'GET api-keys': () => asOwnerB('get', `/v1/organizations/${orgA}/api-keys`),
        'POST api-keys': () => asOwnerB('post', `/v1/organizations/${orgA}/api-keys`, { name: 'x', scopes: ['domains:read'] }),
        'POST revoke': () => asOwnerB('post', `/v1/organizations/${orgA}/api-keys/${keyOfA.id}/revoke`),
        // A's key id inside B's organization is not B's key either.
        'POST revoke via B': () => asOwnerB('post', `/v1/organizations/${orgB}/api-keys/${keyOfA.id}/revoke`),
      });
      await expectAUntouched();
    });

    it('answers 404 NOT_FOUND for everything of organization A to B’s API key (key routes: 401, keys never manage keys)', async () => {
      const asKeyB = (method: 'get' | 'post', path: string, body?: object) => {
        const req = portico.http[method](path).set('authorization', `Bearer ${keyB}`);
        return method === 'post' ? req.send(body ?? {}) : req;
      };
      await expectNotFound(foreignRequests(asKeyB));
      for (const res of [await asKeyB('get', `/v1/organizations/${orgA}/api-keys`), await asKeyB('post', `/v1/organizations/${orgA}/api-keys`, { name: 'x', scopes: ['domains:read'] })]) {
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHENTICATED');
      }
      await expectAUntouched();
    });

    it('answers the same 404 for an organization that does not exist', async () => {
      const res = await ownerB.agent.get(`/v1/organizations/${randomUUID()}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });

    it('never lists A’s rows to B (owner and key), and B sees its own', async () => {
      for (const get of [(path: string) => ownerB.agent.get(path), (path: string) => portico.http.get(path).set('authorization', `Bearer ${keyB}`)]) {
        const orgs = (await get('/v1/organizations').expect(200)).body.data;
        expect(orgs.map((o: { id: string }) => o.id)).toEqual([orgB]);
        expect(orgs[0].role).toBeDefined();
        const projects = (await get(`/v1/organizations/${orgB}/projects`).expect(200)).body.data;
        expect(projects.map((p: { id: string }) => p.id)).toEqual([projectB]);
        const domains = (await get(`/v1/organizations/${orgB}/domains`).expect(200)).body.data;
        expect(domains.map((d: { id: string }) => d.id)).toEqual([domainB.id]);
        expect((await get(`/v1/domains/${domainB.id}`).expect(200)).body.organizationId).toBe(orgB);
      }
      const keys = (await ownerB.agent.get(`/v1/organizations/${orgB}/api-keys`).expect(200)).body.data;
      expect(keys.map((k: { id: string }) => k.id)).not.toContain(keyOfA.id);
      // And A's owner does not see B either.
      expect((await ownerA.agent.get('/v1/organizations').expect(200)).body.data.map((o: { id: string }) => o.id)).toEqual([orgA]);
      const res = await ownerA.agent.get(`/v1/domains/${domainB.id}`);
      expect(res.status).toBe(404);
    });

    it('refuses a project of another organization when adding a domain to one’s own (404)', async () => {
      const res = await ownerB.agent.post(`/v1/organizations/${orgB}/domains`).set('x-csrf-token', ownerB.csrf).send({ hostname: 'cross.tenant-b.example.com', projectId: projectP });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      const key = await ownerB.agent.post(`/v1/organizations/${orgB}/api-keys`).set('x-csrf-token', ownerB.csrf).send({ name: 'cross', scopes: ['domains:read'], projectId: projectP });
      expect(key.status).toBe(404);
      expect(key.body.error.code).toBe('NOT_FOUND');
    });
  });

  describe('roles inside an organization', () => {
    const ids = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((row) => row.id).sort();

    for (const role of ['project_admin', 'project_member'] as const) {
      it(`${role} of P: sees P only, not Q nor organization-level domains, and cannot create projects`, async () => {
        const user = await createMember(portico, orgA, { role, projectId: projectP });
        const me = await signIn(portico, user.email, user.password);

        const orgs = (await me.agent.get('/v1/organizations').expect(200)).body.data;
        expect(orgs).toEqual([expect.objectContaining({ id: orgA, role })]);
        expect((await me.agent.get(`/v1/organizations/${orgA}`).expect(200)).body.role).toBe(role);

        expect(ids(await me.agent.get(`/v1/organizations/${orgA}/projects`).expect(200))).toEqual([projectP]);
        expect(ids(await me.agent.get(`/v1/organizations/${orgA}/domains`).expect(200))).toEqual([domainP.id]);
        expect((await me.agent.get(`/v1/domains/${domainP.id}`)).status).toBe(200);
        expect((await me.agent.get(`/v1/domains/${domainP.id}/events`)).status).toBe(200);
        expect((await me.agent.get(`/v1/projects/${projectP}`)).status).toBe(200);

        await expectNotFound({
          'GET project Q': () => me.agent.get(`/v1/projects/${projectQ}`),
          'GET domain Q': () => me.agent.get(`/v1/domains/${domainQ.id}`),
          'GET events Q': () => me.agent.get(`/v1/domains/${domainQ.id}/events`),
          'POST verify Q': () => me.agent.post(`/v1/domains/${domainQ.id}/verify`).set('x-csrf-token', me.csrf),
          'GET org-level domain': () => me.agent.get(`/v1/domains/${domainOrgLevel.id}`),
          'POST verify org-level': () => me.agent.post(`/v1/domains/${domainOrgLevel.id}/verify`).set('x-csrf-token', me.csrf),
          'GET domain of B': () => me.agent.get(`/v1/domains/${domainB.id}`),
        });

        const project = await me.agent.post(`/v1/organizations/${orgA}/projects`).set('x-csrf-token', me.csrf).send({ name: 'Mine', slug: `mine-${role.replace('_', '-')}` });
        expect(project.status).toBe(403);
        expect(project.body.error.code).toBe('FORBIDDEN');
        expect(project.body.error.details.requiredRole).toBe('admin');

        const keys = await me.agent.get(`/v1/organizations/${orgA}/api-keys`);
        expect(keys.status).toBe(403);
        expect(keys.body.error.code).toBe('FORBIDDEN');
      });
    }

    it('project_admin of P adds domains to P only; project_member cannot add domains (403 FORBIDDEN)', async () => {
      const admin = await signIn(portico, ...(await credentials('project_admin', projectP)));
      const inP = await admin.agent.post(`/v1/organizations/${orgA}/domains`).set('x-csrf-token', admin.csrf).send({ hostname: 'by-padmin.tenant-a.example.com', projectId: projectP });
      expect(inP.status).toBe(201);
      expect(inP.body.projectIds).toEqual([projectP]);
      for (const projectId of [projectQ, null]) {
        const res = await admin.agent.post(`/v1/organizations/${orgA}/domains`).set('x-csrf-token', admin.csrf).send({ hostname: `by-padmin-${projectId ? 'q' : 'org'}.tenant-a.example.com`, projectId });
        expect(res.status, String(projectId)).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }

      const member = await signIn(portico, ...(await credentials('project_member', projectP)));
      const res = await member.agent.post(`/v1/organizations/${orgA}/domains`).set('x-csrf-token', member.csrf).send({ hostname: 'by-pmember.tenant-a.example.com', projectId: projectP });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(res.body.error.details.requiredRole).toBe('project_admin');

      // Clean up what this test added, so the other tests' listings stay exact.
      await portico.container.cradle.orm.em.fork().getConnection().execute('delete from domains where id = ?', [inP.body.id]);
    });

    it('judges a user with roles in several projects by the role held in the project at hand', async () => {
      const user = await createMember(portico, orgA, { role: 'project_member', projectId: projectP });
      await addMembership(portico, user.userId, orgA, { role: 'project_admin', projectId: projectQ });
      const me = await signIn(portico, user.email, user.password);
      expect(ids(await me.agent.get(`/v1/organizations/${orgA}/projects`).expect(200))).toEqual([projectP, projectQ].sort());
      expect(ids(await me.agent.get(`/v1/organizations/${orgA}/domains`).expect(200))).toEqual([domainP.id, domainQ.id].sort());
      expect((await me.agent.get(`/v1/organizations/${orgA}`).expect(200)).body.role).toBe('project_admin');

      const { orm, accessService } = portico.container.cradle;
      const access = await RequestContext.create(orm.em, () => accessService.forOrganization({ kind: 'user', userId: user.userId, sessionId: 'unused' }, orgA));
      expect(access.projectRoles).toEqual({ [projectP]: 'project_member', [projectQ]: 'project_admin' });
      expect(() => requireRole(access, 'project_admin', projectQ)).not.toThrow();
      expect(() => requireRole(access, 'project_admin', projectP)).toThrow(expect.objectContaining({ code: 'FORBIDDEN', details: expect.objectContaining({ requiredRole: 'project_admin', role: 'project_member' }) }));
      expect(() => requireRole(access, 'project_member', randomUUID())).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => requireRole(access, 'admin')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));

      // Over HTTP: admin of Q does not make a domain in P possible; in Q it is.
      const inP = await me.agent.post(`/v1/organizations/${orgA}/domains`).set('x-csrf-token', me.csrf).send({ hostname: `p-${randomUUID().slice(0, 8)}.example.com`, projectId: projectP });
      expect(inP.status).toBe(403);
      expect(inP.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'project_admin' } });
      const inQ = await me.agent.post(`/v1/organizations/${orgA}/domains`).set('x-csrf-token', me.csrf).send({ hostname: `q-${randomUUID().slice(0, 8)}.example.com`, projectId: projectQ });
      expect(inQ.status).toBe(201);
      await portico.container.cradle.orm.em.fork().getConnection().execute('delete from domains where id = ?', [inQ.body.id]);
    });

    for (const role of ['owner', 'admin'] as const) {
      it(`${role}: sees every project and domain and creates projects`, async () => {
        const me = await signIn(portico, ...(await credentials(role)));
        expect(ids(await me.agent.get(`/v1/organizations/${orgA}/projects`).expect(200))).toEqual([projectP, projectQ].sort());
        expect(ids(await me.agent.get(`/v1/organizations/${orgA}/domains`).expect(200))).toEqual([domainP.id, domainQ.id, domainOrgLevel.id].sort());
        for (const id of [domainP.id, domainQ.id, domainOrgLevel.id]) expect((await me.agent.get(`/v1/domains/${id}`)).status).toBe(200);
        expect((await me.agent.get(`/v1/projects/${projectQ}`)).status).toBe(200);
        expect((await me.agent.get(`/v1/organizations/${orgA}/api-keys`)).status).toBe(200);
        // Still nothing of B.
        expect((await me.agent.get(`/v1/domains/${domainB.id}`)).status).toBe(404);

        const slug = `by-${role}`;
        const created = await me.agent.post(`/v1/organizations/${orgA}/projects`).set('x-csrf-token', me.csrf).send({ name: `By ${role}`, slug });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ organizationId: orgA, slug });
        const duplicate = await me.agent.post(`/v1/organizations/${orgA}/projects`).set('x-csrf-token', me.csrf).send({ name: 'Again', slug });
        expect(duplicate.status).toBe(409);
        expect(duplicate.body.error.code).toBe('CONFLICT');
        await portico.container.cradle.orm.em.fork().getConnection().execute('delete from projects where id = ?', [created.body.id]);
      });
    }

    /** Email and password of a new member of A (the demo owner for `owner`). */
    async function credentials(role: 'owner' | 'admin' | 'project_admin' | 'project_member', projectId?: string): Promise<[string, string]> {
      if (role === 'owner') return ['demo@portico.local', 'portico-demo'];
      const user = await createMember(portico, orgA, { role, projectId });
      return [user.email, user.password];
    }
  });
});
