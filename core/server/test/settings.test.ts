import { randomBytes } from 'node:crypto';
import { RequestContext } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { Organization } from '../src/modules/organizations/entity.ts';
import { OrganizationSettings, DEFAULT_LIMITS } from '../src/modules/organizations/settings.entity.ts';
import { createMember, createOrganizationWithUser } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

type Session = Awaited<ReturnType<typeof signIn>>;

// Organization limits: defaults, owner-only changes with an audit log, no limit below usage,
// and the domain quota.
describe('organization settings', () => {
  let portico: TestPortico;
  let owner: Session;
  let orgA: string;
  let projectA: string;

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    owner = await signIn(portico, 'demo@portico.local', 'portico-demo');
    orgA = (await owner.agent.get('/v1/organizations').expect(200)).body.data[0].id;
    projectA = (await owner.agent.get(`/v1/organizations/${orgA}/projects`).expect(200)).body.data[0].id;
  });
  afterAll(async () => portico?.stop());

  const settingsRows = (organizationId: string) => portico.container.cradle.orm.em.fork().count(OrganizationSettings, { organization: organizationId });
  const patch = (as: Session, organizationId: string, body: unknown) =>
    as.agent.patch(`/v1/organizations/${organizationId}/settings`).set('x-csrf-token', as.csrf).send(body as object);
  const addDomain = (as: Session, organizationId: string, hostname: string) =>
    as.agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', as.csrf).send({ hostname });
  /** A fresh organization with its owner signed in (its settings row does not exist until first read). */
  const newOrganization = async () => {
    const org = await createOrganizationWithUser(portico, { role: 'owner' });
    return { organizationId: org.organizationId, userId: org.userId, owner: await signIn(portico, org.email, org.password) };
  };
  const apiKey = async (scopes: string[]) =>
    (await owner.agent.post(`/v1/organizations/${orgA}/api-keys`).set('x-csrf-token', owner.csrf).send({ name: `k-${randomBytes(3).toString('hex')}`, scopes }).expect(201)).body
      .secret as string;

  describe('defaults', () => {
    it('seeds the demo organization’s settings with the defaults and reports usage', async () => {
      expect(await settingsRows(orgA)).toBe(1);
      const res = await owner.agent.get(`/v1/organizations/${orgA}/settings`).expect(200);
      expect(res.body.organizationId).toBe(orgA);
      expect(res.body.limits).toEqual({
        maxDomains: 50,
        verificationRateLimitPerMinute: 1,
        maxMappingsPerProject: 100,
        maxConcurrentVerifications: 5,
        maxAutoRetries: 10,
        autoRetryIntervalHours: 6,
      });
      expect(res.body.defaults).toEqual(res.body.limits);
      expect(res.body.usage).toEqual({ domains: 0 });
    });

    it('creates the defaults on first read for an organization made without them', async () => {
      const { organizationId, owner: ownerB } = await newOrganization();
      expect(await settingsRows(organizationId)).toBe(0);
      const res = await ownerB.agent.get(`/v1/organizations/${organizationId}/settings`).expect(200);
      expect(res.body.limits).toEqual(DEFAULT_LIMITS);
      expect(await settingsRows(organizationId)).toBe(1);
      // Concurrent first reads neither fail nor make a second row.
      const { organizationId: orgC, owner: ownerC } = await newOrganization();
      const reads = await Promise.all([1, 2, 3].map(() => ownerC.agent.get(`/v1/organizations/${orgC}/settings`)));
      expect(reads.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(await settingsRows(orgC)).toBe(1);
    });

    it('lets every member and scoped API keys read the settings', async () => {
      const member = await createMember(portico, orgA, { role: 'project_member', projectId: projectA });
      const asMember = await signIn(portico, member.email, member.password);
      expect((await asMember.agent.get(`/v1/organizations/${orgA}/settings`).expect(200)).body.limits.maxDomains).toBeGreaterThan(0);

      const readKey = await apiKey(['projects:read']);
      expect((await portico.http.get(`/v1/organizations/${orgA}/settings`).set('authorization', `Bearer ${readKey}`)).status).toBe(200);
      const domainsOnly = await portico.http.get(`/v1/organizations/${orgA}/settings`).set('authorization', `Bearer ${await apiKey(['domains:read'])}`);
      expect(domainsOnly.status).toBe(403);
      expect(domainsOnly.body.error).toMatchObject({ code: 'API_KEY_SCOPE_MISSING', details: { scope: 'projects:read' } });
    });
  });

  describe('changes', () => {
    it('lets the owner change limits and records who changed what, newest first', async () => {
      const { organizationId, userId, owner: ownerB } = await newOrganization();
      const res = await patch(ownerB, organizationId, { maxDomains: 60, autoRetryIntervalHours: 12, maxAutoRetries: 10 });
      expect(res.status).toBe(200);
      expect(res.body.limits).toMatchObject({ maxDomains: 60, autoRetryIntervalHours: 12, maxAutoRetries: 10 });
      expect((await ownerB.agent.get(`/v1/organizations/${organizationId}/settings`).expect(200)).body.limits.maxDomains).toBe(60);

      // maxAutoRetries was sent unchanged: no audit row for it.
      const first = (await ownerB.agent.get(`/v1/organizations/${organizationId}/settings/changes`).expect(200)).body.data;
      expect(first).toHaveLength(2);
      expect(first.map((c: { setting: string; oldValue: number; newValue: number }) => [c.setting, c.oldValue, c.newValue]).sort()).toEqual([
        ['autoRetryIntervalHours', 6, 12],
        ['maxDomains', 50, 60],
      ]);
      for (const change of first) expect(change.changedBy).toMatchObject({ id: userId });

      await patch(ownerB, organizationId, { maxDomains: 70 }).expect(200);
      const second = (await ownerB.agent.get(`/v1/organizations/${organizationId}/settings/changes`).expect(200)).body.data;
      expect(second).toHaveLength(3);
      expect(second[0]).toMatchObject({ setting: 'maxDomains', oldValue: 60, newValue: 70 });
    });

    it('refuses admins (403 FORBIDDEN, owner needed) but lets them read the log; project roles cannot read it', async () => {
      const admin = await createMember(portico, orgA, { role: 'admin' });
      const asAdmin = await signIn(portico, admin.email, admin.password);
      const before = (await owner.agent.get(`/v1/organizations/${orgA}/settings`).expect(200)).body.limits;
      const res = await patch(asAdmin, orgA, { maxDomains: before.maxDomains + 1 });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'owner' } });
      expect((await owner.agent.get(`/v1/organizations/${orgA}/settings`).expect(200)).body.limits).toEqual(before);
      expect((await asAdmin.agent.get(`/v1/organizations/${orgA}/settings/changes`)).status).toBe(200);

      const projectAdmin = await createMember(portico, orgA, { role: 'project_admin', projectId: projectA });
      const asProjectAdmin = await signIn(portico, projectAdmin.email, projectAdmin.password);
      const log = await asProjectAdmin.agent.get(`/v1/organizations/${orgA}/settings/changes`);
      expect(log.status).toBe(403);
      expect(log.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'admin' } });
    });

    it('never lets an API key change limits or read the change log (401, console session only)', async () => {
      const key = await apiKey(['projects:read', 'projects:write', 'domains:read', 'domains:write']);
      const before = (await owner.agent.get(`/v1/organizations/${orgA}/settings`).expect(200)).body.limits;
      for (const res of [
        await portico.http.patch(`/v1/organizations/${orgA}/settings`).set('authorization', `Bearer ${key}`).send({ maxDomains: 2 }),
        await portico.http.get(`/v1/organizations/${orgA}/settings/changes`).set('authorization', `Bearer ${key}`),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHENTICATED');
      }
      expect((await owner.agent.get(`/v1/organizations/${orgA}/settings`).expect(200)).body.limits).toEqual(before);
    });

    it('answers 404 for another organization’s settings', async () => {
      const { owner: ownerB } = await newOrganization();
      const before = (await owner.agent.get(`/v1/organizations/${orgA}/settings`).expect(200)).body.limits;
      for (const res of [
        await ownerB.agent.get(`/v1/organizations/${orgA}/settings`),
        await patch(ownerB, orgA, { maxDomains: 1 }),
        await ownerB.agent.get(`/v1/organizations/${orgA}/settings/changes`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
      expect((await owner.agent.get(`/v1/organizations/${orgA}/settings`).expect(200)).body.limits).toEqual(before);
    });

    it('refuses invalid values with 400 VALIDATION_FAILED and changes nothing', async () => {
      const { organizationId, owner: ownerB } = await newOrganization();
      const bodies: unknown[] = [
        { maxDomains: 0 },
        { maxDomains: -1 },
        { maxDomains: 1.5 },
        { maxDomains: 1e9 },
        { maxDomains: '10' },
        { maxDomains: null },
        { maxDomains: true },
        { verificationRateLimitPerMinute: 0 },
        { maxConcurrentVerifications: -5 },
        { autoRetryIntervalHours: 10_000 },
        { maxMappingsPerProject: 2.25 },
        { maxAutoRetries: 'many' },
        { maxWidgets: 5 },
        {},
      ];
      for (const body of bodies) {
        const res = await patch(ownerB, organizationId, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code, JSON.stringify(body)).toBe('VALIDATION_FAILED');
      }
      expect((await ownerB.agent.get(`/v1/organizations/${organizationId}/settings`).expect(200)).body.limits).toEqual(DEFAULT_LIMITS);
      expect((await ownerB.agent.get(`/v1/organizations/${organizationId}/settings/changes`).expect(200)).body.data).toEqual([]);
    });

    it('validates in the service too, for callers that bypass the route', async () => {
      const { orm, accessService, settingsService } = portico.container.cradle;
      const { organizationId, userId } = await newOrganization();
      await RequestContext.create(orm.em, async () => {
        const access = await accessService.forOrganization({ kind: 'user', userId, sessionId: 'unused' }, organizationId);
        await expect(settingsService.update(access, { maxDomains: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        await expect(settingsService.update(access, { maxDomains: 12 })).resolves.toMatchObject({ maxDomains: 12 });
      });
    });
  });

  describe('domain quota', () => {
    it('refuses to set maxDomains below the domains held (409 SETTINGS_BELOW_USAGE); archived ones do not count', async () => {
      const { organizationId, owner: ownerB } = await newOrganization();
      const tag = randomBytes(3).toString('hex');
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c']) ids.push((await addDomain(ownerB, organizationId, `${name}.quota-${tag}.example.com`).expect(201)).body.id);
      expect((await ownerB.agent.get(`/v1/organizations/${organizationId}/settings`).expect(200)).body.usage).toEqual({ domains: 3 });

      const res = await patch(ownerB, organizationId, { maxDomains: 2 });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'SETTINGS_BELOW_USAGE', details: { setting: 'maxDomains', usage: 3, requested: 2 } });
      expect((await ownerB.agent.get(`/v1/organizations/${organizationId}/settings/changes`).expect(200)).body.data).toEqual([]);

      // Exactly the usage is allowed; then the API refuses a fourth domain with the quota message.
      expect((await patch(ownerB, organizationId, { maxDomains: 3 }).expect(200)).body.limits.maxDomains).toBe(3);
      const fourth = await addDomain(ownerB, organizationId, `d.quota-${tag}.example.com`);
      expect(fourth.status).toBe(409);
      expect(fourth.body.error).toMatchObject({ code: 'DOMAIN_QUOTA_EXCEEDED', details: { used: 3, limit: 3 } });
      expect(fourth.body.error.message).toMatch(/^Domain limit reached \(3\/3\)/);

      await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: ids[0] }, { status: 'archived' });
      expect((await ownerB.agent.get(`/v1/organizations/${organizationId}/settings`).expect(200)).body.usage).toEqual({ domains: 2 });
      await patch(ownerB, organizationId, { maxDomains: 2 }).expect(200);
    });

    it('assertDomainQuota refuses at the limit with used and limit in the details', async () => {
      const { orm, settingsService } = portico.container.cradle;
      const { organizationId, owner: ownerB } = await newOrganization();
      await patch(ownerB, organizationId, { maxDomains: 1 }).expect(200);

      await RequestContext.create(orm.em, async () => {
        await expect(settingsService.assertDomainQuota(organizationId)).resolves.toEqual({ used: 0, limit: 1 });
        const tooMany = await settingsService.assertDomainQuota(organizationId, 2).catch((error: unknown) => error);
        expect(tooMany).toMatchObject({ code: 'DOMAIN_QUOTA_EXCEEDED', details: { used: 0, limit: 1 } });
      });

      await addDomain(ownerB, organizationId, `only.quota-${randomBytes(3).toString('hex')}.example.com`).expect(201);
      await RequestContext.create(orm.em, async () => {
        const error = await settingsService.assertDomainQuota(organizationId).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'DOMAIN_QUOTA_EXCEEDED', details: { used: 1, limit: 1 } });
        expect((error as Error).message).toMatch(/^Domain limit reached \(1\/1\)/);
      });
      // The same inside a caller's transaction, with its em.
      const inTransaction = await orm.em
        .fork()
        .transactional((em) => settingsService.assertDomainQuota(organizationId, 1, em))
        .catch((e: unknown) => e);
      expect(inTransaction).toMatchObject({ code: 'DOMAIN_QUOTA_EXCEEDED', details: { used: 1, limit: 1 } });
    });

    it('lets only one of two concurrent additions take the last slot', async () => {
      const { orm, settingsService } = portico.container.cradle;
      const { organizationId, owner: ownerB } = await newOrganization();
      await patch(ownerB, organizationId, { maxDomains: 1 }).expect(200);
      const tag = randomBytes(3).toString('hex');
      const attempt = (hostname: string) =>
        orm.em.fork().transactional(async (em) => {
          await settingsService.assertDomainQuota(organizationId, 1, em);
          em.create(Domain, { organization: em.getReference(Organization, organizationId), hostname, status: 'pending', method: 'dns-txt', token: randomBytes(16).toString('hex') });
        });
      const results = await Promise.allSettled([attempt(`x.race-${tag}.example.com`), attempt(`y.race-${tag}.example.com`)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'DOMAIN_QUOTA_EXCEEDED', details: { used: 1, limit: 1 } });
      expect(await orm.em.fork().count(Domain, { organization: organizationId })).toBe(1);
    });

    it('holds a project to maxMappingsPerProject (409 MAPPING_QUOTA_EXCEEDED), and a raised limit lets the next one in', async () => {
      const { organizationId, owner: ownerB } = await newOrganization();
      const projectId = (await ownerB.agent.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id as string;
      const { orm } = portico.container.cradle;
      const tag = randomBytes(3).toString('hex');
      const domain = orm.em.fork().create(Domain, { organization: organizationId, hostname: `quota-${tag}.example.com`, status: 'verified', method: 'dns-txt', token: randomBytes(16).toString('hex') });
      await orm.em.fork().persist(domain).flush();
      await ownerB.agent.post(`/v1/projects/${projectId}/domains`).set('x-csrf-token', ownerB.csrf).send({ hostnames: [domain.hostname] }).expect(200);
      const serviceId = (await ownerB.agent.post(`/v1/projects/${projectId}/services`).set('x-csrf-token', ownerB.csrf).send({ name: 'web', upstreamHost: 'web.internal', upstreamPort: 80 }).expect(201)).body.id;
      const map = (subdomain: string) => ownerB.agent.post(`/v1/projects/${projectId}/mappings`).set('x-csrf-token', ownerB.csrf).send({ serviceId, domainId: domain.id, subdomain });
      await patch(ownerB, organizationId, { maxMappingsPerProject: 2 }).expect(200);
      await map('a').expect(201);
      await map('b').expect(201);
      const refused = await map('c');
      expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([409, 'MAPPING_QUOTA_EXCEEDED', { used: 2, limit: 2 }]);
      await patch(ownerB, organizationId, { maxMappingsPerProject: 3 }).expect(200);
      await map('c').expect(201);
    });
  });
});
