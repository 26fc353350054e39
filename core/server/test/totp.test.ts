import supertest from 'supertest';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortico, type TestPortico } from './helpers.ts';
import { recipients, startSmtpServer, type TestSmtpServer } from './smtp.ts';

const EMAIL = 'demo@portico.local';
const PASSWORD = 'portico-demo';

// Two-factor sign-in: enrolment, sign-in with a code or a recovery code (each once), and turning it off.
describe('totp: two-factor sign-in', () => {
  let smtp: TestSmtpServer;
  let portico: TestPortico;
  let secret: string;
  let recoveryCodes: string[];
  let session: { agent: ReturnType<typeof supertest.agent>; csrf: string };
  const codeAt = (offsetSeconds: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offsetSeconds * 1000 });
  const login = (body: object) => supertest(portico.app!.callback()).post('/v1/auth/login').send({ email: EMAIL, password: PASSWORD, ...body });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    portico = await startTestPortico({ mail: { smtp: { host: smtp.host, port: smtp.port, secure: false } }, login: { attemptsPerAccount: 50 } });
    const agent = supertest.agent(portico.app!.callback());
    const res = await agent.post('/v1/auth/login').send({ email: EMAIL, password: PASSWORD }).expect(200);
    session = { agent, csrf: res.body.csrfToken };
  });
  afterAll(async () => {
    await portico?.stop();
    await smtp?.stop();
  });

  it('enrols: the secret once, an otpauth URI, and the secret sealed at rest', async () => {
    expect((await session.agent.get('/v1/auth/totp').expect(200)).body).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    const res = await session.agent.post('/v1/auth/totp').set('x-csrf-token', session.csrf).expect(201);
    secret = res.body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(res.body.uri).toMatch(/^otpauth:\/\/totp\/Portico:demo%40portico\.local\?/);
    expect(res.body.uri).toContain(`secret=${secret}`);
    const rows = (await portico.container.cradle.orm.em.fork().getConnection().execute('select secret_sealed from user_totp')) as { secret_sealed: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_sealed).not.toContain(secret);
    // Not on until confirmed: sign-in still needs no code.
    await login({}).expect(200);
  });

  it('confirms with a code from the app (a wrong one is refused) and returns ten recovery codes', async () => {
    const wrong = await session.agent.post('/v1/auth/totp/confirm').set('x-csrf-token', session.csrf).send({ code: codeAt(0) === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('TOTP_CODE_INVALID');
    const res = await session.agent.post('/v1/auth/totp/confirm').set('x-csrf-token', session.csrf).send({ code: codeAt(0) }).expect(200);
    recoveryCodes = res.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await session.agent.get('/v1/auth/totp').expect(200)).body).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    await smtp.waitFor((m) => recipients(m).includes(EMAIL) && m.subject === 'Two-factor sign-in is on');
    const again = await session.agent.post('/v1/auth/totp').set('x-csrf-token', session.csrf);
    expect(again.body.error.code).toBe('TOTP_ALREADY_ENABLED');
  });

  it('asks for a code at sign-in, refuses a wrong or replayed one, accepts the next one', async () => {
    const missing = await login({});
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('TOTP_REQUIRED');
    expect(missing.headers['set-cookie']).toBeUndefined();
    const wrong = await login({ code: '000000' === codeAt(30) ? '111111' : '000000' });
    expect(wrong.body.error.code).toBe('TOTP_CODE_INVALID');
    // The confirming code's step is used up; the next step's code (inside the window) works once.
    expect((await login({ code: codeAt(0) })).body.error?.code).toBe('TOTP_CODE_INVALID');
    await login({ code: codeAt(30) }).expect(200);
    expect((await login({ code: codeAt(30) })).body.error.code).toBe('TOTP_CODE_INVALID');
  });

  it('accepts each recovery code once, and mails a notice when one is used', async () => {
    await login({ code: recoveryCodes[0]!.toUpperCase() }).expect(200);
    expect((await login({ code: recoveryCodes[0] })).body.error.code).toBe('TOTP_CODE_INVALID');
    expect((await session.agent.get('/v1/auth/totp').expect(200)).body.recoveryCodesLeft).toBe(9);
    await smtp.waitFor((m) => recipients(m).includes(EMAIL) && m.subject === 'A recovery code was used');
  });

  it('turns off only with the password and a code', async () => {
    const noPassword = await session.agent.post('/v1/auth/totp/disable').set('x-csrf-token', session.csrf).send({ password: 'wrong-password', code: recoveryCodes[1] });
    expect(noPassword.body.error.code).toBe('PASSWORD_INCORRECT');
    const badCode = await session.agent.post('/v1/auth/totp/disable').set('x-csrf-token', session.csrf).send({ password: PASSWORD, code: 'aaaaa-aaaaa' });
    expect(badCode.body.error.code).toBe('TOTP_CODE_INVALID');
    await session.agent.post('/v1/auth/totp/disable').set('x-csrf-token', session.csrf).send({ password: PASSWORD, code: recoveryCodes[1] }).expect(204);
    expect((await session.agent.get('/v1/auth/totp').expect(200)).body).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    await login({}).expect(200);
  });

  it('logs neither the secret, codes nor recovery codes', () => {
    const logs = portico.logs.join('');
    expect(logs).not.toContain(secret);
    for (const code of recoveryCodes) expect(logs).not.toContain(code);
  });
});
