import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { passwordFileOf, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { isPostgresProcess } from '../src/db/postgres-cluster.ts';

// The embedded PostgreSQL that `npm start` keeps a user's data in: durable, a password nobody knows, reachable
// from 127.0.0.1 only, and it recovers from what an earlier run left behind.
const started: EmbeddedDatabase[] = [];
/** Postmasters a test left without an owner on purpose; stopped here if the test failed before it did. */
const orphans: number[] = [];
afterEach(async () => {
  for (const db of started.splice(0)) await db.stop();
  for (const pid of orphans.splice(0)) if (isPostgresProcess(pid)) process.kill(pid, 'SIGINT');
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-epg-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
  return dir;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function refused(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

const withPassword = (url: string, password: string) => {
  const u = new URL(url);
  u.password = password;
  return u.href;
};

describe('embedded PostgreSQL', { timeout: 180_000 }, () => {
  it('a persistent cluster is durable, listens on 127.0.0.1 only, and its superuser has a random password kept in a 0600 file', async () => {
    const dataDir = join(folder(), '.portico/postgres');
    const db = await startEmbeddedPostgres({ dataDir, port: 0 });
    started.push(db);
    const [settings] = await query<Record<string, string>>(
      db.url,
      "select current_setting('fsync') as fsync, current_setting('full_page_writes') as fpw, current_setting('synchronous_commit') as sc, current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets",
    );
    expect(settings).toEqual({ fsync: 'on', fpw: 'on', sc: 'on', listen: '127.0.0.1', sockets: '' });
    const file = passwordFileOf(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(new URL(db.url).password).toBe(password);
    expect(await refused(withPassword(db.url, 'postgres'))).toBe('28P01');
  });

  it('a cluster made by an older version (password "postgres", no password file) keeps its data and gets a random password', async () => {
    const dataDir = join(folder(), '.portico/postgres');
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    await query(first.url, "create table kept (v text); insert into kept values ('still here'); alter user postgres with password 'postgres'");
    await first.stop();
    rmSync(passwordFileOf(dataDir));

    const notices: string[] = [];
    const db = await startEmbeddedPostgres({ dataDir, port: 0, onNotice: (message) => notices.push(message) });
    started.push(db);
    expect(notices.some((n) => n.includes('replaced the well-known superuser password'))).toBe(true);
    expect(await query(db.url, 'select v from kept')).toEqual([{ v: 'still here' }]);
    expect(statSync(passwordFileOf(dataDir)).mode & 0o777).toBe(0o600);
    expect(await refused(withPassword(db.url, 'postgres'))).toBe('28P01');
  });

  it('a PostgreSQL left running by a Portico process that is gone is stopped and started afresh (the notice names its pid)', async () => {
    const dataDir = join(folder(), '.portico/postgres');
    // A process that starts the cluster and is then killed without any chance to stop it.
    const module = new URL('../src/db/embedded-postgres.ts', import.meta.url).href;
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { startEmbeddedPostgres } = await import(${JSON.stringify(module)}); await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: 0 }); console.log('READY');`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => String(d).includes('READY') && resolve());
      child.once('exit', (code) => reject(new Error(`the starter exited (${code}) before READY`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const stale = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    orphans.push(stale);
    expect(() => process.kill(stale, 0)).not.toThrow(); // still running, orphaned

    const notices: Array<{ message: string; details: Record<string, unknown> }> = [];
    const db = await startEmbeddedPostgres({ dataDir, port: 0, onNotice: (message, details) => notices.push({ message, details }) });
    started.push(db);
    expect(notices).toContainEqual(expect.objectContaining({ details: expect.objectContaining({ pid: stale }) }));
    // Stopped: gone once its new parent has reaped it (bounded wait).
    const gone = () => {
      try {
        process.kill(stale, 0);
        return false;
      } catch {
        return true;
      }
    };
    for (let i = 0; i < 100 && !gone(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(gone()).toBe(true);
    expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  // Root only: the failure this guards against (EACCES) exists only when PostgreSQL must run as another account.
  it.runIf(process.getuid?.() === 0)('as root, a data folder inside a folder the postgres account cannot enter works (kept under the root state folder, linked)', async () => {
    const closed = mkdtempSync(join(tmpdir(), 'portico-closed-')); // 0700, like /root
    const state = folder();
    const saved = process.env.PORTICO_ROOT_STATE_DIR;
    process.env.PORTICO_ROOT_STATE_DIR = state;
    try {
      const dataDir = join(closed, 'clone/.portico/postgres');
      const db = await startEmbeddedPostgres({ dataDir, port: 0 });
      started.push(db);
      expect(lstatSync(dataDir).isSymbolicLink()).toBe(true);
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);

      // The checkout deleted and cloned again at the same path: a fresh cluster, not the old one it cannot sign in to.
      await db.stop();
      started.splice(started.indexOf(db), 1);
      rmSync(join(closed, 'clone'), { recursive: true, force: true });
      const again = await startEmbeddedPostgres({ dataDir, port: 0 });
      started.push(again);
      expect(await query(again.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      if (saved === undefined) delete process.env.PORTICO_ROOT_STATE_DIR;
      else process.env.PORTICO_ROOT_STATE_DIR = saved;
    }
  });
});
