import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '../src/db/orm.ts';
import { createTestDatabase } from './helpers.ts';

describe('events migration', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await openDatabase(await createTestDatabase());
  });
  afterAll(async () => orm?.close(true));

  it('creates exactly the table the entity describes (the schema diff has nothing for it)', async () => {
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    const mine = diff.split('\n').filter((line) => /"events"/.test(line));
    expect(mine).toEqual([]);
  });
});
