import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwner } from '../src/modules/users/owner.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';
import { recipients, startSmtpServer, type ParsedMail, type TestSmtpServer } from './smtp.ts';

const EMAIL = 'demo@portico.local';
const PASSWORD = 'portico-demo';
const NEW_PASSWORD = 'a-new-password-of-length';
const OTHER = 'reset-limits@example.test';

const tokenOf = (message: ParsedMail): string => {
  const match = /reset-password#token=([A-Za-z0-9_-]+)/.exec(message.text ?? '');
  if (!match) throw new Error('no reset link in the mail');
  return match[1]!;
};

// Password reset by email and password change, against a real SMTP server; tokens and mails never reach the logs.
describe('passwords: reset links and changes', () => {
  let smtp: TestSmtpServer;
  let portico: TestPortico;
  const tokens: string[] = [];
  const count = async (sql: string, params: unknown[] = []) =>
    Number(((await portico.container.cradle.orm.em.fork().getConnection().execute(sql, params)) as { n: string }[])[0]!.n);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    portico = await startTestPortico({
      http: { publicUrl: 'https://portico.test' },
      mail: { smtp: { host: smtp.host, port: smtp.port, secure: false } },
      login: { attemptsPerAccount: 50 },
    });
    await createOwner(portico.container.cradle.orm, { email: OTHER, password: 'another-long-password', organization: 'Limits' });
  });
  afterAll(async () => {
    await portico?.stop();
    await smtp?.stop();
  });

  it('answers 202 for an unknown address and mails nothing; a known address gets a link', async () => {
    await portico.http.post('/v1/auth/password-reset').send({ email: 'nobody@example.test' }).expect(202);
    const signedIn = await signIn(portico, EMAIL, PASSWORD);
    await portico.http.post('/v1/auth/password-reset').send({ email: 'Demo@Portico.local' }).expect(202);
    const message = await smtp.waitFor((m) => recipients(m).includes(EMAIL) && m.subject === 'Reset your Portico password');
    expect(message.text).toContain('https://portico.test/reset-password#token=');
    tokens.push(tokenOf(message));
    expect(smtp.messages.some((m) => recipients(m).includes('nobody@example.test'))).toBe(false);
    // Requesting a link signs nobody out.
    await signedIn.agent.get('/v1/auth/session').expect(200);
  });

  it('sets a new password once with the link, signs every session out and mails a notice', async () => {
    const before = await signIn(portico, EMAIL, PASSWORD);
    await portico.http.post('/v1/auth/password-reset/confirm').send({ token: tokens[0], password: 'short' }).expect(400);
    await portico.http.post('/v1/auth/password-reset/confirm').send({ token: tokens[0], password: NEW_PASSWORD }).expect(204);
    await before.agent.get('/v1/auth/session').expect(401);
    expect((await portico.http.post('/v1/auth/login').send({ email: EMAIL, password: PASSWORD })).body.error.code).toBe('INVALID_CREDENTIALS');
    await signIn(portico, EMAIL, NEW_PASSWORD);
    const again = await portico.http.post('/v1/auth/password-reset/confirm').send({ token: tokens[0], password: 'yet-another-password' }).expect(400);
    expect(again.body.error.code).toBe('PASSWORD_RESET_INVALID');
    await smtp.waitFor((m) => recipients(m).includes(EMAIL) && m.subject === 'Your Portico password was changed');
  });

  it('refuses an expired link', async () => {
    await portico.http.post('/v1/auth/password-reset').send({ email: EMAIL }).expect(202);
    const message = await smtp.waitFor((m) => recipients(m).includes(EMAIL) && m.subject === 'Reset your Portico password' && !tokens.includes(tokenOf(m)));
    tokens.push(tokenOf(message));
    await portico.container.cradle.orm.em.fork().getConnection().execute(`update password_resets set expires_at = now() - interval '1 second' where used_at is null`);
    const res = await portico.http.post('/v1/auth/password-reset/confirm').send({ token: tokens[1], password: 'expired-link-password' }).expect(400);
    expect(res.body.error.code).toBe('PASSWORD_RESET_INVALID');
    await signIn(portico, EMAIL, NEW_PASSWORD);
  });

  it('stores only hashes of reset tokens, and sends nothing past the per-address limit', async () => {
    for (const token of tokens) {
      expect(await count(`select count(*) as n from password_resets where token_hash = ?`, [token])).toBe(0);
      expect(await count(`select count(*) as n from password_resets where token_hash = ?`, [createHash('sha256').update(token).digest('hex')])).toBe(1);
    }
    for (let i = 0; i < 4; i++) await portico.http.post('/v1/auth/password-reset').send({ email: OTHER }).expect(202);
    // auth.passwordResetsPerWindow (3): the fourth request made no link.
    expect(await count(`select count(*) as n from password_resets r join users u on u.id = r.user_id where u.email = ?`, [OTHER])).toBe(3);
  });

  it('changes the password with the current one and signs out the other sessions only', async () => {
    const current = await signIn(portico, EMAIL, NEW_PASSWORD);
    const other = await signIn(portico, EMAIL, NEW_PASSWORD);
    const wrong = await current.agent.post('/v1/auth/password').set('x-csrf-token', current.csrf).send({ currentPassword: 'not-it', newPassword: 'changed-password-123' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('PASSWORD_INCORRECT');
    const short = await current.agent.post('/v1/auth/password').set('x-csrf-token', current.csrf).send({ currentPassword: NEW_PASSWORD, newPassword: 'short' });
    expect(short.body.error.code).toBe('VALIDATION_FAILED');
    const ok = await current.agent.post('/v1/auth/password').set('x-csrf-token', current.csrf).send({ currentPassword: NEW_PASSWORD, newPassword: 'changed-password-123' }).expect(200);
    expect(ok.body.sessionsEnded).toBeGreaterThanOrEqual(1);
    await current.agent.get('/v1/auth/session').expect(200);
    await other.agent.get('/v1/auth/session').expect(401);
    await signIn(portico, EMAIL, 'changed-password-123');
  });

  it('never writes a token, an address or a mail body to the logs or, in clear, to the job table', async () => {
    await smtp.waitFor((m) => recipients(m).includes(OTHER));
    const logs = portico.logs.join('');
    for (const token of tokens) expect(logs).not.toContain(token);
    expect(logs).not.toContain('reset-password#token');
    expect(logs).not.toContain('Reset your Portico password');
    expect(logs.toLowerCase()).not.toContain(OTHER);
    expect(logs).not.toContain('nobody@example.test');
    const jobs = (await portico.container.cradle.orm.em.fork().getConnection().execute(`select data::text as data from pgboss.job where name = 'mail.send'`)) as { data: string }[];
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      for (const token of tokens) expect(job.data).not.toContain(token);
      expect(job.data).not.toContain('reset-password');
    }
  });

  it('keeps a signed-in browser able to ask for a reset without its CSRF token', async () => {
    const agent = supertest.agent(portico.app!.callback());
    await agent.post('/v1/auth/login').send({ email: EMAIL, password: 'changed-password-123' }).expect(200);
    await agent.post('/v1/auth/password-reset').send({ email: EMAIL }).expect(202);
  });
});
