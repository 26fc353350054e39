import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/orm.ts';
import { createTestDatabase } from './helpers.ts';

// Every process migrates at start-up: several starting together on an empty database (an API and workers, a
// rolling upgrade) must all come up, with each migration applied once.
describe('migrations at start-up', () => {
  const opened: MikroORM[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((orm) => orm.close(true)));
  });

  it('four processes opening one empty database at once all come up, each migration applied once', async () => {
    const url = await createTestDatabase();
    const results = await Promise.allSettled([openDatabase(url), openDatabase(url), openDatabase(url), openDatabase(url)]);
    for (const result of results) if (result.status === 'fulfilled') opened.push(result.value);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: number }>('select name, count(*)::int as n from mikro_orm_migrations group by name having count(*) > 1');
      expect(rows).toEqual([]);
      const { rows: locks } = await client.query<{ n: number }>("select count(*)::int as n from pg_locks where locktype = 'advisory' and granted");
      expect(locks[0]!.n).toBe(0);
      expect(await opened[0]!.migrator.getPending()).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
