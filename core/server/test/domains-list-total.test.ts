import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIST_TOTAL_CAP } from '../src/modules/domains/list-query.ts';
import { createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// The domain list's total is exact up to LIST_TOTAL_CAP matching domains and says "at least" past it, so a huge
// organization's first page does not pay for counting every row; filters and searches are counted the same way,
// and one organization's domains never count in another's total.
describe('domain list: the total', () => {
  let portico: TestPortico;
  let big: { caller: Caller; organizationId: string };
  let small: { caller: Caller; organizationId: string };

  const page = async (t: typeof big, query = '') =>
    (await t.caller.get(`/v1/organizations/${t.organizationId}/domains?limit=50${query}`).expect(200)).body as { data: unknown[]; total: number; totalIsExact: boolean; nextCursor: string | null };

  beforeAll(async () => {
    portico = await startTestPortico({ plugins: [{ package: '@portico/verify-dns-txt' }] });
    const tenant = async () => {
      const owner = await createOrganizationWithUser(portico);
      return { caller: sessionCaller(await signIn(portico, owner.email, owner.password)), organizationId: owner.organizationId };
    };
    big = await tenant();
    small = await tenant();
    // One more than the cap, five of them with a name to search for, some archived (never counted).
    await portico.container.cradle.orm.em.fork().getConnection().execute(
      `insert into domains (id, created_at, updated_at, organization_id, hostname, status, method, token)
       select gen_random_uuid(), now() - make_interval(secs => i), now(), ?, case when i < 5 then 'needle-' else 'hay-' end || i || '.total.test',
              case when i % 100 = 99 then 'archived' else 'pending' end, 'dns-txt', md5('t' || i)
       from generate_series(0, ? - 1) as i`,
      [big.organizationId, LIST_TOTAL_CAP + 1 + Math.ceil((LIST_TOTAL_CAP + 1) / 99)],
    );
    for (const hostname of ['a.small-total.example.com', 'b.small-total.example.com']) {
      const res = await small.caller.post(`/v1/organizations/${small.organizationId}/domains`, { hostname });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });
  afterAll(async () => portico?.stop());

  it('is exact for a small organization and counts no other organization', async () => {
    expect(await page(small)).toMatchObject({ total: 2, totalIsExact: true, nextCursor: null });
  });

  it('stops at the cap and says so for a large one; the page and its cursor are whole', async () => {
    const first = await page(big);
    expect(first).toMatchObject({ total: LIST_TOTAL_CAP, totalIsExact: false });
    expect(first.data).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const second = await page(big, `&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ total: LIST_TOTAL_CAP, totalIsExact: false });
    expect(second.data).toHaveLength(50);
  });

  it('counts a search or a filter exactly when it matches fewer', async () => {
    expect(await page(big, '&q=needle-')).toMatchObject({ total: 5, totalIsExact: true, nextCursor: null });
    expect(await page(big, '&status=archived')).toMatchObject({ total: 0, totalIsExact: true });
    expect(await page(big, '&status=live')).toMatchObject({ total: 0, totalIsExact: true, data: [] });
  });
});
