// Apply Portico's committed database migrations, then exit: the step every Portico process takes at start-up
// (openDatabase in core/server/src/db/orm.ts), on its own, so an upgrade migrates once, before the new version's
// processes start (docs/deployment.md, "Upgrades"). Run it from the installation's folder with the server's config
// and environment:
//
//   node --conditions=portico-source docs/deployment/migrate.ts          apply the pending migrations
//   node --conditions=portico-source docs/deployment/migrate.ts --list   print them, apply nothing
//
// Exit codes: 0 done, 1 failed (the schema is as it was: the pending migrations run in one transaction), 2 usage.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../../core/server/src/config/load-config.ts';
import { ormOptions } from '../../core/server/src/db/orm.ts';

export interface MigrateResult {
  /** Names of the migrations that were pending when the command started. */
  pending: string[];
  /** Names of the migrations it applied (none with `list`). */
  applied: string[];
}

/** Migrate the database at `databaseUrl` with the ORM options Portico itself uses, or only list what is pending. */
export async function migrate(databaseUrl: string, { list = false }: { list?: boolean } = {}): Promise<MigrateResult> {
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  try {
    const pending = (await orm.migrator.getPending()).map((m) => m.name);
    if (list || pending.length === 0) return { pending, applied: [] };
    const applied = (await orm.migrator.up()).map((m) => m.name);
    return { pending, applied };
  } finally {
    await orm.close(true);
  }
}

async function main(argv: string[]): Promise<number> {
  let list: boolean;
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { list: { type: 'boolean', default: false }, config: { type: 'string' } } });
    list = values.list;
    configPath = values.config;
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: node --conditions=portico-source docs/deployment/migrate.ts [--list] [--config path]`);
    return 2;
  }
  try {
    const { config } = await loadConfig({ path: configPath });
    if (!config.database.url) {
      console.error('No database to migrate: set DATABASE_URL (or database.url). The embedded PostgreSQL is migrated by Portico when it starts.');
      return 2;
    }
    const { pending, applied } = await migrate(config.database.url, { list });
    if (list) console.log(pending.length === 0 ? 'No migration is pending.' : `Pending (${pending.length}):\n${pending.map((name) => `  ${name}`).join('\n')}`);
    else if (applied.length === 0) console.log('No migration is pending.');
    else console.log(`Applied (${applied.length}):\n${applied.map((name) => `  ${name}`).join('\n')}`);
    return 0;
  } catch (error) {
    const e = error as { code?: string; message: string };
    console.error(`Migration failed${e.code ? ` [${e.code}]` : ''}: ${e.message}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
