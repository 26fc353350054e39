// Run a command against a throwaway embedded PostgreSQL brought up to the committed migrations, e.g.
// `node scripts/with-temp-db.ts mikro-orm migration:create` (that is `npm run migration:create`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';

const [command, ...args] = process.argv.slice(2);
if (!command) throw new Error('usage: with-temp-db.ts <command> [args…]');
const db = await startEmbeddedPostgres({ dataDir: join(mkdtempSync(join(tmpdir(), 'portico-pg-')), 'data'), port: 0, persistent: false });
let status: number;
try {
  const env = { ...process.env, DATABASE_URL: db.url };
  const up = spawnSync('npx', ['mikro-orm', 'migration:up'], { stdio: 'inherit', env });
  status = up.status === 0 ? (spawnSync('npx', [command, ...args], { stdio: 'inherit', env }).status ?? 1) : (up.status ?? 1);
} finally {
  await db.stop();
}
process.exit(status);
