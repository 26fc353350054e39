import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createProject, sessionCaller } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';
import { routingTenant } from './routing-fixtures.ts';

// The domain list tells, per row, how many projects and services use each domain (counted for the whole page in
// one grouped query), as far as the caller can see them.
interface Row {
  id: string;
  hostname: string;
  projectIds: string[];
  usage: { projects: number; services: number };
}

describe('domain list: usage counts', () => {
  let portico: TestPortico;
  let tenant: Awaited<ReturnType<typeof routingTenant>>;
  let organizationId: string;

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    tenant = await routingTenant(portico);
    organizationId = (await tenant.caller.get(`/v1/projects/${tenant.projectId}`).expect(200)).body.organizationId;
  });
  afterAll(async () => portico?.stop());

  const list = async (caller = tenant.caller, query = 'limit=200') => {
    const rows = (await caller.get(`/v1/organizations/${organizationId}/domains?${query}`).expect(200)).body.data as Row[];
    return Object.fromEntries(rows.map((r) => [r.hostname, r.usage]));
  };

  it('counts projects and distinct services per domain; unused domains show zeros', async () => {
    const { caller, projectId, verifiedDomain, map } = tenant;
    const shared = await verifiedDomain('shared.usage-list.example.com');
    const single = await verifiedDomain('single.usage-list.example.com');
    await verifiedDomain('idle.usage-list.example.com');
    const api = (await caller.post(`/v1/projects/${projectId}/services`, { name: 'api', upstreamHost: 'api.internal', upstreamPort: 8080 }).expect(201)).body.id as string;
    await map(shared, null);
    await map(shared, 'www'); // the same service twice counts once
    await map(shared, 'api', api);
    await map(single, 'shop');
    const { projectId: second } = await createProject(portico, organizationId, 'usage-second');
    await caller.post(`/v1/projects/${second}/domains`, { hostnames: ['shared.usage-list.example.com'] }).expect(200);

    expect(await list()).toEqual({
      'shared.usage-list.example.com': { projects: 2, services: 2 },
      'single.usage-list.example.com': { projects: 1, services: 1 },
      'idle.usage-list.example.com': { projects: 1, services: 0 },
    });
    // A page counts only its own rows, the same way.
    expect(await list(caller, 'limit=1&sort=hostname')).toEqual({ 'idle.usage-list.example.com': { projects: 1, services: 0 } });
  });

  it('counts only what a project-bound member can see', async () => {
    const { projectId: second } = await createProject(portico, organizationId, 'usage-member-only');
    const user = await createMember(portico, organizationId, { role: 'project_member', projectId: second });
    const member = sessionCaller(await signIn(portico, user.email, user.password));
    await tenant.caller.post(`/v1/projects/${second}/domains`, { hostnames: ['shared.usage-list.example.com'] }).expect(200);
    // It sees the shared domain through its own project only: one project, none of the other project's services.
    expect(await list(member)).toEqual({ 'shared.usage-list.example.com': { projects: 1, services: 0 } });
  });
});
