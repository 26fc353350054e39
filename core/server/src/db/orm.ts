import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { AuditedEntityManager } from '../modules/audit/entity-manager.ts';
import { AuditSubscriber } from '../modules/audit/subscriber.ts';
import { ENTITIES } from './entities.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** The ORM options for one database URL; the CLI config and the application both use this. */
export function ormOptions(clientUrl: string, extra: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    // Every change to an audited entity is recorded in the same transaction (modules/audit): flushes by the
    // subscriber, nativeUpdate/nativeDelete by the entity manager.
    subscribers: [new AuditSubscriber()],
    entityManager: AuditedEntityManager,
    extensions: [Migrator],
    migrations: { path: MIGRATIONS_DIR, pathTs: MIGRATIONS_DIR, glob: '!(*.d).{js,ts}', emit: 'ts', snapshot: false, silent: true },
    // Every request and job gets its own context; a stray global em use is a bug.
    allowGlobalContext: false,
    pool: { min: 0, max: 10 },
    ...extra,
  });
}

/** The advisory lock every process takes to migrate: one migrates, the others wait and then find nothing to do. */
const MIGRATION_LOCK = 'portico:migrations';

/**
 * Connect and bring the schema up to date with the committed migrations (production never syncs the schema). Every
 * process migrates at start-up, so processes starting together (an API and a worker, a rolling upgrade) take turns:
 * the migrations run under a session advisory lock held on a connection of its own, released when they are done or
 * when the process dies (its session ends), never left behind.
 */
export async function openDatabase(clientUrl: string, extra: Partial<Options> = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(clientUrl, extra));
  const lock = new pg.Client({ connectionString: clientUrl, application_name: 'portico migrations' });
  try {
    await lock.connect();
    await lock.query('select pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    await orm.migrator.up();
    await lock.query('select pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
  } catch (error) {
    await orm.close(true);
    throw error;
  } finally {
    await lock.end().catch(() => undefined);
  }
  return orm;
}
