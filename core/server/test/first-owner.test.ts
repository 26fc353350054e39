import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { countUsers } from '../src/db/seed.ts';
import { startPortico, type Portico } from '../src/runtime.ts';
import { collectingLogger, createTestDatabase, REPO_ROOT, startTestPortico } from './helpers.ts';

// No installation starts with an account whose password is known, except the demo; the operator CLI makes the
// first owner.
const running: Portico[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
});

/** Portico on `databaseUrl` with a plain (non-demo) config. */
async function portico(databaseUrl: string): Promise<Portico & { http: ReturnType<typeof supertest> }> {
  const config = parseConfig({ secrets: { keyFile: join(mkdtempSync(join(tmpdir(), 'portico-keys-')), 'keys.json') } }, {}, 'test');
  config.database.url = databaseUrl;
  const started = await startPortico({ config, baseDir: REPO_ROOT, logger: collectingLogger().logger, listen: false });
  running.push(started);
  return Object.assign(started, { http: supertest(started.app!.callback()) });
}

/** Run the CLI against `databaseUrl` through a config file (DATABASE_URL from the environment would win over it). */
async function cli(databaseUrl: string, args: string[], stdin?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-cli-'));
  writeFileSync(join(dir, 'portico.config.json'), JSON.stringify({ database: { url: databaseUrl } }));
  let out = '';
  let err = '';
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    const code = await runCli([...args, '--config', join(dir, 'portico.config.json')], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      logger: collectingLogger().logger,
      readStdin: async () => stdin ?? '',
    });
    return { code, out, err };
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
}

describe('first owner', () => {
  it('an empty database with a non-demo config gets no account; demo mode gets the demo owner', async () => {
    const plain = await portico(await createTestDatabase());
    expect(await countUsers(plain.container.cradle.orm)).toBe(0);
    expect(plain.needsOwner).toBe(true);
    expect((await plain.http.post('/v1/auth/login').send({ email: 'demo@portico.local', password: 'portico-demo' })).status).toBe(401);

    const demo = await startTestPortico({ seedDemo: true });
    running.push(demo);
    expect(demo.needsOwner).toBe(false);
    expect((await demo.http.post('/v1/auth/login').send({ email: 'demo@portico.local', password: 'portico-demo' })).status).toBe(200);
  });

  it('users create-owner makes an owner who can sign in: a generated password printed once, or one read from stdin', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await cli(databaseUrl, ['users', 'create-owner', '--email', 'Ops@Example.com', '--organization', 'Acme Corp', '--name', 'Ops']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const password = /Password \(shown this once[^:]*\): (\S+)/.exec(first.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const app = await portico(databaseUrl);
    expect(app.needsOwner).toBe(false);
    const agent = supertest.agent(app.app!.callback());
    const signedIn = await agent.post('/v1/auth/login').send({ email: 'ops@example.com', password });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ email: 'ops@example.com', name: 'Ops' });
    const orgs = (await agent.get('/v1/organizations').expect(200)).body.data;
    expect(orgs).toMatchObject([{ name: 'Acme Corp', slug: 'acme-corp', role: 'owner' }]);

    // A second owner of the same organization, with a password from stdin (never echoed back).
    const second = await cli(databaseUrl, ['users', 'create-owner', '--email', 'cto@example.com', '--organization', 'Acme Corp', '--password-stdin'], 'a-long-chosen-password\n');
    expect(second.code).toBe(0);
    expect(second.out).toContain('existing organization');
    expect(second.out).not.toContain('a-long-chosen-password');
    const cto = supertest.agent(app.app!.callback());
    expect((await cto.post('/v1/auth/login').send({ email: 'cto@example.com', password: 'a-long-chosen-password' })).status).toBe(200);
    expect((await cto.get('/v1/organizations').expect(200)).body.data).toMatchObject([{ id: orgs[0].id, role: 'owner' }]);

    // Refusals, each with its code: an email in use, a short password, no email.
    const again = await cli(databaseUrl, ['users', 'create-owner', '--email', 'ops@example.com']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('[CONFLICT]');
    const short = await cli(databaseUrl, ['users', 'create-owner', '--email', 'short@example.com', '--password-stdin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.err).toContain('[VALIDATION_FAILED]');
    const none = await cli(databaseUrl, ['users', 'create-owner']);
    expect(none.code).toBe(2);
    expect(await countUsers(app.container.cradle.orm)).toBe(2);
  });
});
