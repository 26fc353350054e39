import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

// The organization's domain API: the list with search, status filter,
// sorts and keyset pages (usage, delete and the quota: domains-delete.test.ts). Each block works in an organization of its
// own, so listings are exact.
const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));
const script = scriptedVerifier();
const SORTS = ['hostname', '-hostname', 'createdAt', '-createdAt', 'verifiedAt', '-verifiedAt'] as const;
type Sort = (typeof SORTS)[number];

interface DomainRow {
  id: string;
  hostname: string;
  status: string;
  createdAt: string;
  verifiedAt: string | null;
  projectIds: string[];
}
interface Page {
  data: DomainRow[];
  nextCursor: string | null;
  total: number;
}

/** The order the API promises: by the key, then by id, both in the sort's direction; no verifiedAt last either way. */
function sortedLikeTheApi(rows: DomainRow[], sort: Sort): DomainRow[] {
  const desc = sort.startsWith('-');
  const key = sort.replace('-', '') as 'hostname' | 'createdAt' | 'verifiedAt';
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0) * (desc ? -1 : 1);
  return [...rows].sort((a, b) => {
    const [x, y] = [a[key], b[key]];
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return cmp(x, y);
    }
    return cmp(a.id, b.id);
  });
}

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('domain API', () => {
  let portico: TestPortico;

  beforeAll(async () => {
    portico = await startTestPortico({ verification: { defaultMethod: 'scripted' }, plugins: [{ package: SCRIPTED }] });
  });
  afterAll(async () => portico?.stop());

  /** A new organization (with a project `main`) and its owner signed in. */
  async function newTenant() {
    const tenant = await createOrganizationWithUser(portico, { role: 'owner' });
    const owner = sessionCaller(await signIn(portico, tenant.email, tenant.password));
    return { owner, organizationId: tenant.organizationId, projectId: tenant.projectId };
  }

  describe('GET /v1/organizations/:org/domains', () => {
    let owner: Caller;
    let org: string;
    /** The 25 domains as the API reports them. */
    let all: DomainRow[];

    const listUrl = (query: Record<string, string | number | undefined>) => {
      const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]) => [k, String(v)]));
      return `/v1/organizations/${org}/domains?${params}`;
    };
    const list = async (query: Record<string, string | number | undefined> = {}): Promise<Page> => {
      const res = await owner.get(listUrl(query));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const add = async (hostname: string) => (await owner.post(`/v1/organizations/${org}/domains`, { hostname }).expect(201)).body as DomainRow;

    /** Every page of a listing, following nextCursor; `between` runs after each page that has a successor. */
    async function walk(query: Record<string, string | number | undefined>, limit: number, between?: (seen: DomainRow[]) => Promise<void>) {
      const seen: DomainRow[] = [];
      const sizes: number[] = [];
      const totals: number[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await list({ ...query, limit, cursor });
        sizes.push(page.data.length);
        totals.push(page.total);
        seen.push(...page.data);
        if (!page.nextCursor) break;
        expect(page.data.length).toBe(limit); // only a full page has a successor
        expect(sizes.length).toBeLessThan(50);
        cursor = page.nextCursor;
        if (between) await between(seen);
      }
      return { seen, sizes, totals };
    }

    beforeAll(async () => {
      ({ owner, organizationId: org } = await newTenant());
      await owner.patch(`/v1/organizations/${org}/settings`, { maxConcurrentVerifications: 20 }).expect(200);
      // 25 hostnames of three fixed-length families, created in an order unrelated to their names.
      const names = [
        ...Array.from({ length: 9 }, (_, i) => `alpha0${i + 1}`),
        ...Array.from({ length: 8 }, (_, i) => `bravo0${i + 1}`),
        ...Array.from({ length: 8 }, (_, i) => `charlie0${i + 1}`),
      ].map((n) => `${n}.list.example.com`);
      const created: DomainRow[] = [];
      for (let i = 0; i < 25; i++) created.push(await add(names[(i * 7) % 25]));
      // Outcomes by creation order: 9 verified, 2 failed_temporary, 2 failed_permanent, 12 left pending.
      const outcome = (i: number) => (i % 3 === 0 ? 'verified' : i % 8 === 1 ? 'missing' : i === 2 || i === 10 ? 'mismatch' : null);
      const checked = created.filter((_, i) => outcome(i));
      created.forEach((d, i) => outcome(i) && script.outcomes.set(d.hostname, outcome(i)!));
      for (const d of checked) await owner.post(`/v1/domains/${d.id}/verify`).expect(202);
      const settled = await waitFor(() => list({ limit: 200 }), (p) => p.data.every((d) => d.status !== 'verifying'));
      const count = (status: string) => settled.data.filter((d) => d.status === status).length;
      expect([count('verified'), count('failed_temporary'), count('failed_permanent'), count('pending')]).toEqual([9, 2, 2, 12]);

      // Ties, so keyset pages must break them by id: 8 domains created "at the same time" (consecutive in
      // createdAt order, so the run crosses a page boundary of 7), and 5 verified at the same time.
      const em = portico.container.cradle.orm.em.fork();
      await em.nativeUpdate(Domain, { id: { $in: ids(created.slice(5, 13)) } }, { createdAt: new Date(created[5].createdAt) });
      const verified = settled.data.filter((d) => d.status === 'verified').slice(0, 5);
      await em.nativeUpdate(Domain, { id: { $in: ids(verified) } }, { verifiedAt: new Date(verified[0].verifiedAt!) });

      all = (await list({ limit: 200 })).data;
      expect(all).toHaveLength(25);
      // (At most: two requests may also share a millisecond by chance.)
      expect(new Set(all.map((d) => d.createdAt)).size).toBeLessThanOrEqual(18);
      expect(new Set(all.filter((d) => d.verifiedAt).map((d) => d.verifiedAt)).size).toBeLessThanOrEqual(5);
    });

    it('sorts by every key, ties broken by id, domains never verified last in both directions', async () => {
      for (const sort of SORTS) {
        const page = await list({ sort, limit: 200 });
        expect(ids(page.data), sort).toEqual(ids(sortedLikeTheApi(all, sort)));
        expect(page).toMatchObject({ total: 25, nextCursor: null });
      }
      const byVerified = (await list({ sort: '-verifiedAt', limit: 200 })).data;
      expect(byVerified.slice(0, 9).every((d) => d.verifiedAt !== null)).toBe(true);
      expect(byVerified.slice(9).every((d) => d.verifiedAt === null)).toBe(true);
      // The default is newest first.
      expect(ids((await list({ limit: 200 })).data)).toEqual(ids(sortedLikeTheApi(all, '-createdAt')));
    });

    it('walks all pages of every sort with limit 7: the concatenation is the full sorted list, no duplicates, no gaps', async () => {
      for (const sort of SORTS) {
        const full = ids(sortedLikeTheApi(all, sort));
        const { seen, sizes, totals } = await walk({ sort }, 7);
        expect(sizes, sort).toEqual([7, 7, 7, 4]);
        expect(totals, sort).toEqual([25, 25, 25, 25]);
        expect(ids(seen), sort).toEqual(full);
        // Other page sizes cut the ties elsewhere.
        for (const limit of [1, 3, 24, 25]) expect(ids((await walk({ sort }, limit)).seen), `${sort} limit ${limit}`).toEqual(full);
      }
    });

    it('keeps pages stable while domains are added between fetches: one appears exactly when it sorts after the last row seen', async () => {
      let k = 0;
      for (const sort of SORTS) {
        const added: Array<{ row: DomainRow; lastSeen: string }> = [];
        const { seen } = await walk({ sort }, 7, async (soFar) => {
          k++;
          for (const hostname of [`aaa0${k % 10}${Math.floor(k / 10)}.list.example.com`, `bravo5${k % 10}.list.example.com`, `zulu0${k % 10}${Math.floor(k / 10)}.list.example.com`]) {
            added.push({ row: await add(hostname), lastSeen: soFar.at(-1)!.id });
          }
        });
        const final = ids((await list({ sort, limit: 200 })).data);
        expect(final, sort).toHaveLength(25 + added.length);
        const appears = new Set(added.filter((a) => final.indexOf(a.row.id) > final.indexOf(a.lastSeen)).map((a) => a.row.id));
        const skipped = new Set(added.map((a) => a.row.id).filter((id) => !appears.has(id)));
        expect(ids(seen), sort).toEqual(final.filter((id) => !skipped.has(id)));
        expect(new Set(ids(seen)).size).toBe(seen.length);

        // The rule above is not vacuous: what each sort did with the three new domains of each gap between pages
        // (`+` came later in the walk, `-` was already behind the cursor).
        const verdicts = added.map((a) => `${a.row.hostname.split('.')[0].replace(/\d+$/, '')}${appears.has(a.row.id) ? '+' : '-'}`).join(' ');
        const expected: Record<Sort, string> = {
          createdAt: Array(5).fill('aaa+ bravo+ zulu+').join(' '), // newest last: every one comes, so 5 gaps
          '-createdAt': Array(3).fill('aaa- bravo- zulu-').join(' '), // newest first: none
          hostname: 'aaa- bravo+ zulu+ aaa- bravo+ zulu+ aaa- bravo- zulu+ aaa- bravo- zulu+', // pages end at alpha07, bravo05, charlie02, …
          '-hostname': 'aaa+ bravo+ zulu- aaa+ bravo- zulu- aaa+ bravo- zulu- aaa- bravo- zulu-', // … at charlie02, bravo04, alpha06, aaa…
          // After the first page (verified rows only) a never-verified domain still comes, last, in both directions;
          // later cursors sit among the never-verified rows, where the id decides.
          verifiedAt: 'aaa+ bravo+ zulu+',
          '-verifiedAt': 'aaa+ bravo+ zulu+',
        };
        if (sort.endsWith('verifiedAt')) expect(verdicts.startsWith(expected[sort]), `${sort}: ${verdicts}`).toBe(true);
        else expect(verdicts, sort).toBe(expected[sort]);

        for (const a of added) await owner.delete(`/v1/domains/${a.row.id}`).expect(200);
        expect((await list()).total).toBe(25);
      }
    });

    it('searches hostnames case-insensitively by substring; % and _ match only themselves', async () => {
      const search = async (q: string, extra: Record<string, string> = {}) => {
        const page = await list({ q, sort: 'hostname', limit: 200, ...extra });
        expect(page.total, q).toBe(page.data.length);
        return page.data.map((d) => d.hostname.split('.')[0]);
      };
      expect(await search('BRAVO')).toEqual(Array.from({ length: 8 }, (_, i) => `bravo0${i + 1}`));
      expect(await search('a0')).toEqual(Array.from({ length: 9 }, (_, i) => `alpha0${i + 1}`));
      expect(await search('  Alpha07  ')).toEqual(['alpha07']);
      expect(await search('LIST.Example.COM')).toHaveLength(25);
      expect(await search('e03.list')).toEqual(['charlie03']);
      // As LIKE wildcards these would match: alpha01, alpha01, everything, everything, charlie0x.
      for (const q of ['alpha%1', 'alph_01', '%', '_', 'charli_', '\\', '%.list', 'a\\%']) expect(await search(q), q).toEqual([]);
      expect(await search('nothing-like-this')).toEqual([]);
    });

    it('filters by a comma-separated list of statuses, with total counting the filtered rows', async () => {
      const page = await list({ status: 'pending,verified', limit: 200 });
      expect(page.total).toBe(21);
      expect(page.data).toHaveLength(21);
      expect(new Set(page.data.map((d) => d.status))).toEqual(new Set(['pending', 'verified']));
      expect(ids(page.data).sort()).toEqual(ids(all.filter((d) => d.status === 'pending' || d.status === 'verified')).sort());
      expect((await list({ status: 'failed_permanent' })).total).toBe(2);
      expect((await list({ status: 'failed_temporary', limit: 1 })).total).toBe(2);
      expect((await list({ status: 'failed_temporary,failed_permanent' })).total).toBe(4);
      expect((await list({ status: 'live' })).data).toEqual([]);
      // Together with search and pages.
      const expected = ids(sortedLikeTheApi(all.filter((d) => d.hostname.startsWith('alpha') && ['pending', 'verified'].includes(d.status)), '-verifiedAt'));
      const first = await list({ q: 'ALPHA', status: 'pending,verified', sort: '-verifiedAt', limit: 2 });
      expect(first.total).toBe(expected.length);
      expect(ids((await walk({ q: 'ALPHA', status: 'pending,verified', sort: '-verifiedAt' }, 2)).seen)).toEqual(expected);
    });

    it('answers 400 VALIDATION_FAILED for a garbage cursor, a bad limit, sort or status', async () => {
      const someId = all[0].id;
      const cursors = {
        garbage: 'garbage',
        'not base64 JSON': '!!!',
        'a JSON number': cursorOf(42),
        'an object': cursorOf({ value: 'x', id: someId }),
        'one element': cursorOf(['alpha01.list.example.com']),
        'id not a uuid': cursorOf(['alpha01.list.example.com', 'not-a-uuid']),
        'value not a date': cursorOf(['not-a-date', someId]),
        'value a number': cursorOf([12, someId]),
      };
      for (const [name, cursor] of Object.entries(cursors)) {
        for (const sort of ['hostname', 'createdAt', '-verifiedAt'] as const) {
          if (name === 'value not a date' && sort === 'hostname') continue; // a string is a hostname sort's value
          const res = await owner.get(listUrl({ sort, cursor }));
          expect(res.status, `${name} / ${sort}: ${JSON.stringify(res.body)}`).toBe(400);
          expect(res.body.error.code, name).toBe('VALIDATION_FAILED');
        }
      }
      // A hostname cursor handed to a date sort is garbage for that sort.
      const hostnameCursor = (await list({ sort: 'hostname', limit: 3 })).nextCursor!;
      for (const sort of ['createdAt', 'verifiedAt']) {
        const res = await owner.get(listUrl({ sort, cursor: hostnameCursor }));
        expect(res.status, sort).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      for (const query of [{ limit: 0 }, { limit: 201 }, { limit: -1 }, { limit: 'ten' }, { limit: 2.5 }, { sort: 'name' }, { sort: '-status' }, { status: 'pending,bogus' }]) {
        const res = await owner.get(listUrl(query));
        expect(res.status, JSON.stringify(query)).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect((await list({ limit: 200 })).data).toHaveLength(25);
      expect((await list({ limit: 1 })).data).toHaveLength(1);
    });
  });

});
