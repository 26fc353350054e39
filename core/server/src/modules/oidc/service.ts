import { createHash, randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import { Membership } from '../organizations/membership.entity.ts';
import { Session } from '../sessions/entity.ts';
import type { User } from '../users/entity.ts';
import { resolveUser } from './accounts.ts';
import { createOidcClient } from './client.ts';
import { OidcLoginAttempt, OrganizationOidcProvider } from './entities.ts';
import { findProvider } from './providers.ts';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** Sign-ins one browser may have open at once; starting another drops the oldest. */
const OPEN_ATTEMPTS_PER_BROWSER = 10;
const MAX_REDIRECT = 2048;

/**
 * Where the browser goes after signing in: a path on this site only (`/console/domains?x=1`), never another origin
 * (`//evil.example`, `/\evil.example`, `https://…`). Unset: `/`.
 */
export function safeRedirect(value: string | undefined): string {
  if (value === undefined || value === '') return '/';
  const base = 'http://portico.invalid';
  if (value.length > MAX_REDIRECT || !value.startsWith('/') || /^\/[/\\]/.test(value) || /[\s\\]/.test(value)) {
    throw new AppError('OIDC_REDIRECT_INVALID', 'redirect must be a path on this site, starting with one "/".');
  }
  const url = new URL(value, base);
  if (url.origin !== base) throw new AppError('OIDC_REDIRECT_INVALID', 'redirect must be a path on this site, starting with one "/".');
  return `${url.pathname}${url.search}${url.hash}`;
}

export interface ProviderListing {
  id: string;
  kind: 'instance' | 'organization';
  displayName: string;
  /** Set for an organization's provider. */
  organization: { slug: string; name: string } | null;
}

export function createOidcService({ orm, config, secretBox, logger }: { orm: MikroORM; config: Pick<PorticoConfig, 'auth' | 'http'>; secretBox: SecretBox; logger: Logger }) {
  const settings = config.auth.oidc;
  const client = createOidcClient(settings);
  const log = logger.child({ component: 'oidc' });
  const publicBase = (config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/+$/, '');
  const callbackUrl = (key: string): string => `${publicBase}/v1/auth/oidc/${encodeURIComponent(key)}/callback`;

  /**
   * The provider `userId` must sign in through instead of a password: the enabled, enforced OpenID Connect
   * provider of an organization it belongs to (the first by organization slug when several do), or null.
   */
  async function enforcedProvider(userId: string): Promise<ProviderListing | null> {
    const em = orm.em.fork();
    const organizations = (await em.find(Membership, { user: userId }, { fields: ['organization'] })).map((m) => m.organization.id);
    if (organizations.length === 0) return null;
    const row = await em.findOne(
      OrganizationOidcProvider,
      { organization: { $in: organizations, deletedAt: null }, enabled: true, enforce: true },
      { populate: ['organization'], orderBy: { organization: { slug: 'asc' } } },
    );
    return row ? { id: row.id, kind: 'organization', displayName: row.displayName, organization: { slug: row.organization.slug, name: row.organization.name } } : null;
  }

  return {
    callbackUrl,

    /**
     * Providers the sign-in page can offer: every enabled instance provider and, with `organizationSlug`, that
     * organization's provider when it has an enabled one.
     */
    async listProviders(organizationSlug?: string): Promise<ProviderListing[]> {
      const listed: ProviderListing[] = settings.providers
        .filter((p) => p.enabled)
        .map((p) => ({ id: p.id, kind: 'instance', displayName: p.displayName, organization: null }));
      if (organizationSlug) {
        const row = await orm.em.fork().findOne(OrganizationOidcProvider, { enabled: true, organization: { slug: organizationSlug.toLowerCase(), deletedAt: null } }, { populate: ['organization'] });
        if (row) listed.push({ id: row.id, kind: 'organization', displayName: row.displayName, organization: { slug: row.organization.slug, name: row.organization.name } });
      }
      return listed;
    },

    /**
     * Start a sign-in: remember state, nonce and PKCE verifier (bound to the browser's binding cookie, expiring
     * after `loginTimeoutMinutes`) and return the provider's authorization URL. `binding` is the browser's binding
     * cookie; a new one is returned when it had none.
     */
    async start(providerKey: string, redirect: string | undefined, binding: string | undefined): Promise<{ url: string; binding: string; expiresAt: Date }> {
      const redirectTo = safeRedirect(redirect);
      const em = orm.em.fork();
      const provider = await findProvider(em, settings, secretBox, providerKey);
      const { url, state, nonce, codeVerifier } = await client.authorizationUrl(provider, callbackUrl(provider.key));
      const browser = binding && /^[A-Za-z0-9_-]{43}$/.test(binding) ? binding : randomBytes(32).toString('base64url');
      const bindingHash = sha256(browser);
      const expiresAt = new Date(Date.now() + settings.loginTimeoutMinutes * 60_000);
      await em.nativeDelete(OidcLoginAttempt, { expiresAt: { $lte: new Date() } });
      const open = await em.find(OidcLoginAttempt, { bindingHash }, { orderBy: { createdAt: 'desc' }, offset: OPEN_ATTEMPTS_PER_BROWSER - 1, fields: ['id'] });
      if (open.length) await em.nativeDelete(OidcLoginAttempt, { id: { $in: open.map((a) => a.id) } });
      em.create(OidcLoginAttempt, { stateHash: sha256(state), bindingHash, providerKey: provider.key, nonce, codeVerifier, redirectTo, expiresAt });
      await em.flush();
      return { url: url.href, binding: browser, expiresAt };
    },

    /**
     * Finish a sign-in from the provider's callback: the attempt named by `state` must exist, be unexpired, belong
     * to this provider and to this browser (`binding`); it is consumed first, so a callback works once. Then the
     * code is exchanged and the ID token validated, the user resolved (accounts.ts) and a session created like a
     * password sign-in's (`from`: the client's address and browser, shown in the session list).
     */
    async finish(providerKey: string, query: URLSearchParams, binding: string | undefined, from: { address: string; userAgent?: string }): Promise<{ token: string; session: Session; user: User; redirectTo: string }> {
      const em = orm.em.fork();
      const state = query.get('state');
      const attempt = state ? await em.findOne(OidcLoginAttempt, { stateHash: sha256(state) }) : null;
      const invalid = (reason: string) => new AppError('OIDC_STATE_INVALID', 'This sign-in is unknown, expired, already finished or was started in another browser; start it again.', { reason });
      if (!attempt) throw invalid(state ? 'unknown_state' : 'missing_state');
      // Consumed before anything else: a replayed callback (same state, code and nonce) finds nothing.
      if ((await em.nativeDelete(OidcLoginAttempt, { id: attempt.id })) !== 1) throw invalid('unknown_state');
      if (attempt.expiresAt.getTime() <= Date.now()) throw invalid('expired');
      if (attempt.providerKey !== providerKey) throw invalid('other_provider');
      if (!binding || sha256(binding) !== attempt.bindingHash) throw invalid('other_browser');
      const provider = await findProvider(em, settings, secretBox, providerKey);
      const url = new URL(callbackUrl(provider.key));
      url.search = query.toString();
      const claims = await client.finish(provider, url, { state: state!, nonce: attempt.nonce, codeVerifier: attempt.codeVerifier });
      return em.transactional(async (tx) => {
        const user = await resolveUser(tx, provider, claims, log);
        const token = randomBytes(32).toString('base64url');
        const session = tx.create(Session, {
          user,
          tokenHash: sha256(token),
          csrfToken: randomBytes(32).toString('base64url'),
          expiresAt: new Date(Date.now() + SESSION_TTL_MS),
          lastSeenAt: new Date(),
          ip: from.address.slice(0, 100),
          userAgent: from.userAgent ? from.userAgent.slice(0, 500) : null,
        });
        await tx.flush();
        log.info({ event: 'login.oidc', userId: user.id, provider: provider.key, kind: provider.kind }, 'signed in through OpenID Connect');
        return { token, session, user, redirectTo: attempt.redirectTo };
      });
    },

    enforcedProvider,

    /**
     * Whether `userId` may sign in with a password: not when an organization it belongs to enforces its enabled
     * OpenID Connect provider.
     */
    async passwordSignInAllowed(userId: string): Promise<boolean> {
      return (await enforcedProvider(userId)) === null;
    },
  };
}
export type OidcService = ReturnType<typeof createOidcService>;
