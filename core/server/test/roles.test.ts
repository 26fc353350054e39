import { fileURLToPath } from 'node:url';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVerifiedDomain, createApiKey, createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// Who may do what with domains, over HTTP. P is the project the project roles and the
// project-bound key belong to; Q is another project of the same organization. An organization API key acts as
// an admin, a project-bound key as the project admin of its project.
//
// Outcomes: a status alone is success (or NOT_FOUND for 404); `403:<role>` is FORBIDDEN with
// details.requiredRole; `409:<CODE>` is that error code. Each cell runs from a fresh starting state and then
// checks the effect (made when allowed, nothing changed when refused). Lists: organization roles and the
// organization key see every domain; P's roles and P's key see P's domains only (`reading lists` below).
const RULES = `
  action                                      | owner             | admin     | project_admin | project_member    | org key   | project key
  --------------------------------------------|-------------------|-----------|---------------|-------------------|-----------|------------
  add domain, organization level              | 201               | 201       | 404           | 404               | 201       | 404
  add domain into P                           | 201               | 201       | 201           | 403:project_admin | 201       | 201
  add domain into Q                           | 201               | 201       | 404           | 404               | 201       | 404
  add new hostname through P's assignment     | 200               | 200       | 200           | 403:project_admin | 200       | 200
  add new hostname through Q's assignment     | 200               | 200       | 404           | 404               | 200       | 404
  verify now, domain of P                     | 202               | 202       | 403:admin     | 403:admin         | 202       | 403:admin
  verify now, organization-level domain       | 202               | 202       | 404           | 404               | 202       | 404
  assign verified domain to P                 | 200               | 200       | 200           | 403:project_admin | 200       | 200
  assign verified domain to Q                 | 200               | 200       | 404           | 404               | 200       | 404
  assign unverified domain to P               | 200               | 200       | 403:admin     | 403:project_admin | 200       | 403:admin
  unassign domain from P                      | 204               | 204       | 204           | 403:project_admin | 204       | 204
  unassign domain from Q                      | 204               | 204       | 404           | 404               | 204       | 404
  delete unused domain                        | 200               | 200       | 404           | 404               | 200       | 404
  delete domain in use by P                   | 409:DOMAIN_IN_USE | 403:owner | 403:admin     | 403:admin         | 403:owner | 403:admin
  delete domain in use by P, confirm=hostname | 200               | 403:owner | 403:admin     | 403:admin         | 403:owner | 403:admin
  read domain of P                            | 200               | 200       | 200           | 200               | 200       | 200
  read domain of Q                            | 200               | 200       | 404           | 404               | 200       | 404
  read organization-level domain              | 200               | 200       | 404           | 404               | 200       | 404
  read events of domain of P                  | 200               | 200       | 200           | 200               | 200       | 200
  read usage of domain of P                   | 200               | 200       | 200           | 200               | 200       | 200
  read P's domains                            | 200               | 200       | 200           | 200               | 200       | 200
  read Q's domains                            | 200               | 200       | 404           | 404               | 200       | 404
`;

const ACTORS = ['owner', 'admin', 'project_admin', 'project_member', 'org key', 'project key'] as const;
type Actor = (typeof ACTORS)[number];

/** The table above as { action → { actor → outcome } }. */
function parseRules(text: string): Map<string, Record<Actor, string>> {
  const rows = text
    .trim()
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()));
  const [header, , ...body] = rows;
  if (header.slice(1).join() !== ACTORS.join()) throw new Error(`RULES columns must be: ${ACTORS.join(', ')}`);
  return new Map(body.map(([action, ...cells]) => [action, Object.fromEntries(ACTORS.map((a, i) => [a, cells[i]])) as Record<Actor, string>]));
}

const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));
const SUCCESS = new Set(['200', '201', '202', '204']);

interface DomainView {
  id: string;
  hostname: string;
  status: string;
  projectIds: string[];
}

describe('domain roles: who may add, assign, verify, delete and read domains', () => {
  let portico: TestPortico;
  let org: string;
  let P: string;
  let Q: string;
  let owner: Caller;
  const callers = {} as Record<Actor, Caller>;
  let n = 0;
  const fresh = (label: string) => `${label.replace(/[^a-z]/g, '').slice(0, 20)}${++n}.roles.example.com`;

  /** The state an action starts from, made by the owner; `hostname` names what the action adds, when it adds. */
  interface Fixture {
    domain?: DomainView;
    hostname?: string;
  }
  interface Action {
    setup?: () => Promise<Fixture>;
    run: (as: Caller, f: Fixture) => Promise<Response>;
    /** What must be true afterwards, by the owner's view: the change made when allowed, nothing changed when refused. */
    after?: (f: Fixture, allowed: boolean) => Promise<void>;
  }

  const add = async (hostname: string, projectId: string | null = null) =>
    (await owner.post(`/v1/organizations/${org}/domains`, { hostname, projectId }).expect(201)).body as DomainView;
  const verified = (hostname: string, projectId: string | null = null) => addVerifiedDomain(owner, org, hostname, projectId);
  const read = async (id: string) => owner.get(`/v1/domains/${id}`);
  const byHostname = async (hostname: string) =>
    ((await owner.get(`/v1/organizations/${org}/domains?limit=5&q=${encodeURIComponent(hostname)}`).expect(200)).body.data as DomainView[]).find((d) => d.hostname === hostname);

  /** Added (with the project when given) exactly when allowed. */
  const addedWhenAllowed = (project: () => string | null) => async (f: Fixture, allowed: boolean) => {
    const found = await byHostname(f.hostname!);
    if (!allowed) return expect(found).toBeUndefined();
    expect(found?.projectIds).toEqual(project() ? [project()] : []);
  };
  /** The fixture domain is assigned to `projectId` exactly when `expectAssigned(allowed)`. */
  const assignedWhen = (project: () => string, expectAssigned: (allowed: boolean) => boolean) => async (f: Fixture, allowed: boolean) => {
    const now = (await read(f.domain!.id)).body as DomainView;
    expect(now.projectIds.includes(project())).toBe(expectAssigned(allowed));
  };
  const deletedWhenAllowed = async (f: Fixture, allowed: boolean) => {
    const res = await read(f.domain!.id);
    expect(res.status).toBe(allowed ? 404 : 200);
    if (!allowed) expect(res.body.projectIds).toEqual(f.domain!.projectIds);
  };
  const checkedWhenAllowed = async (f: Fixture, allowed: boolean) => {
    const events = (await owner.get(`/v1/domains/${f.domain!.id}/events`).expect(200)).body.data as Array<{ reason: string }>;
    expect(events.some((e) => e.reason === 'verification_requested')).toBe(allowed);
  };

  const ACTIONS: Record<string, Action> = {
    'add domain, organization level': {
      setup: async () => ({ hostname: fresh('org') }),
      run: (as, f) => as.post(`/v1/organizations/${org}/domains`, { hostname: f.hostname }),
      after: addedWhenAllowed(() => null),
    },
    'add domain into P': {
      setup: async () => ({ hostname: fresh('intop') }),
      run: (as, f) => as.post(`/v1/organizations/${org}/domains`, { hostname: f.hostname, projectId: P }),
      after: addedWhenAllowed(() => P),
    },
    'add domain into Q': {
      setup: async () => ({ hostname: fresh('intoq') }),
      run: (as, f) => as.post(`/v1/organizations/${org}/domains`, { hostname: f.hostname, projectId: Q }),
      after: addedWhenAllowed(() => Q),
    },
    "add new hostname through P's assignment": {
      setup: async () => ({ hostname: fresh('assignp') }),
      run: (as, f) => as.post(`/v1/projects/${P}/domains`, { hostnames: [f.hostname] }),
      after: addedWhenAllowed(() => P),
    },
    "add new hostname through Q's assignment": {
      setup: async () => ({ hostname: fresh('assignq') }),
      run: (as, f) => as.post(`/v1/projects/${Q}/domains`, { hostnames: [f.hostname] }),
      after: addedWhenAllowed(() => Q),
    },
    'verify now, domain of P': {
      setup: async () => ({ domain: await add(fresh('verifyp'), P) }),
      run: (as, f) => as.post(`/v1/domains/${f.domain!.id}/verify`),
      after: checkedWhenAllowed,
    },
    'verify now, organization-level domain': {
      setup: async () => ({ domain: await add(fresh('verifyorg')) }),
      run: (as, f) => as.post(`/v1/domains/${f.domain!.id}/verify`),
      after: checkedWhenAllowed,
    },
    'assign verified domain to P': {
      setup: async () => ({ domain: await verified(fresh('verifiedp')) }),
      run: (as, f) => as.post(`/v1/projects/${P}/domains`, { hostnames: [f.domain!.hostname] }),
      after: assignedWhen(() => P, (allowed) => allowed),
    },
    'assign verified domain to Q': {
      setup: async () => ({ domain: await verified(fresh('verifiedq')) }),
      run: (as, f) => as.post(`/v1/projects/${Q}/domains`, { hostnames: [f.domain!.hostname] }),
      after: assignedWhen(() => Q, (allowed) => allowed),
    },
    'assign unverified domain to P': {
      setup: async () => ({ domain: await add(fresh('unverifiedp')) }),
      run: (as, f) => as.post(`/v1/projects/${P}/domains`, { hostnames: [f.domain!.hostname] }),
      after: assignedWhen(() => P, (allowed) => allowed),
    },
    'unassign domain from P': {
      setup: async () => ({ domain: await add(fresh('unassignp'), P) }),
      run: (as, f) => as.delete(`/v1/projects/${P}/domains/${f.domain!.id}`),
      after: assignedWhen(() => P, (allowed) => !allowed),
    },
    'unassign domain from Q': {
      setup: async () => ({ domain: await add(fresh('unassignq'), Q) }),
      run: (as, f) => as.delete(`/v1/projects/${Q}/domains/${f.domain!.id}`),
      after: assignedWhen(() => Q, (allowed) => !allowed),
    },
    'delete unused domain': {
      setup: async () => ({ domain: await add(fresh('unused')) }),
      run: (as, f) => as.delete(`/v1/domains/${f.domain!.id}`),
      after: deletedWhenAllowed,
    },
    'delete domain in use by P': {
      setup: async () => ({ domain: await add(fresh('inuse'), P) }),
      run: (as, f) => as.delete(`/v1/domains/${f.domain!.id}`),
      after: deletedWhenAllowed,
    },
    'delete domain in use by P, confirm=hostname': {
      setup: async () => ({ domain: await add(fresh('inuseconfirm'), P) }),
      run: (as, f) => as.delete(`/v1/domains/${f.domain!.id}?confirm=${f.domain!.hostname}`),
      after: deletedWhenAllowed,
    },
    'read domain of P': { setup: async () => ({ domain: await add(fresh('readp'), P) }), run: (as, f) => as.get(`/v1/domains/${f.domain!.id}`) },
    'read domain of Q': { setup: async () => ({ domain: await add(fresh('readq'), Q) }), run: (as, f) => as.get(`/v1/domains/${f.domain!.id}`) },
    'read organization-level domain': { setup: async () => ({ domain: await add(fresh('readorg')) }), run: (as, f) => as.get(`/v1/domains/${f.domain!.id}`) },
    'read events of domain of P': { setup: async () => ({ domain: await add(fresh('eventsp'), P) }), run: (as, f) => as.get(`/v1/domains/${f.domain!.id}/events`) },
    'read usage of domain of P': { setup: async () => ({ domain: await add(fresh('usagep'), P) }), run: (as, f) => as.get(`/v1/domains/${f.domain!.id}/usage`) },
    "read P's domains": { run: (as) => as.get(`/v1/projects/${P}/domains`) },
    "read Q's domains": { run: (as) => as.get(`/v1/projects/${Q}/domains`) },
  };

  const rules = parseRules(RULES);
  const fixtures = new Map<string, Fixture>();

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted' }, plugins: [{ package: SCRIPTED }] });
    const tenant = await createOrganizationWithUser(portico, { role: 'owner' });
    ({ organizationId: org, projectId: P } = tenant);
    ({ projectId: Q } = await createProject(portico, org, 'q-project'));
    owner = sessionCaller(await signIn(portico, tenant.email, tenant.password));
    await owner.patch(`/v1/organizations/${org}/settings`, { maxDomains: 1000, maxConcurrentVerifications: 50 }).expect(200);
    callers.owner = owner;
    for (const role of ['admin', 'project_admin', 'project_member'] as const) {
      const user = await createMember(portico, org, { role, projectId: P });
      callers[role] = sessionCaller(await signIn(portico, user.email, user.password));
    }
    callers['org key'] = keyCaller(portico, await createApiKey(owner, org));
    callers['project key'] = keyCaller(portico, await createApiKey(owner, org, P));

    // One fresh starting state per (action, actor), made up front (verifications run in parallel).
    await Promise.all(
      [...rules.keys()].flatMap((action) => ACTORS.map(async (actor) => fixtures.set(`${action}/${actor}`, (await ACTIONS[action].setup?.()) ?? {}))),
    );
  });
  afterAll(async () => portico?.stop());

  it('has an implementation for every rule and a rule for every implementation', () => {
    expect([...rules.keys()].sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  for (const [action, outcomes] of rules) {
    describe(action, () => {
      for (const actor of ACTORS) {
        const outcome = outcomes[actor];
        it(`${actor}: ${outcome}`, async () => {
          const fixture = fixtures.get(`${action}/${actor}`)!;
          const res = await ACTIONS[action].run(callers[actor], fixture);
          const [status, detail] = outcome.split(':');
          expect(res.status, JSON.stringify(res.body)).toBe(Number(status));
          if (status === '404') expect(res.body.error.code).toBe('NOT_FOUND');
          if (status === '403') expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: detail } });
          if (status === '409') expect(res.body.error.code).toBe(detail);
          // Refusals over a domain in use say which projects use it.
          if (outcome === '403:owner' || status === '409') expect(res.body.error.details.usage).toEqual({ count: 1, projects: [expect.objectContaining({ id: P })] });
          await ACTIONS[action].after?.(fixture, SUCCESS.has(status));
        });
      }
    });
  }

  describe('reading lists', () => {
    let inP: DomainView;
    let inQ: DomainView;
    let orgLevel: DomainView;
    let inBoth: DomainView;

    beforeAll(async () => {
      inP = await add(fresh('listp'), P);
      inQ = await add(fresh('listq'), Q);
      orgLevel = await add(fresh('listorg'));
      inBoth = await verified(fresh('listboth'), P);
      await owner.post(`/v1/projects/${Q}/domains`, { hostnames: [inBoth.hostname] }).expect(200);
    });

    const listAll = async (as: Caller) => {
      const res = await as.get(`/v1/organizations/${org}/domains?limit=200`);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(res.body.data.length);
      return res.body.data as DomainView[];
    };

    for (const actor of ACTORS) {
      const projectScoped = actor.startsWith('project');
      it(`${actor} sees ${projectScoped ? "P's domains only" : 'every domain of the organization'}`, async () => {
        const everything = await listAll(owner);
        const seen = await listAll(callers[actor]);
        const expected = projectScoped ? everything.filter((d) => d.projectIds.includes(P)) : everything;
        expect(seen.map((d) => d.id).sort()).toEqual(expected.map((d) => d.id).sort());
        const ids = new Set(seen.map((d) => d.id));
        expect([inP, inQ, orgLevel, inBoth].map((d) => ids.has(d.id))).toEqual([true, !projectScoped, !projectScoped, true]);

        // Filtering and search stay inside the caller's scope.
        const pending = (await callers[actor].get(`/v1/organizations/${org}/domains?limit=200&status=pending&q=list`).expect(200)).body.data as DomainView[];
        expect(pending.map((d) => d.id).sort()).toEqual((projectScoped ? [inP] : [inP, inQ, orgLevel]).map((d) => d.id).sort());

        // A domain shared by P and Q: a project role does not learn about Q through it.
        const visibleProjects = projectScoped ? [P] : [P, Q];
        expect(seen.find((d) => d.id === inBoth.id)!.projectIds).toEqual(visibleProjects);
        expect((await callers[actor].get(`/v1/domains/${inBoth.id}`).expect(200)).body.projectIds).toEqual(visibleProjects);
        const inProject = (await callers[actor].get(`/v1/projects/${P}/domains`).expect(200)).body.data as DomainView[];
        expect(inProject.find((d) => d.id === inBoth.id)!.projectIds).toEqual(visibleProjects);
        const usage = (await callers[actor].get(`/v1/domains/${inBoth.id}/usage`).expect(200)).body;
        expect(usage.projects.map((p: { id: string }) => p.id)).toEqual(visibleProjects);
        expect(usage.count).toBe(visibleProjects.length);
      });
    }
  });
});
