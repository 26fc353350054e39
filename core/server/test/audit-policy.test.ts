import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormOptions } from '../src/db/orm.ts';
import { IGNORED_FIELDS, isSecretField, NOT_AUDITED, SECRET_FIELDS } from '../src/modules/audit/policy.ts';
import { createTestDatabase } from './helpers.ts';

// The audit policy names entities and fields by string: it must name real ones, or a renamed secret column would
// silently reach the log.
describe('audit policy', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await MikroORM.init(ormOptions(await createTestDatabase()));
  });
  afterAll(async () => orm?.close(true));

  const metas = () => new Map([...orm.getMetadata()].map((meta) => [meta.className, meta]));

  it('names only entities that exist', () => {
    const known = metas();
    for (const name of NOT_AUDITED) expect(known.has(name), `NOT_AUDITED names ${name}`).toBe(true);
  });

  it('names only secret fields that exist, and every hidden field is redacted', () => {
    const known = metas();
    for (const [entity, fields] of Object.entries(SECRET_FIELDS)) {
      const meta = known.get(entity);
      if (!meta) continue; // an entity of a slice not built yet: nothing to redact
      for (const field of fields) expect(Object.keys(meta.properties), `${entity}.${field}`).toContain(field);
    }
    for (const meta of known.values()) {
      for (const [field, prop] of Object.entries(meta.properties)) {
        if (prop.hidden) expect(isSecretField(meta.className, field, true), `${meta.className}.${field}`).toBe(true);
        if (SECRET_FIELDS[meta.className]?.includes(field)) expect(IGNORED_FIELDS.has(field), `${meta.className}.${field} is both secret and ignored`).toBe(false);
      }
    }
  });
});
