import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwner } from '../src/modules/users/owner.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

const EMAIL = 'demo@portico.local';
const PASSWORD = 'portico-demo';

// Console sign-in: the session cookie, the CSRF synchronizer token, sign-out, and the password hash.
describe('auth: sessions, cookies and CSRF', () => {
  let portico: TestPortico;
  let organizationId: string;
  /** Every response body and header seen in this file, for the secret scan at the end. */
  const seen: string[] = [];
  const record = <R extends { text: string; headers: Record<string, unknown> }>(res: R): R => {
    seen.push(res.text ?? '', JSON.stringify(res.headers));
    return res;
  };

  beforeAll(async () => {
    portico = await startTestPortico();
    const { agent } = await signIn(portico, EMAIL, PASSWORD);
    organizationId = (await agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => portico?.stop());

  const login = (body: unknown) => portico.http.post('/v1/auth/login').send(body as object).then(record);
  const sessionCookie = (res: { headers: Record<string, unknown> }): string => {
    const cookies = (res.headers['set-cookie'] ?? []) as string[];
    const cookie = cookies.find((c) => c.startsWith('portico_session='));
    if (!cookie) throw new Error(`no portico_session cookie in ${JSON.stringify(cookies)}`);
    return cookie;
  };
  const cookiePair = (setCookie: string) => setCookie.split(';')[0];

  it('signs in: 200 with the user and a CSRF token, and an HttpOnly SameSite=Lax session cookie', async () => {
    const res = await login({ email: EMAIL, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: EMAIL });
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = sessionCookie(res);
    expect(cookiePair(cookie)).toMatch(/^portico_session=[A-Za-z0-9_-]{32,}$/);
    // Attribute names are case-insensitive (RFC 6265 §5.2).
    expect(cookie).toMatch(/;\s*httponly(;|$)/i);
    expect(cookie).toMatch(/;\s*samesite=lax(;|$)/i);
    expect(cookie).toMatch(/;\s*path=\/(;|$)/i);
  });

  it('accepts the email in any case', async () => {
    const res = await login({ email: EMAIL.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
  });

  it('answers 401 INVALID_CREDENTIALS for a wrong password and for an unknown email, without a cookie', async () => {
    for (const body of [
      { email: EMAIL, password: 'not-the-password' },
      { email: 'nobody@portico.local', password: PASSWORD },
    ]) {
      const res = await login(body);
      expect(res.status, body.email).toBe(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
      expect(res.headers['set-cookie'], body.email).toBeUndefined();
    }
  });

  it('answers 400 VALIDATION_FAILED for a malformed body', async () => {
    for (const body of [{}, { email: 'not-an-email', password: PASSWORD }, { email: EMAIL }, { email: EMAIL, password: '' }, { email: EMAIL, password: 42 }]) {
      const res = await login(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(Array.isArray(res.body.error.details.issues)).toBe(true);
    }
  });

  it('GET /v1/auth/session works with the cookie and answers 401 UNAUTHENTICATED without it', async () => {
    const loggedIn = await login({ email: EMAIL, password: PASSWORD });
    const cookie = cookiePair(sessionCookie(loggedIn));
    const res = record(await portico.http.get('/v1/auth/session').set('cookie', cookie));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { email: EMAIL }, csrfToken: loggedIn.body.csrfToken });

    const anonymous = record(await portico.http.get('/v1/auth/session'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');

    const forged = record(await portico.http.get('/v1/auth/session').set('cookie', 'portico_session=not-a-real-token'));
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses cookie-authenticated writes without the right x-csrf-token (403 CSRF_TOKEN_INVALID) and accepts the right one', async () => {
    const { agent, csrf } = await signIn(portico, EMAIL, PASSWORD);
    const url = `/v1/organizations/${organizationId}/projects`;

    const missing = record(await agent.post(url).send({ name: 'No token', slug: 'no-token' }));
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('CSRF_TOKEN_INVALID');

    const wrong = record(await agent.post(url).set('x-csrf-token', `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`).send({ name: 'Wrong', slug: 'wrong' }));
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('CSRF_TOKEN_INVALID');

    // Another session's token is not this session's token.
    const other = await signIn(portico, EMAIL, PASSWORD);
    const foreign = record(await agent.post(url).set('x-csrf-token', other.csrf).send({ name: 'Foreign', slug: 'foreign' }));
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('CSRF_TOKEN_INVALID');

    const list = (await agent.get(url).expect(200)).body.data.map((p: { slug: string }) => p.slug);
    expect(list).not.toContain('no-token');
    expect(list).not.toContain('wrong');
    expect(list).not.toContain('foreign');

    const ok = record(await agent.post(url).set('x-csrf-token', csrf).send({ name: 'With token', slug: 'with-token' }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ slug: 'with-token', organizationId });
  });

  it('signs in again while a session is live (no token needed) and ends the browser’s previous session', async () => {
    const first = await login({ email: EMAIL, password: PASSWORD });
    const firstCookie = cookiePair(sessionCookie(first));
    const otherBrowser = cookiePair(sessionCookie(await login({ email: EMAIL, password: PASSWORD })));

    const again = record(await portico.http.post('/v1/auth/login').set('cookie', firstCookie).send({ email: EMAIL, password: PASSWORD }));
    expect(again.status).toBe(200);
    expect(again.body.csrfToken).not.toBe(first.body.csrfToken);
    const newCookie = cookiePair(sessionCookie(again));
    expect(newCookie).not.toBe(firstCookie);

    const url = `/v1/organizations/${organizationId}/projects`;
    const created = await portico.http.post(url).set('cookie', newCookie).set('x-csrf-token', again.body.csrfToken).send({ name: 'New session', slug: 'new-session' });
    expect(created.status).toBe(201);
    const old = record(await portico.http.get('/v1/auth/session').set('cookie', firstCookie));
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('UNAUTHENTICATED');
    expect((await portico.http.get('/v1/auth/session').set('cookie', otherBrowser)).status).toBe(200);

    // A wrong password from a signed-in browser is just wrong credentials, and the session lives on.
    const wrong = record(await portico.http.post('/v1/auth/login').set('cookie', newCookie).send({ email: EMAIL, password: 'nope' }));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await portico.http.get('/v1/auth/session').set('cookie', newCookie)).status).toBe(200);
  });

  it('sign-out ends the session: the old cookie then gets 401', async () => {
    const loggedIn = await login({ email: EMAIL, password: PASSWORD });
    const cookie = cookiePair(sessionCookie(loggedIn));
    const csrf = loggedIn.body.csrfToken as string;

    // Sign-out is a write too: without the token it is refused and the session lives on.
    const noToken = record(await portico.http.post('/v1/auth/logout').set('cookie', cookie));
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await portico.http.get('/v1/auth/session').set('cookie', cookie)).status).toBe(200);

    const out = record(await portico.http.post('/v1/auth/logout').set('cookie', cookie).set('x-csrf-token', csrf));
    expect(out.status).toBe(204);
    // The browser is told to drop the cookie.
    expect(cookiePair(sessionCookie(out))).toBe('portico_session=');

    for (const [name, res] of Object.entries({
      session: await portico.http.get('/v1/auth/session').set('cookie', cookie),
      organizations: await portico.http.get('/v1/organizations').set('cookie', cookie),
      write: await portico.http.post(`/v1/organizations/${organizationId}/projects`).set('cookie', cookie).set('x-csrf-token', csrf).send({ name: 'After', slug: 'after' }),
    })) {
      record(res);
      expect(res.status, name).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a browser that signed out is anonymous afterwards (the cookie is dropped)', async () => {
    const agent = supertest.agent(portico.app!.callback());
    const res = record(await agent.post('/v1/auth/login').send({ email: EMAIL, password: PASSWORD }));
    expect(res.status).toBe(200);
    await agent.post('/v1/auth/logout').set('x-csrf-token', res.body.csrfToken).expect(204);
    // The agent dropped the cookie it was told to drop; it is anonymous now.
    const after = record(await agent.get('/v1/auth/session'));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('stores the password as argon2id and never shows the hash in a response or a log line', async () => {
    const em = portico.container.cradle.orm.em.fork();
    const rows = await em.getConnection().execute<{ password_hash: string }[]>('select password_hash from users where email = ?', [EMAIL]);
    expect(rows).toHaveLength(1);
    const hash = rows[0].password_hash;
    expect(hash.startsWith('$argon2id$')).toBe(true);

    // A few more responses that carry the user.
    const { agent } = await signIn(portico, EMAIL, PASSWORD);
    record(await agent.get('/v1/auth/session'));
    record(await agent.get('/v1/organizations'));

    expect(seen.length).toBeGreaterThan(20);
    const hashBody = hash.split('$').at(-1)!; // the digest alone, in case the PHC prefix were stripped
    for (const text of [...seen, ...portico.logs]) {
      expect(text).not.toContain(hash);
      expect(text).not.toContain(hashBody);
      expect(text).not.toContain('$argon2');
      expect(text).not.toContain(PASSWORD);
    }
    expect(portico.logs.length).toBeGreaterThan(0);
  });
});

// Sign-in throttling: per account and per client address, counted before the password is checked.
describe('auth: sign-in throttle and audit', () => {
  let portico: TestPortico;
  const owner = async (email: string, password: string) => (await createOwner(portico.container.cradle.orm, { email, organization: `Org of ${email}`, password })).user;
  afterAll(async () => portico?.stop());

  it('answers the 6th attempt of an account in a window with 429 LOGIN_RATE_LIMITED and Retry-After, without checking the password; other accounts still sign in', async () => {
    portico = await startTestPortico();
    const target = await owner('target@example.com', 'target-password-1');
    await owner('bystander@example.com', 'bystander-password-1');
    const attempt = (email: string, password: string) => portico.http.post('/v1/auth/login').send({ email, password });

    for (let i = 1; i <= 5; i++) {
      const res = await attempt('target@example.com', `wrong-${i}`);
      expect(res.status, `attempt ${i}`).toBe(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    const sixth = await attempt('TARGET@example.com', 'wrong-6');
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('LOGIN_RATE_LIMITED');
    const retryAfter = Number(sixth.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(sixth.body.error.details.retryAfterSeconds).toBe(retryAfter);
    // Refused before the password is looked at: the right one is refused too, and no session is made.
    const right = await attempt('target@example.com', 'target-password-1');
    expect(right.status).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();

    // Another account from the same address is not locked out.
    expect((await attempt('bystander@example.com', 'bystander-password-1')).status).toBe(200);

    // Audit: one line per failure with the account id (or the email's hash) and the address, never the password.
    const failed = portico.logs.filter((line) => line.includes('"login.failed"')).map((line) => JSON.parse(line));
    expect(failed).toHaveLength(5);
    for (const entry of failed) expect(entry).toMatchObject({ reason: 'wrong_password', userId: target.id, emailHash: expect.stringMatching(/^[0-9a-f]{16}$/), address: expect.any(String) });
    expect(portico.logs.filter((line) => line.includes('"login.throttled"'))).toHaveLength(1);
    for (const line of portico.logs) expect(line).not.toMatch(/wrong-\d|target-password-1/);
  });

  it('a successful sign-in resets its account and gives the address its attempt back', async () => {
    await owner('steady@example.com', 'steady-password-1');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await portico.http.post('/v1/auth/login').send({ email: 'steady@example.com', password: 'nope' })).status).toBe(401);
      expect((await portico.http.post('/v1/auth/login').send({ email: 'steady@example.com', password: 'steady-password-1' })).status).toBe(200);
    }
  });
});

describe('auth: sign-in throttle per client address', () => {
  let portico: TestPortico;
  afterAll(async () => portico?.stop());

  it('refuses an address past its limit whichever emails it tries (unknown ones too), with 429 LOGIN_RATE_LIMITED', async () => {
    portico = await startTestPortico({ login: { attemptsPerAddress: 4, attemptsPerAccount: 100 } });
    for (let i = 0; i < 10; i++) expect((await portico.http.post('/v1/auth/login').send({ email: EMAIL, password: PASSWORD })).status, 'successes are given back').toBe(200);
    for (let i = 1; i <= 4; i++) expect((await portico.http.post('/v1/auth/login').send({ email: `nobody${i}@example.com`, password: 'x' })).status).toBe(401);
    const refused = await portico.http.post('/v1/auth/login').send({ email: 'someone-else@example.com', password: 'x' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('LOGIN_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const unknown = portico.logs.filter((line) => line.includes('"login.failed"')).map((line) => JSON.parse(line));
    expect(unknown.every((entry) => entry.reason === 'unknown_email' && entry.userId === undefined && /^[0-9a-f]{16}$/.test(entry.emailHash))).toBe(true);
  });
});
