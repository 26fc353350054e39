import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { SCHEDULES } from '../src/jobs/queues.ts';
import { loadBilling, NO_BILLING } from '../src/modules/plans/billing.ts';
import { addVerifiedDomain, createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller, startPlansPortico, type Caller } from './factories.ts';
import { User } from '../src/modules/users/entity.ts';
import { billingState } from './fixtures/plans-billing.ts';
import { collectingLogger, REPO_ROOT, signIn, startTestPortico, type TestPortico } from './helpers.ts';

const BILLING = fileURLToPath(new URL('./fixtures/plans-billing.ts', import.meta.url));

// Plans from the config, one subscription per organization, every plan limit enforced where the resource is
// created (402 PLAN_LIMIT_REACHED with the limit and the usage), owners lowering but never raising limits beyond
// the plan, and plan changes through a billing module that can hold a change pending.
const PLANS = [
  { id: 'free', name: 'Free', limits: { domains: 2, projects: 2, mappingsPerProject: 1, apiKeys: 1, members: 2, webhookEndpoints: 1 }, features: ['widget'] },
  { id: 'pro', name: 'Pro', limits: { domains: 10, projects: 10, mappingsPerProject: 10, apiKeys: 10, members: 10, webhookEndpoints: 10 }, features: ['widget', 'webhooks'] },
  { id: 'enterprise', name: 'Enterprise', features: ['widget', 'webhooks', 'sso'] },
  { id: 'broken', name: 'Broken' },
];

describe('plans and subscriptions', () => {
  let portico: TestPortico;

  beforeAll(async () => {
    portico = await startPlansPortico({ zone: 'plans.test', token: 'plans-token', plans: { list: PLANS, billing: { package: BILLING, options: { checkoutUrl: 'https://billing.example/checkout' } } } });
  });
  afterAll(async () => portico?.stop());

  /** A fresh organization (on the first plan, `free`) with its owner signed in. */
  const newOrganization = async () => {
    const org = await createOrganizationWithUser(portico, { role: 'owner' });
    return { ...org, owner: sessionCaller(await signIn(portico, org.email, org.password)) };
  };
  const subscribe = (owner: Caller, organizationId: string, planId: string) => owner.post('/v1/subscription', { organizationId, planId });
  const expectLimit = (res: { status: number; body: { error?: { code: string; details: unknown } } }, details: object) => {
    expect([res.status, res.body.error?.code], JSON.stringify(res.body)).toEqual([402, 'PLAN_LIMIT_REACHED']);
    expect(res.body.error?.details).toEqual(details);
  };

  it('lists the configured plans, every limit left out being null (none)', async () => {
    const { owner } = await newOrganization();
    const res = await owner.get('/v1/plans').expect(200);
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual(['free', 'pro', 'enterprise', 'broken']);
    expect(res.body.data[0]).toEqual({
      id: 'free',
      name: 'Free',
      description: null,
      limits: { domains: 2, projects: 2, mappingsPerProject: 1, apiKeys: 1, members: 2, webhookEndpoints: 1, certificatesPerMonth: null, checksPerDay: null },
      features: ['widget'],
    });
    expect(Object.values(res.body.data[2].limits).every((v) => v === null)).toBe(true);
    expect((await portico.http.get('/v1/plans')).status).toBe(401);
  });

  it('puts an organization without a subscription on the first plan', async () => {
    const { owner, organizationId } = await newOrganization();
    const res = await owner.get(`/v1/subscription?organizationId=${organizationId}`).expect(200);
    expect(res.body).toMatchObject({ organizationId, plan: { id: 'free' }, pending: null, overLimit: [], updatedAt: null });
  });

  it('answers 402 PLAN_LIMIT_REACHED at each limit, with the limit, the usage, the resource and the plan', async () => {
    const { owner, organizationId, projectId } = await newOrganization();

    // projects: `main` and one more.
    await owner.post(`/v1/organizations/${organizationId}/projects`, { name: 'Second', slug: 'second' }).expect(201);
    expectLimit(await owner.post(`/v1/organizations/${organizationId}/projects`, { name: 'Third', slug: 'third' }), { resource: 'projects', limit: 2, usage: 2, planId: 'free' });

    // domains: two, then the third is refused whichever way it comes (organization, project assignment).
    const first = await addVerifiedDomain(owner, organizationId, `a-${organizationId.slice(0, 8)}.plans.test`, projectId);
    await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `b-${organizationId.slice(0, 8)}.plans.test` }).expect(201);
    expectLimit(await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `c-${organizationId.slice(0, 8)}.plans.test` }), {
      resource: 'domains',
      limit: 2,
      usage: 2,
      planId: 'free',
    });
    expectLimit(await owner.post(`/v1/projects/${projectId}/domains`, { hostnames: [`d-${organizationId.slice(0, 8)}.plans.test`] }), {
      resource: 'domains',
      limit: 2,
      usage: 2,
      planId: 'free',
    });

    // mappings per project: one.
    const service = (await owner.post(`/v1/projects/${projectId}/services`, { name: 'app', upstreamHost: 'app.internal', upstreamPort: 8080 }).expect(201)).body;
    await owner.post(`/v1/projects/${projectId}/mappings`, { serviceId: service.id, domainId: first.id }).expect(201);
    expectLimit(await owner.post(`/v1/projects/${projectId}/mappings`, { serviceId: service.id, domainId: first.id, subdomain: 'www' }), {
      resource: 'mappingsPerProject',
      limit: 1,
      usage: 1,
      planId: 'free',
    });

    // API keys: one not revoked; revoking it frees the slot.
    const key = (await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'one', scopes: ['domains:read'] }).expect(201)).body;
    expectLimit(await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'two', scopes: ['domains:read'] }), { resource: 'apiKeys', limit: 1, usage: 1, planId: 'free' });
    await owner.post(`/v1/organizations/${organizationId}/api-keys/${key.id}/revoke`).expect(200);
    await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'two', scopes: ['domains:read'] }).expect(201);

    // members: the owner and one more person.
    await createMember(portico, organizationId, { role: 'admin' });
    expectLimit(await owner.post(`/v1/organizations/${organizationId}/invitations`, { email: 'third@example.test', role: 'admin' }), {
      resource: 'members',
      limit: 2,
      usage: 2,
      planId: 'free',
    });

    // webhook endpoints: one.
    await owner.post(`/v1/organizations/${organizationId}/webhooks`, { url: 'http://127.0.0.1:9/one' }).expect(201);
    expectLimit(await owner.post(`/v1/organizations/${organizationId}/webhooks`, { url: 'http://127.0.0.1:9/two' }), { resource: 'webhookEndpoints', limit: 1, usage: 1, planId: 'free' });
  });

  it('counts concurrent creations one after the other: at the limit exactly one more fits', async () => {
    const { owner, organizationId } = await newOrganization();
    const results = await Promise.all([1, 2, 3, 4].map((n) => owner.post(`/v1/organizations/${organizationId}/projects`, { name: `P${n}`, slug: `p-${n}` })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 402, 402, 402]);
    const projects = await owner.get(`/v1/organizations/${organizationId}/projects`).expect(200);
    expect(projects.body.data).toHaveLength(2);
  });

  it('checks the member limit again when an invitation is accepted (the plan may have shrunk since)', async () => {
    const { owner, organizationId } = await newOrganization();
    await subscribe(owner, organizationId, 'pro').expect(200);
    const invitee = await createOrganizationWithUser(portico, { role: 'owner' });
    const invited = await owner.post(`/v1/organizations/${organizationId}/invitations`, { email: invitee.email, role: 'admin' }).expect(201);
    const token = new URL(invited.body.acceptUrl).hash.replace('#token=', '');
    await createMember(portico, organizationId, { role: 'admin' });
    await subscribe(owner, organizationId, 'free').expect(200);

    const asInvitee = sessionCaller(await signIn(portico, invitee.email, invitee.password));
    expectLimit(await asInvitee.post('/v1/invitations:accept', { token }), { resource: 'members', limit: 2, usage: 2, planId: 'free' });
    // Nothing was taken: on a bigger plan the same link works.
    await subscribe(owner, organizationId, 'pro').expect(200);
    await asInvitee.post('/v1/invitations:accept', { token }).expect(200);
  });

  it('lets an owner lower a plan limit in the settings but never raise it beyond the plan (409 SETTINGS_ABOVE_PLAN)', async () => {
    const { owner, organizationId } = await newOrganization();
    const above = await owner.patch(`/v1/organizations/${organizationId}/settings`, { maxDomains: 3 });
    expect(above.status).toBe(409);
    expect(above.body.error).toMatchObject({ code: 'SETTINGS_ABOVE_PLAN', details: { setting: 'maxDomains', requested: 3, planLimit: 2, planId: 'free' } });
    const mappings = await owner.patch(`/v1/organizations/${organizationId}/settings`, { maxMappingsPerProject: 2 });
    expect(mappings.body.error).toMatchObject({ code: 'SETTINGS_ABOVE_PLAN', details: { setting: 'maxMappingsPerProject', planLimit: 1 } });

    // Lowered to one: the organization's own limit binds, and says so with its own code (409, not 402).
    await owner.patch(`/v1/organizations/${organizationId}/settings`, { maxDomains: 1 }).expect(200);
    await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `low-a-${organizationId.slice(0, 8)}.plans.test` }).expect(201);
    const own = await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `low-b-${organizationId.slice(0, 8)}.plans.test` });
    expect([own.status, own.body.error.code, own.body.error.details]).toEqual([409, 'DOMAIN_QUOTA_EXCEEDED', { used: 1, limit: 1 }]);

    // On a bigger plan the same owner may raise the setting up to that plan's limit.
    await subscribe(owner, organizationId, 'pro').expect(200);
    await owner.patch(`/v1/organizations/${organizationId}/settings`, { maxDomains: 10 }).expect(200);
    expect((await owner.patch(`/v1/organizations/${organizationId}/settings`, { maxDomains: 11 })).body.error.code).toBe('SETTINGS_ABOVE_PLAN');
  });

  it('keeps what exists after a downgrade below usage, reports it, and refuses anything new', async () => {
    const { owner, organizationId } = await newOrganization();
    await subscribe(owner, organizationId, 'pro').expect(200);
    const tag = organizationId.slice(0, 8);
    for (const name of ['x', 'y', 'z']) await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `${name}-${tag}.plans.test` }).expect(201);
    await createProject(portico, organizationId);
    await createProject(portico, organizationId);

    const down = await subscribe(owner, organizationId, 'free').expect(200);
    expect(down.body.plan.id).toBe('free');
    expect(down.body.overLimit).toEqual([
      { resource: 'domains', usage: 3, limit: 2 },
      { resource: 'projects', usage: 3, limit: 2 },
    ]);
    const listed = await owner.get(`/v1/organizations/${organizationId}/domains`).expect(200);
    expect(listed.body.data).toHaveLength(3);
    expectLimit(await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `w-${tag}.plans.test` }), { resource: 'domains', limit: 2, usage: 3, planId: 'free' });
    expectLimit(await owner.post(`/v1/organizations/${organizationId}/projects`, { name: 'More', slug: 'more' }), { resource: 'projects', limit: 2, usage: 3, planId: 'free' });

    // Back on the bigger plan, the next one fits again.
    await subscribe(owner, organizationId, 'pro').expect(200);
    await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `w-${tag}.plans.test` }).expect(201);
  });

  it('lets only the owner change the plan, from a console session; an unknown plan is 404', async () => {
    const { owner, organizationId, projectId } = await newOrganization();
    const admin = await createMember(portico, organizationId, { role: 'admin' });
    const asAdmin = sessionCaller(await signIn(portico, admin.email, admin.password));
    const refused = await subscribe(asAdmin, organizationId, 'pro');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    // Every member may read the subscription.
    const member = await createMember(portico, organizationId, { role: 'project_member', projectId });
    const asMember = sessionCaller(await signIn(portico, member.email, member.password));
    expect((await asMember.get(`/v1/subscription?organizationId=${organizationId}`).expect(200)).body.plan.id).toBe('free');

    const key = (await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'reader', scopes: ['projects:read'] }).expect(201)).body.secret;
    expect((await keyCaller(portico, key).get(`/v1/subscription?organizationId=${organizationId}`)).status).toBe(200);
    expect((await keyCaller(portico, key).post('/v1/subscription', { organizationId, planId: 'pro' })).status).toBe(401);

    const unknown = await subscribe(owner, organizationId, 'platinum');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const invalid = await owner.post('/v1/subscription', { organizationId: 'not-a-uuid', planId: 'pro' });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('holds a change pending while the billing provider waits for checkout, then applies it once paid', async () => {
    const { owner, organizationId, userId } = await newOrganization();
    const pending = await subscribe(owner, organizationId, 'enterprise').expect(200);
    expect(pending.body).toMatchObject({
      plan: { id: 'free' },
      pending: { plan: { id: 'enterprise' }, redirectUrl: `https://billing.example/checkout?organization=${organizationId}&plan=enterprise` },
    });
    expect(billingState().calls).toContainEqual({ organizationId, from: 'free', to: 'enterprise', userId });
    // Still the old plan's limits meanwhile.
    expect((await owner.get(`/v1/subscription?organizationId=${organizationId}`).expect(200)).body).toMatchObject({ plan: { id: 'free' }, pending: { plan: { id: 'enterprise' } } });

    billingState().paid.add(organizationId);
    const active = await owner.get(`/v1/subscription?organizationId=${organizationId}`).expect(200);
    expect(active.body).toMatchObject({ plan: { id: 'enterprise' }, pending: null });
    expect(active.body.updatedAt).not.toBeNull();
  });

  it('drops a pending change the provider cancels, and refuses a change the provider throws on (402 BILLING_REFUSED)', async () => {
    const { owner, organizationId } = await newOrganization();
    await subscribe(owner, organizationId, 'enterprise').expect(200);
    billingState().cancelled.add(organizationId);
    expect((await owner.get(`/v1/subscription?organizationId=${organizationId}`).expect(200)).body).toMatchObject({ plan: { id: 'free' }, pending: null });

    const refused = await subscribe(owner, organizationId, 'broken');
    expect([refused.status, refused.body.error.code, refused.body.error.details]).toEqual([402, 'BILLING_REFUSED', { planId: 'broken' }]);
    expect((await owner.get(`/v1/subscription?organizationId=${organizationId}`).expect(200)).body.plan.id).toBe('free');
  });

  it('lets an instance operator put any organization on a plan, without the billing step', async () => {
    const { owner, organizationId } = await newOrganization();
    await subscribe(owner, organizationId, 'enterprise').expect(200);
    const calls = billingState().calls.length;
    const op = await createOrganizationWithUser(portico, { role: 'owner' });
    await portico.container.cradle.orm.em.fork().nativeUpdate(User, { id: op.userId }, { operator: true });
    const operator = sessionCaller(await signIn(portico, op.email, op.password));

    const res = await operator.put('/v1/operator/subscriptions', { organizationId, planId: 'enterprise' }).expect(200);
    expect(res.body).toMatchObject({ organizationId, plan: { id: 'enterprise' }, pending: null });
    expect(billingState().calls.length).toBe(calls);
    expect((await owner.get(`/v1/subscription?organizationId=${organizationId}`).expect(200)).body.plan.id).toBe('enterprise');

    for (const [body, status, code] of [
      [{ organizationId, planId: 'platinum' }, 404, 'NOT_FOUND'],
      [{ organizationId: randomUUID(), planId: 'pro' }, 404, 'NOT_FOUND'],
    ] as const) {
      const refused = await operator.put('/v1/operator/subscriptions', body);
      expect([refused.status, refused.body.error.code]).toEqual([status, code]);
    }
    // An owner is not an operator, even of their own organization.
    const notOperator = await owner.put('/v1/operator/subscriptions', { organizationId, planId: 'pro' });
    expect([notOperator.status, notOperator.body.error.code]).toEqual([403, 'OPERATOR_REQUIRED']);
  });

  it('never shows or changes another organization’s subscription (404)', async () => {
    const mine = await newOrganization();
    const theirs = await newOrganization();
    await subscribe(theirs.owner, theirs.organizationId, 'pro').expect(200);
    for (const res of [
      await mine.owner.get(`/v1/subscription?organizationId=${theirs.organizationId}`),
      await subscribe(mine.owner, theirs.organizationId, 'free'),
      await mine.owner.get(`/v1/usage?organizationId=${theirs.organizationId}`),
    ]) {
      expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
      expect(JSON.stringify(res.body)).not.toContain(theirs.organizationId);
    }
    expect((await theirs.owner.get(`/v1/subscription?organizationId=${theirs.organizationId}`)).body.plan.id).toBe('pro');
  });

  it('schedules the usage snapshot job', () => {
    expect(SCHEDULES['usage.snapshot']).toBe('7 * * * *');
  });
});

describe('an installation without plans', () => {
  let portico: TestPortico;
  beforeAll(async () => {
    portico = await startTestPortico({});
  });
  afterAll(async () => portico?.stop());

  it('offers one default plan with no limit of its own, so the organization settings alone limit, as before plans', async () => {
    const org = await createOrganizationWithUser(portico, { role: 'owner' });
    const owner = sessionCaller(await signIn(portico, org.email, org.password));
    const plans = (await owner.get('/v1/plans').expect(200)).body.data;
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ id: 'default', limits: { domains: null, mappingsPerProject: null, projects: null, apiKeys: null, members: null, webhookEndpoints: null } });
    await owner.patch(`/v1/organizations/${org.organizationId}/settings`, { maxDomains: 100_000 }).expect(200);
    expect((await owner.get(`/v1/subscription?organizationId=${org.organizationId}`).expect(200)).body.plan.id).toBe('default');
  });
});

describe('plans configuration', () => {
  it('refuses duplicate plan ids, an empty list and unknown limits', () => {
    const plan = { id: 'a', name: 'A' };
    for (const plans of [{ list: [plan, plan] }, { list: [] }, { list: [{ ...plan, limits: { seats: 3 } }] }, { list: [{ ...plan, limits: { domains: -1 } }] }]) {
      expect(() => parseConfig({ plans }, {}, 'test')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
    expect(parseConfig({ plans: { list: [plan] } }, {}, 'test').plans.list[0]!.limits.domains).toBeNull();
  });

  it('refuses a billing module that cannot load or does not make a provider (CONFIG_INVALID)', async () => {
    const { logger } = collectingLogger();
    await expect(loadBilling({ package: './no/such/billing.ts' }, REPO_ROOT, logger)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(loadBilling({ package: fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url)) }, REPO_ROOT, logger)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const provider = await loadBilling({ package: BILLING, options: { checkoutUrl: 'https://x.example' } }, REPO_ROOT, logger);
    expect(provider.id).toBe('billing.test');
    expect(await loadBilling(null, REPO_ROOT, logger)).toBe(NO_BILLING);
  });
});
