import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';

/** A server process started in its own temporary folder, with its recent output and an idempotent stop. */
export interface Daemon {
  child: ChildProcess;
  /** The last 16 kB of stdout and stderr. */
  log(): string;
  hasExited(): boolean;
  /** SIGTERM (SIGKILL after 5 s), wait for the exit, remove the folder; safe to call twice. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 16_384;
const running = new Set<{ child: ChildProcess; dir: string }>();

// A test that forgets stop() (or a crashed worker) must not leave a daemon behind.
process.once('exit', () => {
  for (const { child, dir } of running) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

export function spawnDaemon(binary: string, args: string[], dir: string): Daemon {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { child, dir };
  running.add(entry);
  let log = '';
  const append = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-LOG_LIMIT));
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let spawnFailed = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnFailed = true;
      append(Buffer.from(`spawn failed: ${err.message}\n`));
      resolve();
    });
  });
  const hasExited = () => spawnFailed || child.exitCode !== null || child.signalCode !== null;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (!hasExited()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(entry);
      await rm(dir, { recursive: true, force: true });
    })());
  return { child, log: () => log, hasExited, stop };
}
