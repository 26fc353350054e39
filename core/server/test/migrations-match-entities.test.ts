import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { ormOptions } from '../src/db/orm.ts';
import { createTestDatabase } from './helpers.ts';

// Migrations are written (or generated) by hand and committed; the entities are the declared truth. After every
// migration has run on an empty database, the schema generator must find nothing left to change: a migration
// that disagrees with its entity (a column type, a nullability, an index, a foreign key) fails here.
describe('migrations', () => {
  it('bring an empty database exactly to the schema the entities declare', async () => {
    const orm = await MikroORM.init(ormOptions(await createTestDatabase()));
    try {
      await orm.migrator.up();
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
      expect(diff.trim(), `Statements the migrations are missing:\n${diff}`).toBe('');
    } finally {
      await orm.close(true);
    }
  });
});
