import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishedEvent } from '../src/modules/events/entity.ts';
import { Notification } from '../src/modules/notifications/entity.ts';
import { createOrganizationWithUser, sessionCaller, startPlansPortico, type Caller } from './factories.ts';
import { signIn, waitFor, type TestPortico } from './helpers.ts';

// A creation that brings usage to 80 % of the limit in force publishes usage.near_limit, to 100 %
// usage.limit_reached, each once per crossing; owners and admins of that organization are notified, nobody else.
const PLANS = [{ id: 'small', name: 'Small', limits: { domains: 5 } }];

describe('usage near the limit', () => {
  let portico: TestPortico;

  beforeAll(async () => {
    portico = await startPlansPortico({ zone: 'near.test', token: 'near-token', plans: { list: PLANS } });
  }, 120_000);
  afterAll(async () => portico?.stop());

  const newOrganization = async (name: string) => {
    const org = await createOrganizationWithUser(portico, { role: 'owner', name });
    return { ...org, owner: sessionCaller(await signIn(portico, org.email, org.password)) };
  };
  const events = (organizationId: string, type: string) =>
    portico.container.cradle.orm.em.fork().find(PublishedEvent, { organization: organizationId, type }, { orderBy: { occurredAt: 'asc', id: 'asc' } });
  const addDomain = async (owner: Caller, organizationId: string, label: string) =>
    (await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `${label}-${organizationId.slice(0, 8)}.near.test` }).expect(201)).body.id as string;

  it('announces 80 % once per crossing and 100 % at the limit, and notifies the owner only in that organization', async () => {
    const { owner, organizationId, userId } = await newOrganization('near-org');
    const other = await newOrganization('near-other');
    await addDomain(other.owner, other.organizationId, 'x');

    const ids = [];
    for (const label of ['a', 'b', 'c']) ids.push(await addDomain(owner, organizationId, label));
    expect(await events(organizationId, 'usage.near_limit')).toHaveLength(0);

    // The 4th of 5 is 80 %.
    ids.push(await addDomain(owner, organizationId, 'd'));
    const near = await events(organizationId, 'usage.near_limit');
    expect(near).toHaveLength(1);
    expect(near[0]!.data).toEqual({ resource: 'domains', usage: 4, limit: 5, planId: 'small' });
    expect(near[0]).toMatchObject({ subjectKind: 'organization', subjectId: organizationId, projectId: null });

    // The 5th reaches the limit: no second near_limit, one limit_reached.
    ids.push(await addDomain(owner, organizationId, 'e'));
    expect(await events(organizationId, 'usage.near_limit')).toHaveLength(1);
    const reached = await events(organizationId, 'usage.limit_reached');
    expect(reached.map((e) => e.data)).toEqual([{ resource: 'domains', usage: 5, limit: 5, planId: 'small' }]);

    // Down to 2, back up to 4: usage went under 80 % in between, so the crossing is announced again.
    for (const id of ids.splice(2)) await owner.delete(`/v1/domains/${id}`).expect(200);
    await addDomain(owner, organizationId, 'f');
    expect(await events(organizationId, 'usage.near_limit')).toHaveLength(1);
    await addDomain(owner, organizationId, 'g');
    const again = await events(organizationId, 'usage.near_limit');
    expect(again.map((e) => e.data.usage)).toEqual([4, 4]);
    expect(await events(organizationId, 'usage.limit_reached')).toHaveLength(1);

    // The owner is notified of each (warning, category usage); the other organization gets nothing.
    const notes = await waitFor(
      () => portico.container.cradle.orm.em.fork().find(Notification, { user: userId, type: { $in: ['usage.near_limit', 'usage.limit_reached'] } }),
      (rows) => rows.length === 3,
    );
    expect(notes.every((n) => n.severity === 'warning')).toBe(true);
    expect(notes.find((n) => n.type === 'usage.near_limit')).toMatchObject({ title: 'Near the limit of domains', link: '/usage' });
    expect(notes.find((n) => n.type === 'usage.near_limit')!.body).toContain('4 of 5 domains are in use on the small plan.');
    expect(await events(other.organizationId, 'usage.near_limit')).toHaveLength(0);
    expect(await portico.container.cradle.orm.em.fork().count(Notification, { user: other.userId })).toBe(0);
  });

  it('a refused creation announces nothing', async () => {
    const { owner, organizationId } = await newOrganization('near-refused');
    for (const label of ['a', 'b', 'c', 'd', 'e']) await addDomain(owner, organizationId, label);
    const res = await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: `f-${organizationId.slice(0, 8)}.near.test` });
    expect(res.body.error?.code).toBe('PLAN_LIMIT_REACHED');
    expect(await events(organizationId, 'usage.near_limit')).toHaveLength(1);
    expect(await events(organizationId, 'usage.limit_reached')).toHaveLength(1);
  });
});
