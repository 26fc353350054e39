import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishedEvent } from '../src/modules/events/entity.ts';
import { JOIN_ROLE } from '../src/modules/oidc/accounts.ts';
import { OidcIdentity, OidcLoginAttempt, OrganizationOidcProvider } from '../src/modules/oidc/entities.ts';
import { Membership } from '../src/modules/organizations/membership.entity.ts';
import { User } from '../src/modules/users/entity.ts';
import { createOwner } from '../src/modules/users/owner.ts';
import { signIn, startTestPortico, type TestPortico } from './helpers.ts';
import { startOidcProvider, type TestOidcProvider } from './oidc-provider.ts';

const PUBLIC_URL = 'http://portico.test';
const CORP_SECRET = 'corp-client-secret-9f8e7d6c5b4a';
const callbackOf = (key: string) => `${PUBLIC_URL}/v1/auth/oidc/${key}/callback`;
type Agent = ReturnType<typeof supertest.agent>;

// Sign-in with OpenID Connect against real oidc-provider instances: the code flow over HTTP with cookies, the
// state/nonce/PKCE checks, account linking rules, organization providers and tenancy.
describe('oidc: sign-in with OpenID Connect', () => {
  let portico: TestPortico;
  let corpIdp: TestOidcProvider;
  let orgIdp: TestOidcProvider;
  let demoOrgId: string;
  let otherOrgId: string;
  const secrets: string[] = [CORP_SECRET];

  beforeAll(async () => {
    corpIdp = await startOidcProvider({
      clients: [
        { client_id: 'portico-corp', client_secret: CORP_SECRET, redirect_uris: [callbackOf('corp')] },
        { client_id: 'portico-closed', redirect_uris: [callbackOf('closed')] },
        { client_id: 'portico-off', redirect_uris: [callbackOf('off')] },
      ],
      accounts: {
        alice: { email: 'Alice@Corp.test', email_verified: true, name: 'Alice Example' },
        'demo-verified': { email: 'demo@portico.local', email_verified: true },
        'demo-unverified': { email: 'demo@portico.local', email_verified: false },
        'no-email': { name: 'Nobody' },
        outsider: { email: 'eve@elsewhere.test', email_verified: true },
        newcomer: { email: 'new@corp.test', email_verified: true },
      },
    });
    orgIdp = await startOidcProvider({
      clients: [],
      accounts: {
        bob: { email: 'bob@a.test', email_verified: true, name: 'Bob' },
        'carol-claim': { email: 'carol@b.test', email_verified: true },
      },
    });
    process.env.PORTICO_SECRET_CORP_OIDC = CORP_SECRET;
    const provider = (id: string, extra: Record<string, unknown>) => ({ id, displayName: `${id} SSO`, issuer: corpIdp.issuer, clientId: `portico-${id}`, ...extra });
    portico = await startTestPortico({
      http: { publicUrl: PUBLIC_URL },
      auth: {
        oidc: {
          allowInsecureIssuers: true,
          providers: [
            provider('corp', { clientSecretName: 'CORP_OIDC', autoCreateUsers: true, defaultOrganization: 'demo' }),
            provider('closed', { allowedEmailDomains: ['corp.test', 'portico.local'] }),
            provider('off', { enabled: false, autoCreateUsers: true }),
          ],
        },
      },
    });
    const em = portico.container.cradle.orm.em.fork();
    demoOrgId = (await em.findOneOrFail(Membership, { user: { email: 'demo@portico.local' } })).organization.id;
    otherOrgId = (await createOwner(portico.container.cradle.orm, { email: 'carol@b.test', password: 'carol-password-123', organization: 'Org B' })).organization.id;
  });
  afterAll(async () => {
    await portico?.stop();
    await corpIdp?.stop();
    await orgIdp?.stop();
    delete process.env.PORTICO_SECRET_CORP_OIDC;
  });

  const browser = (): Agent => supertest.agent(portico.app!.callback());
  /** GET …/start in `agent`; returns the provider's authorization URL. */
  const start = async (agent: Agent, key: string, redirect?: string) => {
    const res = await agent.get(`/v1/auth/oidc/${key}/start`).query(redirect ? { redirect } : {});
    expect(res.status, res.text).toBe(302);
    return res.headers.location as string;
  };
  const callback = (agent: Agent, url: URL) => agent.get(`${url.pathname}${url.search}`);
  /** The whole flow in a fresh browser: start, sign in at the provider, come back. */
  const signInThrough = async (key: string, idp: TestOidcProvider, account: string, redirect?: string) => {
    const agent = browser();
    const url = await idp.login(await start(agent, key, redirect), account);
    const res = await callback(agent, url);
    return { agent, res };
  };
  const identities = (subject: string) => portico.container.cradle.orm.em.fork().count(OidcIdentity, { subject });

  it('lists the enabled instance providers, and an organization’s when asked by slug', async () => {
    const res = await portico.http.get('/v1/auth/oidc/providers').expect(200);
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual(['corp', 'closed']);
    expect(res.body.data[0]).toEqual({ id: 'corp', kind: 'instance', displayName: 'corp SSO', organization: null });
  });

  it('signs a new person in through the full code flow: session cookie, redirect, account and default organization', async () => {
    const agent = browser();
    const authorizationUrl = new URL(await start(agent, 'corp', '/console/domains?tab=all'));
    expect(authorizationUrl.origin).toBe(corpIdp.issuer);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('nonce')).toBeTruthy();
    expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(callbackOf('corp'));
    const back = await corpIdp.login(authorizationUrl.href, 'alice');
    expect(back.searchParams.get('code')).toBeTruthy();
    secrets.push(back.searchParams.get('code')!);
    const res = await callback(agent, back);
    expect(res.status, res.text).toBe(302);
    expect(res.headers.location).toBe('/console/domains?tab=all');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portico_session='));
    expect(cookie).toMatch(/;\s*httponly/i);
    const session = await agent.get('/v1/auth/session').expect(200);
    expect(session.body.user).toMatchObject({ email: 'alice@corp.test', name: 'Alice Example' });
    const em = portico.container.cradle.orm.em.fork();
    const membership = await em.findOneOrFail(Membership, { user: session.body.user.id });
    expect(membership.organization.id).toBe(demoOrgId);
    expect(membership.role).toBe(JOIN_ROLE);

    // The identity is linked: the next sign-in reaches the same user even when the provider's email changed.
    corpIdp.accounts.set('alice', { email: 'alice.renamed@corp.test', email_verified: false });
    const again = await signInThrough('corp', corpIdp, 'alice');
    expect(again.res.status).toBe(302);
    expect(again.res.headers.location).toBe('/');
    expect((await again.agent.get('/v1/auth/session').expect(200)).body.user.id).toBe(session.body.user.id);
  });

  it('links an existing account by verified email, and never by an unverified one', async () => {
    const refused = await signInThrough('corp', corpIdp, 'demo-unverified');
    expect(refused.res.status).toBe(403);
    expect(refused.res.body.error.code).toBe('OIDC_EMAIL_UNVERIFIED');
    expect(refused.res.headers['set-cookie']?.toString() ?? '').not.toContain('portico_session=');
    expect(await identities('demo-unverified')).toBe(0);
    const noEmail = await signInThrough('corp', corpIdp, 'no-email');
    expect(noEmail.res.body.error.code).toBe('OIDC_EMAIL_UNVERIFIED');

    const linked = await signInThrough('corp', corpIdp, 'demo-verified');
    expect(linked.res.status).toBe(302);
    expect((await linked.agent.get('/v1/auth/session').expect(200)).body.user.email).toBe('demo@portico.local');
    expect(await identities('demo-verified')).toBe(1);
  });

  it('refuses a callback whose state is unknown, missing, from another browser, or already used', async () => {
    const agent = browser();
    const back = await corpIdp.login(await start(agent, 'corp'), 'alice');
    const tampered = new URL(back);
    tampered.searchParams.set('state', 'not-the-state');
    expect((await callback(agent, tampered)).body.error.code).toBe('OIDC_STATE_INVALID');
    const missing = new URL(back);
    missing.searchParams.delete('state');
    expect((await callback(agent, missing)).status).toBe(400);
    // Another browser (no binding cookie) holding the same URL: refused, and the attempt is spent.
    const stolen = await callback(browser(), back);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toMatchObject({ code: 'OIDC_STATE_INVALID', details: { reason: 'other_browser' } });
    expect((await callback(agent, back)).body.error.code).toBe('OIDC_STATE_INVALID');

    // Replaying a callback that worked (same state, code and nonce) finds nothing.
    const replayAgent = browser();
    const good = await corpIdp.login(await start(replayAgent, 'corp'), 'alice');
    expect((await callback(replayAgent, good)).status).toBe(302);
    const replay = await callback(replayAgent, good);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toMatchObject({ code: 'OIDC_STATE_INVALID', details: { reason: 'unknown_state' } });
  });

  it('refuses an expired sign-in, a callback on another provider’s path, and reports the provider’s own refusal', async () => {
    const em = portico.container.cradle.orm.em.fork();
    const agent = browser();
    const late = await corpIdp.login(await start(agent, 'corp'), 'alice');
    await em.nativeUpdate(OidcLoginAttempt, {}, { expiresAt: new Date(Date.now() - 1000) });
    expect((await callback(agent, late)).body.error).toMatchObject({ code: 'OIDC_STATE_INVALID', details: { reason: 'expired' } });

    const elsewhere = await corpIdp.login(await start(agent, 'corp'), 'alice');
    const res = await agent.get(`/v1/auth/oidc/closed/callback${elsewhere.search}`);
    expect(res.body.error).toMatchObject({ code: 'OIDC_STATE_INVALID', details: { reason: 'other_provider' } });

    // The person refused consent at the provider: it answers with an error instead of a code.
    const state = new URL(await start(agent, 'corp')).searchParams.get('state')!;
    const denied = await agent.get('/v1/auth/oidc/corp/callback').query({ error: 'access_denied', state, iss: corpIdp.issuer });
    expect(denied.status).toBe(401);
    expect(denied.body.error).toMatchObject({ code: 'OIDC_AUTHENTICATION_FAILED', details: { reason: 'access_denied' } });
  });

  it('keeps at most ten open sign-ins per browser: starting an eleventh drops the oldest', async () => {
    const agent = browser();
    const oldest = await corpIdp.login(await start(agent, 'corp'), 'alice');
    for (let i = 0; i < 10; i++) await start(agent, 'corp');
    const res = await callback(agent, oldest);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'OIDC_STATE_INVALID', details: { reason: 'unknown_state' } });
  });

  it('refuses a code obtained for another sign-in of the same browser (PKCE and nonce are per sign-in)', async () => {
    const agent = browser();
    const first = new URL(await start(agent, 'corp'));
    const second = await corpIdp.login(await start(agent, 'corp'), 'alice');
    const swapped = new URL(second);
    swapped.searchParams.set('state', first.searchParams.get('state')!);
    const res = await callback(agent, swapped);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('OIDC_AUTHENTICATION_FAILED');
    expect((await agent.get('/v1/auth/session')).status).toBe(401);
  });

  it('only redirects to paths on this site', async () => {
    for (const redirect of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '/ok path']) {
      const res = await browser().get('/v1/auth/oidc/corp/start').query({ redirect });
      expect(res.status, redirect).toBe(400);
      expect(res.body.error.code).toBe('OIDC_REDIRECT_INVALID');
    }
  });

  it('answers 404 for a disabled or unknown provider', async () => {
    for (const key of ['off', 'nope', '00000000-0000-4000-8000-000000000000']) {
      expect((await browser().get(`/v1/auth/oidc/${key}/start`)).body.error.code).toBe('NOT_FOUND');
      expect((await browser().get(`/v1/auth/oidc/${key}/callback?state=x&code=y`)).status).toBe(400);
    }
  });

  it('keeps to a provider’s rules: no account creation unless allowed, only allowed email domains', async () => {
    const created = await signInThrough('closed', corpIdp, 'newcomer');
    expect(created.res.status).toBe(403);
    expect(created.res.body.error.code).toBe('OIDC_SIGNUP_DISABLED');
    const outsider = await signInThrough('closed', corpIdp, 'outsider');
    expect(outsider.res.body.error.code).toBe('OIDC_EMAIL_DOMAIN_REFUSED');
    // A public client (no secret) with an existing, linked account works.
    expect((await signInThrough('closed', corpIdp, 'demo-verified')).res.status).toBe(302);
  });

  describe('an organization’s own provider', () => {
    let owner: Awaited<ReturnType<typeof signIn>>;
    let providerId: string;
    const ORG_SECRET = 'org-a-client-secret-0a1b2c3d';

    beforeAll(async () => {
      owner = await signIn(portico, 'demo@portico.local', 'portico-demo');
    });

    it('is set by the owner: discovery is checked, the secret is sealed and never returned', async () => {
      const path = `/v1/organizations/${demoOrgId}/oidc`;
      const body = { displayName: 'Demo Okta', issuer: orgIdp.issuer, clientId: 'pending', clientSecret: ORG_SECRET };
      const bad = await owner.agent.put(path).set('x-csrf-token', owner.csrf).send({ ...body, issuer: 'http://127.0.0.1:9/' });
      expect(bad.status).toBe(502);
      expect(bad.body.error.code).toBe('OIDC_PROVIDER_UNAVAILABLE');
      const created = await owner.agent.put(path).set('x-csrf-token', owner.csrf).send(body).expect(200);
      providerId = created.body.id;
      expect(created.body.callbackUrl).toBe(callbackOf(providerId));
      // The administrator registers the callback URL at the provider and saves the client id it gives.
      const client = await orgIdp.addClient({ redirect_uris: [created.body.callbackUrl] });
      secrets.push(client.clientSecret!);
      const updated = await owner.agent
        .put(path)
        .set('x-csrf-token', owner.csrf)
        .send({ ...body, clientId: client.clientId, clientSecret: client.clientSecret })
        .expect(200);
      expect(updated.body).toMatchObject({ id: providerId, clientId: client.clientId, hasClientSecret: true, enabled: true, scopes: ['openid', 'email', 'profile'] });
      const read = await owner.agent.get(path).expect(200);
      expect(JSON.stringify(read.body)).not.toContain(client.clientSecret);
      const row = await portico.container.cradle.orm.em.fork().findOneOrFail(OrganizationOidcProvider, { id: providerId }, { populate: ['sealedClientSecret'] });
      expect(row.sealedClientSecret).not.toContain(client.clientSecret);
      const listed = await portico.http.get('/v1/auth/oidc/providers').query({ organization: 'demo' }).expect(200);
      expect(listed.body.data.at(-1)).toEqual({ id: providerId, kind: 'organization', displayName: 'Demo Okta', organization: { slug: 'demo', name: 'Demo Organization' } });
    });

    it('signs people in as members of that organization only', async () => {
      const { agent, res } = await signInThrough(providerId, orgIdp, 'bob', '/welcome');
      expect(res.status, res.text).toBe(302);
      expect(res.headers.location).toBe('/welcome');
      const orgs = await agent.get('/v1/organizations').expect(200);
      expect(orgs.body.data.map((o: { id: string }) => o.id)).toEqual([demoOrgId]);
      expect((await agent.get(`/v1/organizations/${otherOrgId}`)).status).toBe(404);
      const em = portico.container.cradle.orm.em.fork();
      const bob = await em.findOneOrFail(User, { email: 'bob@a.test' });
      expect((await em.findOneOrFail(Membership, { user: bob })).role).toBe(JOIN_ROLE);
      const joined = await em.findOneOrFail(PublishedEvent, { type: 'member.joined', subjectId: bob.id });
      expect(joined.organization.id).toBe(demoOrgId);
      expect(joined.data).toEqual({ email: 'bob@a.test', userId: bob.id, role: JOIN_ROLE });
    });

    it('cannot take over an account of another organization by asserting its email', async () => {
      const { res } = await signInThrough(providerId, orgIdp, 'carol-claim');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('OIDC_ACCOUNT_NOT_LINKABLE');
      const em = portico.container.cradle.orm.em.fork();
      expect(await em.count(Membership, { user: { email: 'carol@b.test' }, organization: demoOrgId })).toBe(0);
      expect(await identities('carol-claim')).toBe(0);
    });

    it('is reachable only inside its organization, and a disabled one answers 404', async () => {
      const carol = await signIn(portico, 'carol@b.test', 'carol-password-123');
      expect((await carol.agent.get(`/v1/organizations/${demoOrgId}/oidc`)).status).toBe(404);
      const put = await carol.agent.put(`/v1/organizations/${demoOrgId}/oidc`).set('x-csrf-token', carol.csrf).send({ displayName: 'x', issuer: orgIdp.issuer, clientId: 'x' });
      expect(put.status).toBe(404);
      expect((await carol.agent.get(`/v1/organizations/${otherOrgId}/oidc`)).status).toBe(404);

      const path = `/v1/organizations/${demoOrgId}/oidc`;
      const current = (await owner.agent.get(path).expect(200)).body;
      const save = (extra: object) => owner.agent.put(path).set('x-csrf-token', owner.csrf).send({ displayName: current.displayName, issuer: current.issuer, clientId: current.clientId, ...extra }).expect(200);
      // enforce: the organization's members may not sign in with a password (the service's answer), while it is enabled.
      const { oidcService } = portico.container.cradle;
      expect(await oidcService.passwordSignInAllowed(owner.user.id)).toBe(true);
      await save({ enforce: true });
      expect(await oidcService.passwordSignInAllowed(owner.user.id)).toBe(false);
      expect(await oidcService.passwordSignInAllowed(carol.user.id)).toBe(true);

      await save({ enabled: false, enforce: true });
      expect(await oidcService.passwordSignInAllowed(owner.user.id)).toBe(true);
      expect((await browser().get(`/v1/auth/oidc/${providerId}/start`)).status).toBe(404);
      const listed = await portico.http.get('/v1/auth/oidc/providers').query({ organization: 'demo' }).expect(200);
      expect(listed.body.data.map((p: { id: string }) => p.id)).not.toContain(providerId);
      await owner.agent.delete(path).set('x-csrf-token', owner.csrf).expect(204);
      expect((await owner.agent.get(path)).status).toBe(404);
    });
  });

  it('never logs client secrets or authorization codes', () => {
    const logs = portico.logs.join('\n');
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
