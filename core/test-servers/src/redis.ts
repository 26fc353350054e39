import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, requireBinary } from './binaries.ts';
import { spawnDaemon } from './daemon.ts';
import { freePort } from './ports.ts';

export interface RedisOptions {
  /** Longest wait for Redis to answer PING. Default 10000 ms. */
  readyTimeoutMs?: number;
  /** `notify-keyspace-events` (Traefik's Redis provider needs e.g. `KEA` to see changes). Default none. */
  notifyKeyspaceEvents?: string;
}

export interface Redis {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The temporary working directory. */
  dir: string;
  pid: number;
  /** Redis's recent output (last 16 KiB), for a failing test's message. */
  log(): string;
  /** Kills Redis by pid and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Whether Redis can be started: `requireBinary('redis-server')` (CI=true: missing fails the suite). */
export function requireRedis(): boolean {
  return requireBinary('redis-server', 'redis-server');
}

/**
 * Starts `redis-server` on a free loopback port in a fresh temporary directory, without persistence (no RDB,
 * no AOF), and resolves once it answers PING. Never the machine's own Redis service. Retries with another port
 * if the one picked was taken meanwhile.
 */
export async function startRedis({ readyTimeoutMs = 10_000, notifyKeyspaceEvents = '' }: RedisOptions = {}): Promise<Redis> {
  const binary = findBinary('redis-server');
  if (!binary) throw new Error('redis-server is not installed: apt-get install redis-server');
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'portico-redis-'));
    let port: number;
    try {
      port = await freePort();
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--notify-keyspace-events', notifyKeyspaceEvents];
    const { child, log, hasExited, stop } = spawnDaemon(binary, args, dir);
    try {
      await waitForPong(port, readyTimeoutMs, hasExited);
      return { url: `redis://127.0.0.1:${port}`, port, dir, pid: child.pid as number, log, stop };
    } catch (err) {
      await stop();
      if (!/address already in use/i.test(log()) || attempt === 3) throw new Error(`redis-server did not become ready: ${(err as Error).message}\n--- redis log ---\n${log()}`, { cause: err });
    }
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    let reply = '';
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function waitForPong(port: number, readyTimeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no PONG within ${readyTimeoutMs} ms`);
}
