import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import getPort from 'get-port';
import pg from 'pg';
import { postgresBinaries, reachable, rootStateDir, type PostgresBinaries } from './postgres-binaries.ts';
import { initCluster, isPostgresProcess, readPostmasterPid, startCluster, stopStalePostmaster, SUPERUSER } from './postgres-cluster.ts';

export interface EmbeddedDatabase {
  /** Connection URL of the `portico` database (or the `postgres` database when `database` is null). */
  url: string;
  port: number;
  /** Stop PostgreSQL (and delete the data when it was not persistent). */
  stop(): Promise<void>;
}

/** The password older Portico versions gave every embedded cluster; replaced by a random one on first start. */
const LEGACY_PASSWORD = 'postgres';

/** Files kept beside the data folder: `.portico/postgres` → `.portico/postgres.password`, `.portico/postgres.owner`. */
export const passwordFileOf = (dataDir: string): string => `${resolve(dataDir)}.password`;
const ownerFileOf = (dataDir: string): string => `${resolve(dataDir)}.owner`;

/**
 * Start an embedded PostgreSQL with its data in `dataDir`, listening on 127.0.0.1 only. A persistent cluster is
 * durable (fsync, full-page writes) and its superuser has a random password kept in `<dataDir>.password` (0600);
 * `persistent: false` (tests) removes the data on stop and may skip durability (`durable`, default `persistent`).
 * The configured port is used when free, otherwise a free one. A cluster another live Portico process runs is
 * shared (stopping stays with its owner); one left running by a process that is gone is stopped and restarted.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  durable?: boolean;
  database?: string | null;
  onLog?: (line: string) => void;
  /** Told about what start-up did on its own (a stale cluster stopped, a password replaced). */
  onNotice?: (message: string, details: Record<string, unknown>) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const persistent = options.persistent ?? true;
  const onLog = options.onLog ?? (() => {});
  const notice = options.onNotice ?? (() => {});
  const database = options.database === undefined ? 'portico' : options.database;
  const urlOf = (password: string, port: number) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const binaries = await postgresBinaries();
  const clusterDir = await clusterLocation(dataDir, binaries);

  const live = readPostmasterPid(clusterDir);
  if (live && isPostgresProcess(live.pid)) {
    const owner = Number(existsSync(ownerFileOf(dataDir)) ? readFileSync(ownerFileOf(dataDir), 'utf8') : NaN);
    if (Number.isInteger(owner) && alive(owner)) {
      // A live Portico process (`npm start`, or this one) runs this cluster: share it, and leave stopping it to its owner.
      const password = existsSync(passwordFileOf(dataDir)) ? (await readFile(passwordFileOf(dataDir), 'utf8')).trim() : LEGACY_PASSWORD;
      const base = urlOf(password, live.port);
      if (database) await ensureDatabase(`${base}/postgres`, database);
      return { url: `${base}/${database ?? 'postgres'}`, port: live.port, stop: async () => {} };
    }
    notice('stopping a PostgreSQL left running by an earlier Portico process that is gone', { pid: live.pid, port: live.port, dataDir });
    await stopStalePostmaster(live.pid);
  } else if (live) {
    // After a crash postmaster.pid stays behind, and its pid may belong to another process by now.
    await rm(join(clusterDir, 'postmaster.pid'), { force: true });
  }

  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  const password = persistent ? await passwordFor(dataDir, fresh) : randomBytes(24).toString('hex');
  const durable = options.durable ?? persistent;
  if (fresh) await initCluster(binaries, clusterDir, password, { durable, onLog });
  const { cluster, port } = await startOnFreePort(options.port, (port) => startCluster({ binaries, dataDir: clusterDir, port, durable, onLog }));
  const stop = async () => {
    await cluster.stop();
    await rm(ownerFileOf(dataDir), { force: true });
    if (!persistent) for (const dir of new Set([dataDir, clusterDir])) await rm(dir, { recursive: true, force: true });
  };
  try {
    if (persistent) await writeFile(ownerFileOf(dataDir), String(process.pid));
    const base = urlOf(password, port);
    if (!fresh && (await replaceLegacyPassword(`${base}/postgres`, urlOf(LEGACY_PASSWORD, port), password))) {
      notice('replaced the well-known superuser password of this embedded PostgreSQL with a random one', { passwordFile: passwordFileOf(dataDir) });
    }
    if (database) await ensureDatabase(`${base}/postgres`, database);
    return { url: `${base}/${database ?? 'postgres'}`, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Start on `preferred` when it is free, else on a free port. Another process (a second Portico starting at the
 * same moment) may take the port between the check and PostgreSQL's bind: then try again on another.
 */
async function startOnFreePort<T>(preferred: number | undefined, startOn: (port: number) => Promise<T>): Promise<{ cluster: T; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await getPort({ port: preferred && attempt === 1 ? [preferred] : [], host: '127.0.0.1' });
    try {
      return { cluster: await startOn(port), port };
    } catch (error) {
      if (attempt >= 3 || !/could not bind|Address already in use/.test((error as Error).message)) throw error;
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The cluster's password, kept in `<dataDir>.password` (0600); a new random one for a new cluster or a missing file. */
async function passwordFor(dataDir: string, fresh: boolean): Promise<string> {
  const file = passwordFileOf(dataDir);
  if (!fresh && existsSync(file)) {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept) return kept;
  }
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/**
 * Clusters made by older versions have the superuser password `postgres`: when the kept password does not work
 * and that one does, set the kept one. Returns whether it did.
 */
async function replaceLegacyPassword(url: string, legacyUrl: string, password: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== '28P01') throw error;
  } finally {
    await client.end().catch(() => {});
  }
  const legacy = new pg.Client({ connectionString: legacyUrl });
  await legacy.connect();
  try {
    await legacy.query(`alter user ${legacy.escapeIdentifier(SUPERUSER)} with password ${legacy.escapeLiteral(password)}`);
  } finally {
    await legacy.end();
  }
  return true;
}

/**
 * Where the cluster's files live. Normally `dataDir` itself. As root, PostgreSQL runs as `postgres`, which must
 * reach the folder: the data folder's parent is opened (0755) when that is enough; when a folder above it is
 * closed (a clone in /root), the cluster lives under rootStateDir()/clusters and `dataDir` is a link to it.
 */
async function clusterLocation(dataDir: string, binaries: PostgresBinaries): Promise<string> {
  const parent = dirname(dataDir);
  await mkdir(parent, { recursive: true });
  const account = binaries.account;
  if (!account) return dataDir;
  if (!reachable(parent, account) && reachable(dirname(parent), account)) await chmod(parent, 0o755);
  const stat = await lstat(dataDir).catch(() => undefined);
  if (stat?.isSymbolicLink()) return realpath(dataDir);
  if (reachable(parent, account)) return dataDir;
  if (stat) throw new Error(`The "postgres" account cannot reach ${dataDir}; move it to a folder it can enter, or set DATABASE_URL`);
  const clusters = join(rootStateDir(), 'clusters');
  await mkdir(clusters, { recursive: true, mode: 0o755 });
  for (const dir of [rootStateDir(), clusters]) await chmod(dir, 0o755);
  // A cluster of its own for each new link: a checkout deleted and cloned again at the same path must not find the
  // old checkout's cluster, whose password went with it.
  const target = join(clusters, `${basename(dataDir)}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}-${randomBytes(4).toString('hex')}`);
  await mkdir(target, { recursive: true, mode: 0o700 });
  await chown(target, account.uid, account.gid);
  await symlink(target, dataDir);
  return target;
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
