import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Certificate } from '../src/modules/certificates/entity.ts';
import { CertificateOrder } from '../src/modules/certificates/order.entity.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { dayOf } from '../src/modules/usage/counts.ts';
import { UsageDaily } from '../src/modules/usage/entity.ts';
import { addVerifiedDomain, createApiKey, createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller, startPlansPortico } from './factories.ts';
import { signIn, type TestPortico } from './helpers.ts';


// GET /v1/usage: what an organization (or one project) holds beside its limits, what happened this month
// (certificates, checks, webhook deliveries) and the daily history the snapshot job writes, idempotently per day.
describe('usage', () => {
  let portico: TestPortico;

  beforeAll(async () => {
    portico = await startPlansPortico({ zone: 'usage.test', token: 'usage-token', plans: { list: [{ id: 'team', name: 'Team', limits: { domains: 20, projects: 5, mappingsPerProject: 30, apiKeys: 8, members: 6, webhookEndpoints: 4, certificatesPerMonth: 100, checksPerDay: 1000 } }] } });
  });
  afterAll(async () => portico?.stop());

  const em = () => portico.container.cradle.orm.em.fork();

  /** An organization with a known set of resources in two projects. */
  async function furnished() {
    const org = await createOrganizationWithUser(portico, { role: 'owner' });
    const owner = sessionCaller(await signIn(portico, org.email, org.password));
    const tag = org.organizationId.slice(0, 8);
    const { projectId: other } = await createProject(portico, org.organizationId);
    const verified = await addVerifiedDomain(owner, org.organizationId, `live-${tag}.usage.test`, org.projectId);
    await owner.post(`/v1/organizations/${org.organizationId}/domains`, { hostname: `pending-${tag}.usage.test`, projectId: org.projectId }).expect(201);
    await owner.post(`/v1/organizations/${org.organizationId}/domains`, { hostname: `loose-${tag}.usage.test` }).expect(201);
    const service = (await owner.post(`/v1/projects/${org.projectId}/services`, { name: 'app', upstreamHost: 'app.internal', upstreamPort: 8080 }).expect(201)).body;
    await owner.post(`/v1/projects/${org.projectId}/mappings`, { serviceId: service.id, domainId: verified.id }).expect(201);
    await owner.post(`/v1/projects/${org.projectId}/mappings`, { serviceId: service.id, domainId: verified.id, subdomain: 'www' }).expect(201);
    await createApiKey(owner, org.organizationId);
    const projectKey = await createApiKey(owner, org.organizationId, org.projectId);
    const revoked = (await owner.post(`/v1/organizations/${org.organizationId}/api-keys`, { name: 'gone', scopes: ['domains:read'] }).expect(201)).body;
    await owner.post(`/v1/organizations/${org.organizationId}/api-keys/${revoked.id}/revoke`).expect(200);
    const admin = await createMember(portico, org.organizationId, { role: 'admin' });
    await createMember(portico, org.organizationId, { role: 'project_member', projectId: org.projectId });
    const endpoint = (await owner.post(`/v1/organizations/${org.organizationId}/webhooks`, { url: 'http://127.0.0.1:9/hook', projectId: org.projectId }).expect(201)).body;
    return { ...org, owner, other, verified, projectKey, admin, endpointId: endpoint.id as string, tag };
  }

  it('reports what the organization holds beside the limits in force', async () => {
    const org = await furnished();
    const res = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}`).expect(200);
    expect(res.body).toMatchObject({ organizationId: org.organizationId, projectId: null, planId: 'team' });
    expect(res.body.resources).toEqual({
      // The organization setting (50 by default) is above the plan's 20: the plan binds.
      domains: { usage: 3, limit: 20, planLimit: 20 },
      verifiedDomains: { usage: 1, limit: null, planLimit: null },
      projects: { usage: 2, limit: 5, planLimit: 5 },
      mappings: { usage: 2, limit: null, planLimit: null },
      apiKeys: { usage: 2, limit: 8, planLimit: 8 },
      members: { usage: 3, limit: 6, planLimit: 6 },
      webhookEndpoints: { usage: 1, limit: 4, planLimit: 4 },
    });
    // Verifying the domain ran at least one check today.
    expect(res.body.period.checksToday.usage).toBeGreaterThanOrEqual(1);
    expect(res.body.period.checksToday.limit).toBe(1000);
    expect(res.body.period.checksThisMonth).toBe(res.body.period.checksToday.usage);
    expect(res.body.period.certificatesIssued).toEqual({ usage: 0, limit: 100, planLimit: 100 });

    // Lowering the organization setting below the plan makes it the limit in force.
    await org.owner.patch(`/v1/organizations/${org.organizationId}/settings`, { maxDomains: 4 }).expect(200);
    expect((await org.owner.get(`/v1/usage?organizationId=${org.organizationId}`).expect(200)).body.resources.domains).toEqual({ usage: 3, limit: 4, planLimit: 20 });
    // Archived domains leave the count.
    const db = em();
    await db.nativeUpdate(Domain, { hostname: `loose-${org.tag}.usage.test` }, { status: 'archived', archivedAt: new Date() });
    expect((await org.owner.get(`/v1/usage?organizationId=${org.organizationId}`).expect(200)).body.resources.domains.usage).toBe(2);
  });

  it('counts certificates issued this month and webhooks delivered from their own tables', async () => {
    const org = await furnished();
    const db = em();
    const hostname = `live-${org.tag}.usage.test`;
    db.create(Certificate, { domain: db.getReference(Domain, org.verified.id), hostname, source: 'cert.acme' });
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) - 86_400_000);
    db.create(CertificateOrder, { hostname, registeredDomain: 'usage.test', outcome: 'issued' });
    db.create(CertificateOrder, { hostname, registeredDomain: 'usage.test', outcome: 'failed' });
    db.create(CertificateOrder, { hostname, registeredDomain: 'usage.test', outcome: 'issued', createdAt: lastMonth });
    // Another organization's order for a hostname it does not hold is not counted.
    db.create(CertificateOrder, { hostname: `other-${org.tag}.usage.test`, registeredDomain: 'usage.test', outcome: 'issued' });
    await db.flush();

    const insertDelivery = (status: string, deliveredAt: Date | null) =>
      db.getConnection().execute(
        `insert into webhook_deliveries (id, created_at, endpoint_id, organization_id, event_id, event_type, occurred_at, payload, status, delivered_at)
         values (?, now(), ?, ?, ?, 'domain.verified', now(), '{}'::jsonb, ?, ?)`,
        [randomUUID(), org.endpointId, org.organizationId, randomUUID(), status, deliveredAt],
      );
    await insertDelivery('delivered', new Date());
    await insertDelivery('delivered', new Date());
    await insertDelivery('failed', null);
    await insertDelivery('pending', null);

    const res = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}`).expect(200);
    expect(res.body.period.certificatesIssued.usage).toBe(1);
    expect(res.body.period.webhooksDeliveredToday).toBe(2);
    expect(res.body.period.webhooksDeliveredThisMonth).toBe(2);
    const project = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}&projectId=${org.projectId}`).expect(200);
    expect([project.body.period.certificatesIssued.usage, project.body.period.webhooksDeliveredToday]).toEqual([1, 2]);
    const other = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}&projectId=${org.other}`).expect(200);
    expect([other.body.period.certificatesIssued.usage, other.body.period.webhooksDeliveredToday]).toEqual([0, 0]);
  });

  it('reports one project, with the per-project mapping limit, to those who may see it', async () => {
    const org = await furnished();
    const res = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}&projectId=${org.projectId}`).expect(200);
    expect(res.body.projectId).toBe(org.projectId);
    expect(res.body.resources).toMatchObject({
      domains: { usage: 2 },
      verifiedDomains: { usage: 1 },
      mappings: { usage: 2, limit: 30, planLimit: 30 },
      apiKeys: { usage: 1 },
      webhookEndpoints: { usage: 1 },
    });
    const empty = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}&projectId=${org.other}`).expect(200);
    expect(empty.body.resources).toMatchObject({ domains: { usage: 0 }, mappings: { usage: 0, limit: 30 }, apiKeys: { usage: 0 } });

    // A key bound to the project reads that project, not the organization nor the other project.
    const asProjectKey = keyCaller(portico, org.projectKey);
    expect((await asProjectKey.get(`/v1/usage?organizationId=${org.organizationId}&projectId=${org.projectId}`)).status).toBe(200);
    for (const path of [`/v1/usage?organizationId=${org.organizationId}`, `/v1/usage?organizationId=${org.organizationId}&projectId=${org.other}`]) {
      const refused = await asProjectKey.get(path);
      expect([refused.status, refused.body.error.code]).toEqual([404, 'NOT_FOUND']);
    }
    // A project of another organization is not found, and says nothing of it.
    const stranger = await furnished();
    const leak = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}&projectId=${stranger.projectId}`);
    expect([leak.status, leak.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(JSON.stringify(leak.body)).not.toContain(stranger.projectId);
    const foreign = await org.owner.get(`/v1/usage?organizationId=${stranger.organizationId}`);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await portico.http.get(`/v1/usage?organizationId=${org.organizationId}`)).status).toBe(401);
  });

  it('writes one snapshot per organization and day, idempotently, and shows it in the history', async () => {
    const org = await furnished();
    const { usageService } = portico.container.cradle;
    const today = dayOf(new Date());
    await usageService.snapshot(today);
    await usageService.snapshot(today);
    const rows = await em().find(UsageDaily, { organization: org.organizationId });
    expect(rows.map((r) => r.day)).toEqual([today]);
    expect(rows[0]!.snapshot?.organization).toMatchObject({ domains: 3, verifiedDomains: 1, projects: 2, mappings: 2, apiKeys: 2, members: 3, webhookEndpoints: 1 });
    expect(rows[0]!.snapshot?.projects[org.projectId]).toEqual({ domains: 2, verifiedDomains: 1, mappings: 2, apiKeys: 1, webhookEndpoints: 1 });
    const checks = rows[0]!.checks;
    expect(checks).toBeGreaterThanOrEqual(1);

    // An earlier day, and a day more than 30 days back that the history leaves out.
    const yesterday = dayOf(new Date(Date.now() - 86_400_000));
    const old = dayOf(new Date(Date.now() - 40 * 86_400_000));
    await usageService.snapshot(yesterday);
    await usageService.snapshot(old);
    // A new domain changes today's counts when the snapshot runs again; the counters are kept.
    await org.owner.post(`/v1/organizations/${org.organizationId}/domains`, { hostname: `later-${org.tag}.usage.test` }).expect(201);
    await usageService.snapshot(today);
    expect(await em().count(UsageDaily, { organization: org.organizationId })).toBe(3);

    const res = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}`).expect(200);
    expect(res.body.history.map((h: { day: string }) => h.day)).toEqual([yesterday, today]);
    expect(res.body.history[1]).toMatchObject({ day: today, checks, counts: { domains: 4 } });
    const project = await org.owner.get(`/v1/usage?organizationId=${org.organizationId}&projectId=${org.projectId}`).expect(200);
    expect(project.body.history[1].counts).toEqual({ domains: 2, verifiedDomains: 1, mappings: 2, apiKeys: 1, webhookEndpoints: 1 });
  });

  it('lets any member read the organization’s usage, and a key with projects:read', async () => {
    const org = await furnished();
    const admin = sessionCaller(await signIn(portico, org.admin.email, org.admin.password));
    expect((await admin.get(`/v1/usage?organizationId=${org.organizationId}`)).status).toBe(200);
    const noScope = (await org.owner.post(`/v1/organizations/${org.organizationId}/api-keys`, { name: 'dom', scopes: ['domains:read'] }).expect(201)).body.secret;
    const res = await keyCaller(portico, noScope).get(`/v1/usage?organizationId=${org.organizationId}`);
    expect([res.status, res.body.error.code]).toEqual([403, 'API_KEY_SCOPE_MISSING']);
  });
});
