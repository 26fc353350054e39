import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import supertest from 'supertest';
import type { Kernel } from '@portico/kernel';
import { parseConfig } from '../src/config/load-config.ts';
import { runCli } from '../src/cli.ts';
import { ensureDatabase } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';
import { startPortico, type Portico } from '../src/runtime.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A fresh database for one test file, on the run's PostgreSQL. */
export async function createTestDatabase(): Promise<string> {
  const admin = new URL(inject('adminDatabaseUrl'));
  const name = `portico_test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(admin.href, name);
  admin.pathname = `/${name}`;
  return admin.href;
}

export interface TestPortico extends Portico {
  http: ReturnType<typeof supertest>;
  kernel: Kernel;
  /** Every log line written during the run (for secret scans). */
  logs: string[];
}

/** Portico on its own database with the given raw config (plugins resolved from the repository root). */
export async function startTestPortico(raw: Record<string, unknown> = {}): Promise<TestPortico> {
  const { logger, logs } = collectingLogger();
  const keyFile = `${tmpdir()}/portico-test-keys-${randomBytes(6).toString('hex')}.json`;
  const config = parseConfig({ seedDemo: true, jobs: { pollingIntervalSeconds: 0.5 }, secrets: { keyFile }, ...raw }, {}, 'test');
  config.database.url = await createTestDatabase();
  const portico = await startPortico({ config, baseDir: REPO_ROOT, logger, listen: false });
  return Object.assign(portico, { http: supertest(portico.app!.callback()), kernel: portico.container.cradle.kernel, logs });
}

/** A debug-level logger whose lines are kept in `logs` (for secret scans and assertions on what was logged). */
export function collectingLogger() {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), logs };
}

/** Sign in and return an agent that carries the cookie and the CSRF token. */
export async function signIn(portico: TestPortico, email: string, password: string) {
  const agent = supertest.agent(portico.app!.callback());
  const res = await agent.post('/v1/auth/login').send({ email, password }).expect(200);
  return { agent, csrf: res.body.csrfToken as string, user: res.body.user as { id: string } };
}

/** Poll `read` until `done` says so, at most `tries` times (bounded: a stuck job fails the test, not hangs it). */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, tries = 100, everyMs = 100): Promise<T> {
  let value = await read();
  for (let i = 0; i < tries && !done(value); i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await read();
  }
  return value;
}

/** `portico <args> --config <configFile()>` in this process: its exit code and what it printed to stdout and stderr. */
export function cliRunner(configFile: () => string) {
  return async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli([...args, '--config', configFile()], { out: (t) => (out += t), err: (t) => (err += t), logger: collectingLogger().logger });
    return { code, out, err };
  };
}
