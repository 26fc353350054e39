import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { User } from '../src/modules/users/entity.ts';
import { createOrganizationWithUser } from './factories.ts';
import { collectingLogger, signIn, startTestPortico, type TestPortico } from './helpers.ts';

// Who may make accounts and organizations under each `accounts.signup` setting, and the operator CLI.

const PASSWORD = 'correct-horse-battery-staple';
const running: TestPortico[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
});

async function start(signup: 'open' | 'invite-only' | 'closed'): Promise<TestPortico> {
  const portico = await startTestPortico({ seedDemo: false, accounts: { signup } });
  running.push(portico);
  return portico;
}

/** An owner session and an invitation link's token for `email` (taken from the creation answer: no mail server here). */
async function invite(portico: TestPortico, email: string) {
  const org = await createOrganizationWithUser(portico);
  const owner = await signIn(portico, org.email, org.password);
  const res = await owner.agent.post(`/v1/organizations/${org.organizationId}/invitations`).set('x-csrf-token', owner.csrf).send({ email, role: 'admin' });
  expect(res.status).toBe(201);
  return { org, owner, token: /#token=(.+)$/.exec(res.body.acceptUrl as string)![1]! };
}

describe('sign-up policy', () => {
  it('invite-only (the default): sign-up needs an invitation; organizations come from operators', async () => {
    const portico = await start('invite-only');
    const http = supertest(portico.app!.callback());
    const open = await http.post('/v1/auth/signup').send({ email: 'new@example.test', password: PASSWORD, organizationName: 'New' });
    expect(open.status).toBe(403);
    expect(open.body.error.code).toBe('SIGNUP_CLOSED');

    const { token } = await invite(portico, 'invitee@example.test');
    const joined = await http.post('/v1/auth/signup').send({ invitationToken: token, password: PASSWORD, email: 'INVITEE@example.test' });
    expect(joined.body).toMatchObject({ status: 'joined', user: { email: 'invitee@example.test' } });

    // A signed-in user who is not an operator cannot create organizations here.
    const session = await signIn(portico, 'invitee@example.test', PASSWORD);
    const created = await session.agent.post('/v1/organizations').set('x-csrf-token', session.csrf).send({ name: 'Mine', slug: 'mine' });
    expect(created.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'operator' } });
    await portico.container.cradle.orm.em.fork().nativeUpdate(User, { email: 'invitee@example.test' }, { operator: true });
    const byOperator = await session.agent.post('/v1/organizations').set('x-csrf-token', session.csrf).send({ name: 'Mine', slug: 'mine' });
    expect(byOperator.status).toBe(201);
    expect(byOperator.body).toMatchObject({ slug: 'mine', role: 'owner' });
  });

  it('closed: no sign-up at all; an invitation is accepted by an existing account only', async () => {
    const portico = await start('closed');
    const http = supertest(portico.app!.callback());
    const { org, token } = await invite(portico, 'someone@example.test');
    const refused = await http.post('/v1/auth/signup').send({ invitationToken: token, password: PASSWORD });
    expect(refused.body.error.code).toBe('SIGNUP_CLOSED');
    expect((await http.post('/v1/auth/signup').send({ email: 'x@example.test', password: PASSWORD, organizationName: 'X' })).body.error.code).toBe('SIGNUP_CLOSED');
    expect(await portico.container.cradle.orm.em.fork().count(User, { email: 'someone@example.test' })).toBe(0);
    expect(org.organizationId).toBeDefined();
  });

  it('open: sign-up attempts are throttled per address', async () => {
    const portico = await startTestPortico({ seedDemo: false, accounts: { signup: 'open' }, login: { attemptsPerAddress: 2 } });
    running.push(portico);
    const http = supertest(portico.app!.callback());
    for (const n of [1, 2]) expect((await http.post('/v1/auth/signup').send({ email: `u${n}@example.test`, password: PASSWORD, organizationName: `Org ${n}` })).status).toBe(202);
    const third = await http.post('/v1/auth/signup').send({ email: 'u3@example.test', password: PASSWORD, organizationName: 'Org 3' });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('SIGNUP_RATE_LIMITED');
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('portico users make-operator', () => {
  it('grants and withdraws the operator flag of an existing account', async () => {
    const portico = await start('closed');
    const org = await createOrganizationWithUser(portico);
    const dir = mkdtempSync(join(tmpdir(), 'portico-cli-'));
    writeFileSync(join(dir, 'portico.config.json'), JSON.stringify({ database: { url: portico.databaseUrl } }));
    const cli = async (args: string[]) => {
      let out = '';
      let err = '';
      const saved = process.env.DATABASE_URL;
      delete process.env.DATABASE_URL;
      try {
        const code = await runCli([...args, '--config', join(dir, 'portico.config.json')], { out: (t) => (out += t), err: (t) => (err += t), logger: collectingLogger().logger });
        return { code, out, err };
      } finally {
        if (saved !== undefined) process.env.DATABASE_URL = saved;
      }
    };
    const operator = async () => (await portico.container.cradle.orm.em.fork().findOneOrFail(User, { email: org.email })).operator;

    expect(await cli(['users', 'make-operator', '--email', org.email.toUpperCase()])).toMatchObject({ code: 0, out: `${org.email} is now an instance operator.\n` });
    expect(await operator()).toBe(true);
    const session = await signIn(portico, org.email, org.password);
    expect((await session.agent.get('/v1/operator/organizations')).status).toBe(200);
    expect(await cli(['users', 'make-operator', '--email', org.email, '--revoke'])).toMatchObject({ code: 0 });
    expect(await operator()).toBe(false);
    expect((await session.agent.get('/v1/operator/organizations')).body.error.code).toBe('OPERATOR_REQUIRED');
    const unknown = await cli(['users', 'make-operator', '--email', 'nobody@example.test']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('[NOT_FOUND]');
    expect((await cli(['users', 'make-operator'])).code).toBe(2);
  });
});
