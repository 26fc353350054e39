import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresBinaries } from './postgres-binaries.ts';

export const SUPERUSER = 'postgres';

/** Settings for a throwaway cluster (tests): fast, and gone with the machine's power. Never for data anyone keeps. */
const UNDURABLE = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

// Every postmaster this process started and has not stopped. If the process ends without stopping them (an exit
// from anywhere, a crash after start-up), each still gets a fast shutdown: a Portico never leaves its own behind.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of running) c.kill('SIGINT');
  });
}

function run(program: string, args: string[], binaries: PostgresBinaries, onLog: (line: string) => void, detached = false): ChildProcess {
  return spawn(program, args, {
    ...binaries.account,
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' },
  }).on('error', (error) => onLog(String(error)));
}

/** Create a cluster in `dataDir` whose superuser `postgres` has `password` (SCRAM, never trust). */
export async function initCluster(binaries: PostgresBinaries, dataDir: string, password: string, options: { durable: boolean; onLog: (line: string) => void }): Promise<void> {
  const { onLog } = options;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pwDir = await mkdtemp(join(tmpdir(), 'portico-initdb-'));
  const pwFile = join(pwDir, 'pw');
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (binaries.account) {
      const { uid, gid } = binaries.account;
      for (const path of [dataDir, pwDir, pwFile]) await chown(path, uid, gid);
    }
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      `--username=${SUPERUSER}`,
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      // The builtin provider needs no operating-system locale, so a cluster behaves the same on every machine.
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--locale=C',
      '--lc-messages=C',
      ...(options.durable ? [] : ['--no-sync']),
    ];
    const child = run(binaries.initdb, args, binaries, onLog);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => onLog(String(d)));
    child.stderr!.on('data', (d: Buffer) => ((output += d), onLog(String(d))));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`initdb failed for ${dataDir} (exit ${code}): ${output.trim().slice(-2000)}`);
  } finally {
    await rm(pwDir, { recursive: true, force: true });
  }
}

export interface RunningCluster {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Start the postmaster on 127.0.0.1:`port` only (no Unix socket), in its own process group: a Ctrl-C at the
 * terminal reaches Portico, which closes its connections first and then stops PostgreSQL itself.
 */
export async function startCluster(options: {
  binaries: PostgresBinaries;
  dataDir: string;
  port: number;
  durable: boolean;
  onLog: (line: string) => void;
}): Promise<RunningCluster> {
  const { binaries, dataDir, port, onLog } = options;
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C'];
  if (!options.durable) args.push(...UNDURABLE);
  const child = run(binaries.postgres, args, binaries, onLog, true);
  track(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => onLog(String(d)));
    child.stderr!.on('data', (d: Buffer) => {
      const text = String(d);
      onLog(text);
      if (output.length < 20_000) output += text;
      if (output.includes('database system is ready to accept connections')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL on ${dataDir} stopped during start-up (${signal ?? `exit ${code}`}): ${output.trim().slice(-2000)}`)));
  });
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}

/** A postmaster.pid's process id and port, when the file exists. */
export function readPostmasterPid(dataDir: string): { pid: number; port: number } | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port: Number.isInteger(port) ? port : 0 } : undefined;
}

/** Whether `pid` is a live PostgreSQL process (not a reused pid of something else). */
export function isPostgresProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: trust the signal check
  }
}

/** Stop a postmaster this process did not start (one left by an earlier run), waiting until it is gone. */
export async function stopStalePostmaster(pid: number, deadlineMs = 60_000): Promise<void> {
  const started = Date.now();
  let signal: NodeJS.Signals = 'SIGINT';
  while (isPostgresProcess(pid)) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (Date.now() - started > deadlineMs / 2) signal = 'SIGQUIT';
    if (Date.now() - started > deadlineMs) throw new Error(`PostgreSQL (pid ${pid}) did not stop within ${deadlineMs / 1000} s; stop it by hand (kill ${pid})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
