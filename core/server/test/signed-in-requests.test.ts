import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentAuditScope } from '../src/modules/audit/context.ts';
import { addMembership, createApiKey, createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// What a signed-in request costs the database before its route's own work: statements counted per request (never
// timed), so the count cannot grow back unnoticed. And nothing of it is cached: a signed-out session, a revoked key,
// a removed membership or a changed role counts from the very next request.

let portico: TestPortico;
/** The statements each counted request ran, by its request id, from the ORM's query log. */
const statements = new Map<string, string[]>();

beforeAll(async () => {
  portico = await startTestPortico({ login: { attemptsPerAccount: 50 } });
  const logger = portico.container.cradle.orm.config.getLogger();
  const log = logger.logQuery.bind(logger);
  logger.logQuery = (context) => {
    // The request's audit scope carries its x-request-id: background work (jobs, the route table) is not counted.
    const id = currentAuditScope()?.requestId;
    if (id?.startsWith('count-')) statements.set(id, [...(statements.get(id) ?? []), context.query ?? '']);
    log(context);
  };
});
afterAll(async () => portico?.stop());

/** Send `request` under a fresh request id: its status and the statements it ran. */
async function counted(request: Test): Promise<{ status: number; queries: string[] }> {
  const id = `count-${randomUUID()}`;
  const res = await request.set('x-request-id', id);
  return { status: res.status, queries: statements.get(id) ?? [] };
}

/** `count` statements, answered `status`; the statements themselves in the failure message. */
function expectCost(result: { status: number; queries: string[] }, status: number, count: number): void {
  expect(result.status).toBe(status);
  expect(result.queries, result.queries.join('\n')).toHaveLength(count);
}

describe('statements per signed-in request', () => {
  it('a cookie session is one read (with its user); an access check one more, none when it comes with the project or organization', async () => {
    const org = await createOrganizationWithUser(portico);
    const owner = await signIn(portico, org.email, org.password);
    expectCost(await counted(owner.agent.get('/v1/auth/session')), 200, 1);
    // The session, the caller's memberships in the organization, the projects.
    expectCost(await counted(owner.agent.get(`/v1/organizations/${org.organizationId}/projects`)), 200, 3);
    // The session, then the project (or the organization) with the caller's memberships in its organization.
    expectCost(await counted(owner.agent.get(`/v1/projects/${org.projectId}`)), 200, 2);
    expectCost(await counted(owner.agent.get(`/v1/organizations/${org.organizationId}`)), 200, 2);
    // The session, every membership of the caller (one read, however many organizations), the organizations.
    await addMembership(portico, org.userId, (await createOrganizationWithUser(portico)).organizationId, { role: 'admin' });
    expect((await owner.agent.get('/v1/organizations')).body.data).toHaveLength(2);
    expectCost(await counted(owner.agent.get('/v1/organizations')), 200, 3);
  });

  it('an API key is one read; its access needs none', async () => {
    const org = await createOrganizationWithUser(portico);
    const owner = sessionCaller(await signIn(portico, org.email, org.password));
    const key = keyCaller(portico, await createApiKey(owner, org.organizationId));
    // The first use records it (at most once a minute): one write more, then none.
    expectCost(await counted(key.get(`/v1/projects/${org.projectId}`)), 200, 3);
    expectCost(await counted(key.get(`/v1/projects/${org.projectId}`)), 200, 2);
    expectCost(await counted(key.get(`/v1/organizations/${org.organizationId}/projects`)), 200, 2);
    expectCost(await counted(key.get(`/v1/organizations/${org.organizationId}`)), 200, 2);
  });

  it('a session records when it was last seen at most once a minute', async () => {
    const org = await createOrganizationWithUser(portico);
    const owner = await signIn(portico, org.email, org.password);
    const sessionId = (await owner.agent.get('/v1/auth/sessions').expect(200)).body.data.find((s: { current: boolean }) => s.current).id as string;
    const db = portico.container.cradle.orm.em.fork().getConnection();
    await db.execute(`update sessions set last_seen_at = now() - interval '2 minutes' where id = ?`, [sessionId]);
    const stale = await counted(owner.agent.get('/v1/auth/session'));
    expectCost(stale, 200, 2);
    expect(stale.queries[1]).toMatch(/^update "sessions"/);
    expectCost(await counted(owner.agent.get('/v1/auth/session')), 200, 1);
  });
});

describe('nothing about the caller is cached', () => {
  it('a changed role and a removed membership count from the next request (organization, project and list checks)', async () => {
    const org = await createOrganizationWithUser(portico);
    const { projectId: other } = await createProject(portico, org.organizationId);
    const owner = sessionCaller(await signIn(portico, org.email, org.password));
    const member = await createMember(portico, org.organizationId, { role: 'admin' });
    const caller = sessionCaller(await signIn(portico, member.email, member.password));
    expect((await caller.get(`/v1/projects/${other}`)).status).toBe(200);
    expect((await caller.get('/v1/organizations')).body.data).toMatchObject([{ id: org.organizationId, role: 'admin' }]);

    const demoted = await owner.put(`/v1/organizations/${org.organizationId}/members/${member.userId}/role`, { role: 'project_member', projectIds: [org.projectId] });
    expect(demoted.status).toBe(200);
    const hidden = await caller.get(`/v1/projects/${other}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('NOT_FOUND');
    expect((await caller.get(`/v1/projects/${org.projectId}`)).status).toBe(200);
    expect((await caller.get(`/v1/organizations/${org.organizationId}`)).body.role).toBe('project_member');
    expect((await caller.get('/v1/organizations')).body.data).toMatchObject([{ id: org.organizationId, role: 'project_member' }]);
    expect((await caller.post(`/v1/organizations/${org.organizationId}/projects`, { name: 'Nope', slug: 'nope' })).body.error.code).toBe('FORBIDDEN');

    const promoted = await owner.put(`/v1/organizations/${org.organizationId}/members/${member.userId}/role`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect((await caller.get(`/v1/projects/${other}`)).status).toBe(200);

    expect((await owner.delete(`/v1/organizations/${org.organizationId}/members/${member.userId}`)).status).toBe(204);
    for (const path of [`/v1/projects/${org.projectId}`, `/v1/organizations/${org.organizationId}`, `/v1/organizations/${org.organizationId}/projects`]) {
      const gone = await caller.get(path);
      expect(gone.status, path).toBe(404);
      expect(gone.body.error.code, path).toBe('NOT_FOUND');
    }
    expect((await caller.get('/v1/organizations')).body.data).toEqual([]);
  });

  it('another tenant’s project is 404 to a session and to a key; a project-bound key reaches its project only', async () => {
    const org = await createOrganizationWithUser(portico);
    const { projectId: other } = await createProject(portico, org.organizationId);
    const owner = sessionCaller(await signIn(portico, org.email, org.password));
    const stranger = await createOrganizationWithUser(portico);
    const outsider = sessionCaller(await signIn(portico, stranger.email, stranger.password));
    const outsiderKey = keyCaller(portico, await createApiKey(outsider, stranger.organizationId));
    for (const [name, caller] of [['session', outsider], ['key', outsiderKey]] as const) {
      const res = await caller.get(`/v1/projects/${org.projectId}`);
      expect(res.status, name).toBe(404);
      expect(res.body.error.code, name).toBe('NOT_FOUND');
    }
    expect((await keyCaller(portico, await createApiKey(owner, org.organizationId)).get(`/v1/projects/${other}`)).status).toBe(200);
    const bound = keyCaller(portico, await createApiKey(owner, org.organizationId, org.projectId));
    expect((await bound.get(`/v1/projects/${org.projectId}`)).status).toBe(200);
    expect((await bound.get(`/v1/projects/${other}`)).status).toBe(404);
  });

  it('a signed-out session and a revoked key are refused on the very next request', async () => {
    const org = await createOrganizationWithUser(portico);
    const login = await portico.http.post('/v1/auth/login').send({ email: org.email, password: org.password }).expect(200);
    const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
    const csrf = login.body.csrfToken as string;
    const project = `/v1/projects/${org.projectId}`;

    const made = await portico.http.post(`/v1/organizations/${org.organizationId}/api-keys`).set({ cookie, 'x-csrf-token': csrf }).send({ name: 'ci', scopes: ['projects:read'] });
    expect(made.status).toBe(201);
    const key = { authorization: `Bearer ${made.body.secret as string}` };
    expect((await portico.http.get(project).set(key)).status).toBe(200);
    await portico.http.post(`/v1/organizations/${org.organizationId}/api-keys/${made.body.id as string}/revoke`).set({ cookie, 'x-csrf-token': csrf }).expect(200);
    const revoked = await portico.http.get(project).set(key);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('UNAUTHENTICATED');

    // The same cookie, sent again after signing out (a browser would have dropped it).
    expect((await portico.http.get(project).set({ cookie })).status).toBe(200);
    await portico.http.post('/v1/auth/logout').set({ cookie, 'x-csrf-token': csrf }).expect(204);
    const out = await portico.http.get(project).set({ cookie });
    expect(out.status).toBe(401);
    expect(out.body.error.code).toBe('UNAUTHENTICATED');
  });
});
