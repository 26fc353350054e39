import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVerifiedDomain, createMember, createOrganizationWithUser, createProject, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// Project domain assignment in one request:
// existing organization domains are assigned, new hostnames created pending, already assigned ones reported;
// all in one transaction.
const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));

interface DomainView {
  id: string;
  hostname: string;
  status: string;
  projectIds: string[];
  instructions: Array<{ name: string; type: string; value: string }>;
}
interface AssignResult {
  assigned: DomainView[];
  created: DomainView[];
  alreadyAssigned: DomainView[];
}

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
const hostnames = (rows: Array<{ hostname: string }>) => rows.map((r) => r.hostname);

describe('project domain assignment', () => {
  let portico: TestPortico;
  let owner: Caller;
  let org: string;
  let projectP: string;
  let projectQ: string;
  let n = 0;
  const fresh = (label = 'd') => `${label}${++n}.assign.example.com`;

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted' }, plugins: [{ package: SCRIPTED }] });
    const tenant = await createOrganizationWithUser(portico, { role: 'owner' });
    ({ organizationId: org, projectId: projectP } = tenant);
    owner = sessionCaller(await signIn(portico, tenant.email, tenant.password));
    ({ projectId: projectQ } = await createProject(portico, org, 'second'));
  });
  afterAll(async () => portico?.stop());

  const assign = (projectId: string, body: { hostnames: string[]; method?: string }, as: Caller = owner) => as.post(`/v1/projects/${projectId}/domains`, body);
  const assignOk = async (projectId: string, names: string[]) => {
    const res = await assign(projectId, { hostnames: names });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as AssignResult;
  };
  const add = async (hostname: string, projectId: string | null = null) =>
    (await owner.post(`/v1/organizations/${org}/domains`, { hostname, projectId }).expect(201)).body as DomainView;
  const verified = (hostname: string, projectId: string | null = null) => addVerifiedDomain(owner, org, hostname, projectId);
  const orgDomains = async () => (await owner.get(`/v1/organizations/${org}/domains?limit=200`).expect(200)).body as { data: DomainView[]; total: number };
  const projectDomains = async (projectId: string) => (await owner.get(`/v1/projects/${projectId}/domains`).expect(200)).body.data as DomainView[];
  const domain = async (id: string) => (await owner.get(`/v1/domains/${id}`).expect(200)).body as DomainView;

  /** Everything a failed batch must leave as it was: the organization's domains and every project's assignments. */
  const snapshot = async () => ({
    org: (await orgDomains()).data.map((d) => `${d.hostname}:${d.status}:${d.projectIds.join('+')}`).sort(),
    P: ids(await projectDomains(projectP)),
    Q: ids(await projectDomains(projectQ)),
  });

  it('assigns existing domains, creates new ones pending with instructions, reports those already assigned; duplicates and case variants collapse', async () => {
    const existing = await verified(fresh('verified'));
    const already = await add(fresh('already'), projectP);
    const brandNew = fresh('new');

    const result = await assignOk(projectP, [existing.hostname.toUpperCase(), brandNew.replace('new', 'NEW'), `${brandNew}.`, already.hostname, existing.hostname, ` ${brandNew} `]);
    expect(ids(result.assigned)).toEqual([existing.id]);
    expect(result.assigned[0]).toMatchObject({ status: 'verified', projectIds: [projectP] });
    expect(ids(result.alreadyAssigned)).toEqual([already.id]);
    expect(result.created).toHaveLength(1);
    const created = result.created[0];
    expect(created).toMatchObject({ hostname: brandNew, status: 'pending', projectIds: [projectP] });
    expect(created.instructions).toEqual([{ name: `_s.${brandNew}`, type: 'TXT', value: expect.any(String) }]);

    // Listed in the organization at once, pending, with its project.
    const listed = (await orgDomains()).data.find((d) => d.id === created.id);
    expect(listed).toMatchObject({ hostname: brandNew, status: 'pending', projectIds: [projectP] });
    expect(hostnames(await projectDomains(projectP))).toEqual([already.hostname, brandNew, existing.hostname].sort());
    expect(await projectDomains(projectQ)).toEqual([]);

    // The same request again changes nothing: all of it is already assigned, which is reported, not an error.
    const again = await assignOk(projectP, [existing.hostname, brandNew, already.hostname]);
    expect(again.assigned).toEqual([]);
    expect(again.created).toEqual([]);
    expect(ids(again.alreadyAssigned).sort()).toEqual([existing.id, created.id, already.id].sort());
    expect((await orgDomains()).data.filter((d) => d.hostname === brandNew)).toHaveLength(1);
  });

  it('creates nothing and assigns nothing when one hostname of the batch is invalid (400 HOSTNAME_INVALID)', async () => {
    const existing = await verified(fresh('verified'));
    const before = await snapshot();
    for (const bad of ['bad_host.example.com', 'https://x.example.com/', 'localhost', '']) {
      const res = await assign(projectP, { hostnames: [existing.hostname, fresh('new'), bad, fresh('new')] });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe(bad === '' ? 'VALIDATION_FAILED' : 'HOSTNAME_INVALID');
      expect(await snapshot(), bad).toEqual(before);
    }
    expect((await domain(existing.id)).projectIds).toEqual([]);
  });

  it('rolls the whole batch back when an entry fails half-way (unknown method, a role refusal)', async () => {
    const existing = await verified(fresh('verified'));
    const unassigned = await add(fresh('pending'));
    const before = await snapshot();

    // (Another organization's claim on a hostname is no failure: claims.test.ts.)
    const methodRes = await assign(projectP, { hostnames: [existing.hostname, fresh('new'), fresh('new')], method: 'no-such-method' });
    expect(methodRes.status).toBe(400);
    expect(methodRes.body.error.code).toBe('VERIFY_METHOD_UNKNOWN');
    expect(await snapshot()).toEqual(before);

    // The project admin's batch with an unverified domain last: refused, and the earlier entries are undone.
    const projectAdmin = await createMember(portico, org, { role: 'project_admin', projectId: projectP });
    const asProjectAdmin = sessionCaller(await signIn(portico, projectAdmin.email, projectAdmin.password));
    const forbidden = await assign(projectP, { hostnames: [fresh('new'), existing.hostname, unassigned.hostname] }, asProjectAdmin);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'admin', hostname: unassigned.hostname } });
    expect(await snapshot()).toEqual(before);
    expect((await domain(existing.id)).projectIds).toEqual([]);
  });

  it('counts the new hostnames of a batch against the quota: over it, nothing is created (409 DOMAIN_QUOTA_EXCEEDED)', async () => {
    const existing = await verified(fresh('verified'));
    const used = (await orgDomains()).total;
    await owner.patch(`/v1/organizations/${org}/settings`, { maxDomains: used + 2 }).expect(200);
    const before = await snapshot();

    const over = await assign(projectP, { hostnames: [existing.hostname, fresh('new'), fresh('new'), fresh('new')] });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('DOMAIN_QUOTA_EXCEEDED');
    expect(over.body.error.details).toEqual({ used, limit: used + 2 });
    expect(await snapshot()).toEqual(before);

    // Existing domains do not count; two new ones fill the quota exactly.
    const fits = await assignOk(projectP, [existing.hostname, fresh('new'), fresh('new')]);
    expect([fits.assigned.length, fits.created.length]).toEqual([1, 2]);
    expect((await orgDomains()).total).toBe(used + 2);
    const full = await assign(projectQ, { hostnames: [existing.hostname, fresh('new')] });
    expect(full.status).toBe(409);
    expect(full.body.error.details).toEqual({ used: used + 2, limit: used + 2 });
    expect((await domain(existing.id)).projectIds).toEqual([projectP]);
    await owner.patch(`/v1/organizations/${org}/settings`, { maxDomains: 1000 }).expect(200);
  });

  it('lists a project’s domains and unassigns one; the domain stays in the organization', async () => {
    const a = await add(fresh('unassign'), projectP);
    const b = await verified(fresh('unassign'), projectP);
    expect(ids(await projectDomains(projectP))).toEqual(expect.arrayContaining([a.id, b.id]));

    const res = await owner.delete(`/v1/projects/${projectP}/domains/${a.id}`);
    expect(res.status).toBe(204);
    expect(ids(await projectDomains(projectP))).not.toContain(a.id);
    expect(ids(await projectDomains(projectP))).toContain(b.id);
    expect(await domain(a.id)).toMatchObject({ status: 'pending', projectIds: [] });
    expect((await orgDomains()).data.find((d) => d.id === a.id)).toMatchObject({ projectIds: [] });
    expect((await owner.get(`/v1/domains/${a.id}/usage`).expect(200)).body).toEqual({ count: 0, projects: [], services: 0 });

    // Not (or no longer) assigned there, unknown, or not a uuid.
    for (const [path, status] of [
      [`/v1/projects/${projectP}/domains/${a.id}`, 404],
      [`/v1/projects/${projectQ}/domains/${b.id}`, 404],
      [`/v1/projects/${projectP}/domains/${randomUUID()}`, 404],
      [`/v1/projects/${randomUUID()}/domains/${b.id}`, 404],
      [`/v1/projects/${projectP}/domains/nope`, 400],
    ] as const) {
      expect((await owner.delete(path)).status, path).toBe(status);
    }
    expect(ids(await projectDomains(projectP))).toContain(b.id);

    // Assigned again, it comes back.
    expect(ids((await assignOk(projectP, [a.hostname])).assigned)).toEqual([a.id]);
  });

  it('shows a domain assigned to two projects in both, in projectIds and in usage', async () => {
    const shared = await verified(fresh('shared'), projectP);
    await assignOk(projectQ, [shared.hostname]);
    expect((await domain(shared.id)).projectIds).toEqual([projectP, projectQ]);
    expect((await orgDomains()).data.find((d) => d.id === shared.id)!.projectIds).toEqual([projectP, projectQ]);
    for (const projectId of [projectP, projectQ]) {
      const row = (await projectDomains(projectId)).find((d) => d.id === shared.id);
      expect(row?.projectIds, projectId).toEqual([projectP, projectQ]);
    }
    const usage = (await owner.get(`/v1/domains/${shared.id}/usage`).expect(200)).body;
    expect(usage.count).toBe(2);
    expect(usage.projects.map((p: { id: string }) => p.id).sort()).toEqual([projectP, projectQ].sort());

    await owner.delete(`/v1/projects/${projectP}/domains/${shared.id}`).expect(204);
    expect((await domain(shared.id)).projectIds).toEqual([projectQ]);
    expect((await owner.get(`/v1/domains/${shared.id}/usage`).expect(200)).body).toMatchObject({ count: 1, projects: [{ id: projectQ }] });
  });

  it('answers 404 for another organization’s project and 400 for a malformed request', async () => {
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    const before = await snapshot();
    for (const res of [
      await assign(other.projectId, { hostnames: [fresh('cross')] }),
      await owner.get(`/v1/projects/${other.projectId}/domains`),
      await owner.get(`/v1/projects/${randomUUID()}/domains`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    for (const body of [{ hostnames: [] }, { hostnames: Array.from({ length: 51 }, () => fresh('many')) }, {}, { hostnames: 'x.example.com' }, { hostnames: [fresh('m')], method: 'Not A Method' }]) {
      const res = await assign(projectP, body as { hostnames: string[] });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await snapshot()).toEqual(before);
  });
});
