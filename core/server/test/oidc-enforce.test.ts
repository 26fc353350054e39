import { Secret, TOTP } from 'otpauth';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganizationOidcProvider } from '../src/modules/oidc/entities.ts';
import { Organization } from '../src/modules/organizations/entity.ts';
import { Session } from '../src/modules/sessions/entity.ts';
import { createOrganizationWithUser, type TestUser } from './factories.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';

// Password sign-in for members of an organization that enforces its OpenID Connect provider: refused with
// PASSWORD_SIGNIN_DISABLED once the credentials are right (so it reveals nothing about other accounts), no session.
// No provider is contacted: the refusal reads only the organization's settings.
describe('oidc: an enforced organization provider turns password sign-in off', () => {
  let portico: TestPortico;
  let org: Awaited<ReturnType<typeof createOrganizationWithUser>>;
  let outsider: TestUser;
  let providerId: string;
  let recoveryCodes: string[] = [];

  const login = (email: string, password: string, extra: object = {}) => supertest(portico.app!.callback()).post('/v1/auth/login').send({ email, password, ...extra });
  const sessionsOf = (userId: string) => portico.container.cradle.orm.em.fork().count(Session, { user: userId });
  const setProvider = async (fields: { enabled?: boolean; enforce?: boolean }) => {
    const em = portico.container.cradle.orm.em.fork();
    await em.nativeUpdate(OrganizationOidcProvider, { id: providerId }, fields);
  };

  beforeAll(async () => {
    portico = await startTestPortico({ login: { attemptsPerAccount: 50, attemptsPerAddress: 200 } });
    org = await createOrganizationWithUser(portico, { role: 'owner', name: `acme-${Date.now().toString(36)}` });
    outsider = await createOrganizationWithUser(portico, { role: 'owner' });
    const em = portico.container.cradle.orm.em.fork();
    const provider = em.create(OrganizationOidcProvider, {
      organization: em.getReference(Organization, org.organizationId),
      displayName: 'Acme Okta',
      issuer: 'https://idp.acme.invalid',
      clientId: 'portico',
      scopes: ['openid', 'email'],
      enabled: true,
      enforce: false,
    });
    await em.flush();
    providerId = provider.id;
  }, 60_000);

  afterAll(async () => {
    await portico?.stop();
  });

  it('signs members in with a password while the provider does not enforce', async () => {
    await login(org.email, org.password).expect(200);
  });

  it('refuses the right password with 403 PASSWORD_SIGNIN_DISABLED naming the provider, and creates no session', async () => {
    await setProvider({ enforce: true });
    const before = await sessionsOf(org.userId);
    const res = await login(org.email, org.password);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'PASSWORD_SIGNIN_DISABLED', details: { provider: providerId } });
    expect(res.body.error.message).toContain('Acme Okta');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await sessionsOf(org.userId)).toBe(before);
  });

  it('answers a wrong password or an unknown email as before: nothing about the provider', async () => {
    const wrong = await login(org.email, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const unknown = await login('nobody@acme.invalid', org.password);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(JSON.stringify([wrong.body, unknown.body])).not.toContain('Acme Okta');
  });

  it('asks for the two-factor code first, then refuses', async () => {
    await setProvider({ enforce: false });
    const session = await signIn(portico, org.email, org.password);
    const enrol = await session.agent.post('/v1/auth/totp').set('x-csrf-token', session.csrf).expect(201);
    const code = TOTP.generate({ secret: Secret.fromBase32(enrol.body.secret as string) });
    const confirmed = await session.agent.post('/v1/auth/totp/confirm').set('x-csrf-token', session.csrf).send({ code }).expect(200);
    recoveryCodes = confirmed.body.recoveryCodes as string[];
    await setProvider({ enforce: true });
    const before = await sessionsOf(org.userId);
    expect((await login(org.email, org.password)).body.error.code).toBe('TOTP_REQUIRED');
    const refused = await login(org.email, org.password, { code: recoveryCodes[0] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('PASSWORD_SIGNIN_DISABLED');
    expect(await sessionsOf(org.userId)).toBe(before);
  });

  it('still signs in members of other organizations, and everyone once the provider is disabled', async () => {
    await login(outsider.email, outsider.password).expect(200);
    await setProvider({ enabled: false, enforce: true });
    await login(org.email, org.password, { code: recoveryCodes[1] }).expect(200);
  });
});
