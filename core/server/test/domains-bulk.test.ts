import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createOrganizationWithUser, createProject, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// POST /v1/organizations/:id/domains:bulk: each id goes through the single routes' checks and gets its own result;
// ids outside the caller's reach are NOT_FOUND in their own result and tell nothing else.
const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));
interface Result {
  id: string;
  ok: boolean;
  code?: string;
  message?: string;
  status?: string;
  retryAfterSeconds?: number;
}

describe('bulk domain actions', () => {
  let portico: TestPortico;
  let owner: Caller;
  let admin: Caller;
  let org: string;
  let projectId: string;
  let stranger: { caller: Caller; organizationId: string; domainId: string };

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted' }, plugins: [{ package: SCRIPTED }] });
    const tenant = await createOrganizationWithUser(portico, { role: 'owner' });
    ({ organizationId: org, projectId } = tenant);
    owner = sessionCaller(await signIn(portico, tenant.email, tenant.password));
    const adminUser = await createMember(portico, org, { role: 'admin' });
    admin = sessionCaller(await signIn(portico, adminUser.email, adminUser.password));
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    const otherCaller = sessionCaller(await signIn(portico, other.email, other.password));
    const foreign = (await otherCaller.post(`/v1/organizations/${other.organizationId}/domains`, { hostname: 'foreign.bulk.example.com' }).expect(201)).body;
    stranger = { caller: otherCaller, organizationId: other.organizationId, domainId: foreign.id };
  });
  afterAll(async () => portico?.stop());

  const add = async (hostname: string, project: string | null = null) => (await owner.post(`/v1/organizations/${org}/domains`, { hostname, projectId: project }).expect(201)).body.id as string;
  const bulk = (caller: Caller, body: object, organizationId = org) => caller.post(`/v1/organizations/${organizationId}/domains:bulk`, body);
  const statusOf = async (id: string) => (await owner.get(`/v1/domains/${id}`)).body.status as string | undefined;

  it('verifies each domain; unknown and foreign ids are NOT_FOUND in their own result; too soon again is rate limited per domain', async () => {
    const a = await add('a.verify.bulk.example.com');
    const b = await add('b.verify.bulk.example.com');
    const unknown = randomUUID();
    const res = await bulk(owner, { action: 'verify', domainIds: [a, stranger.domainId, b, unknown, a] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const results = res.body.results as Result[];
    expect(results.map((r) => [r.id, r.ok, r.code ?? null])).toEqual([
      [a, true, null],
      [stranger.domainId, false, 'NOT_FOUND'],
      [b, true, null],
      [unknown, false, 'NOT_FOUND'],
    ]);
    expect(results[0]!.status).toBe('verifying');
    // A foreign id's result says exactly what an unknown id's says.
    const { id: _f, ...foreignRest } = results[1]!;
    const { id: _u, ...unknownRest } = results[3]!;
    expect(foreignRest).toEqual(unknownRest);
    expect(JSON.stringify(res.body)).not.toContain('foreign.bulk.example.com');
    expect((await stranger.caller.get(`/v1/domains/${stranger.domainId}`).expect(200)).body.status).toBe('pending');

    for (const id of [a, b]) await waitFor(() => statusOf(id), (s) => s !== 'verifying');
    const again = (await bulk(owner, { action: 'verify', domainIds: [a] }).expect(200)).body.results as Result[];
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ id: a, ok: false, code: 'VERIFICATION_RATE_LIMITED' });
    expect(again[0]!.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('deletes unused domains; one in use needs the typed confirmation and the owner role', async () => {
    const free = await add('free.delete.bulk.example.com');
    const busy = await add('busy.delete.bulk.example.com', projectId);
    const ids = [free, busy];

    const unconfirmed = (await bulk(owner, { action: 'delete', domainIds: ids }).expect(200)).body.results as Result[];
    expect(unconfirmed.map((r) => [r.ok, r.code ?? null])).toEqual([
      [true, null],
      [false, 'DOMAIN_IN_USE'],
    ]);
    expect(await statusOf(busy)).toBe('pending');
    expect((await owner.get(`/v1/domains/${free}`)).status).toBe(404);

    // The phrase counts the ids of this request: another number does not confirm.
    const wrong = (await bulk(owner, { action: 'delete', domainIds: [busy], confirm: 'delete 2 domains' }).expect(200)).body.results as Result[];
    expect(wrong[0]).toMatchObject({ ok: false, code: 'DOMAIN_IN_USE' });

    const byAdmin = (await bulk(admin, { action: 'delete', domainIds: [busy], confirm: 'delete 1 domain' }).expect(200)).body.results as Result[];
    expect(byAdmin[0]).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await statusOf(busy)).toBe('pending');

    const confirmed = (await bulk(owner, { action: 'delete', domainIds: [busy, free], confirm: 'delete 2 domains' }).expect(200)).body.results as Result[];
    expect(confirmed).toEqual([
      { id: busy, ok: true, status: 'archived' },
      { id: free, ok: false, code: 'NOT_FOUND', message: 'Domain not found' },
    ]);
    expect((await owner.get(`/v1/projects/${projectId}/domains`).expect(200)).body.data.map((d: { id: string }) => d.id)).not.toContain(busy);
  });

  it('never deletes another organization’s domain, whatever the caller confirms', async () => {
    const res = (await bulk(owner, { action: 'delete', domainIds: [stranger.domainId], confirm: 'delete 1 domain' }).expect(200)).body.results as Result[];
    expect(res).toEqual([{ id: stranger.domainId, ok: false, code: 'NOT_FOUND', message: 'Domain not found' }]);
    expect((await stranger.caller.get(`/v1/domains/${stranger.domainId}`).expect(200)).body.status).toBe('pending');
    // Naming the other organization itself is a 404 for the whole request.
    const outside = await bulk(owner, { action: 'delete', domainIds: [stranger.domainId] }, stranger.organizationId);
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('NOT_FOUND');
  });

  it('keeps a project-bound member to its own projects and role', async () => {
    const { projectId: other } = await createProject(portico, org, 'bulk-elsewhere');
    const mine = await add('mine.member.bulk.example.com', projectId);
    const elsewhere = await add('elsewhere.member.bulk.example.com', other);
    const user = await createMember(portico, org, { role: 'project_admin', projectId });
    const member = sessionCaller(await signIn(portico, user.email, user.password));
    const results = (await bulk(member, { action: 'verify', domainIds: [mine, elsewhere] }).expect(200)).body.results as Result[];
    // Its own project's domain: refused for its role (verifying needs an admin); the other project's: not found.
    expect(results.map((r) => [r.id, r.code])).toEqual([
      [mine, 'FORBIDDEN'],
      [elsewhere, 'NOT_FOUND'],
    ]);
  });

  it('refuses bad bodies as a whole: over 100 ids, no ids, an unknown action, ids that are not uuids', async () => {
    const bodies: object[] = [
      { action: 'verify', domainIds: Array.from({ length: 101 }, () => randomUUID()) },
      { action: 'verify', domainIds: [] },
      { action: 'archive', domainIds: [randomUUID()] },
      { action: 'delete', domainIds: ['not-a-uuid'] },
      { action: 'delete' },
    ];
    for (const body of bodies) {
      const res = await bulk(owner, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const hundred = await bulk(owner, { action: 'verify', domainIds: Array.from({ length: 100 }, () => randomUUID()) });
    expect(hundred.status).toBe(200);
    expect((hundred.body.results as Result[]).every((r) => r.code === 'NOT_FOUND')).toBe(true);
  });
});
