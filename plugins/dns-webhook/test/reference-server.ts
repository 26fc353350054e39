// Starts reference/server.py (python3, standard library only) on 127.0.0.1, port 0, in a fresh temporary
// directory, and stops it by process id. The port is the one the server prints on its first line of stdout, so
// no other process can take it between choosing and binding.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBinary, requireBinary } from '@portico/test-servers';
import type { WireEndpoint } from '../src/protocol.ts';

export const SERVER_PY = fileURLToPath(new URL('../reference/server.py', import.meta.url));

/** CI=true: a missing python3 fails the suite; elsewhere the tests are skipped with a printed reason. */
export const requirePython = (): boolean => requireBinary('python3', 'python3');

export interface ReferenceServerOptions {
  zones?: Array<{ name: string; nameservers?: string[]; records?: WireEndpoint[] }>;
  /** The bearer token, given to the server in a file (never on its command line). None: no auth. */
  token?: string;
  /** Answer as a plain external-dns webhook (no Portico additions). */
  plain?: boolean;
  /** Longest wait for the `listening` line. Default 10000 ms. */
  readyTimeoutMs?: number;
}

export interface ReferenceServer {
  url: string;
  port: number;
  pid: number;
  /** The server's recent stderr (its request log), for assertions and a failing test's message. */
  log(): string;
  /** SIGTERM (SIGKILL after 5 s), wait for the exit, remove the directory; safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test that forgets stop() (or a crashed worker) must not leave a server behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startReferenceServer({ zones = [], token, plain = false, readyTimeoutMs = 10_000 }: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const python = findBinary('python3');
  if (!python) throw new Error('python3 is not installed: apt-get install python3');
  const dir = await mkdtemp(join(tmpdir(), 'portico-webhook-'));
  const args = [SERVER_PY, '--host', '127.0.0.1', '--port', '0', '--zones', join(dir, 'zones.json')];
  await writeFile(join(dir, 'zones.json'), JSON.stringify({ zones }));
  if (token !== undefined) {
    await writeFile(join(dir, 'token'), token, { mode: 0o600 });
    args.push('--token-file', join(dir, 'token'));
  }
  if (plain) args.push('--plain');
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', PYTHONUNBUFFERED: '1' } });
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-16_384)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`reference server: no "listening" line within ${readyTimeoutMs} ms\n${stderr}`)), readyTimeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^listening 127\.0\.0\.1:(\d+)$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`reference server exited (${code}) before listening\n${stderr}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return { url: `http://127.0.0.1:${port}`, port, pid: child.pid!, log: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
