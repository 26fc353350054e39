/**
 * The relying-party side of OpenID Connect, over openid-client: discovery, the authorization URL (code flow with
 * PKCE, state and nonce) and the callback (code exchange, ID token validation, userinfo). Knows nothing of users.
 */
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { AppError } from '../../errors/app-error.ts';
import type { OidcConfig } from './config.ts';

/** What the client needs to talk to one provider. */
export interface ProviderEndpoint {
  issuer: string;
  clientId: string;
  /** Unset: a public client (PKCE only). */
  clientSecret?: string;
  scopes: string[];
}

/** The claims Portico reads, from the ID token merged with userinfo. */
export interface OidcClaims {
  iss: string;
  sub: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
}

const DISCOVERY_TTL_MS = 60 * 60 * 1000;

export function createOidcClient(settings: Pick<OidcConfig, 'allowInsecureIssuers' | 'clockToleranceSeconds' | 'timeoutSeconds'>) {
  const cache = new Map<string, { configuration: Promise<oidc.Configuration>; at: number }>();

  async function discover(endpoint: ProviderEndpoint): Promise<oidc.Configuration> {
    const issuer = new URL(endpoint.issuer);
    if (issuer.protocol !== 'https:' && !(settings.allowInsecureIssuers && issuer.protocol === 'http:')) {
      throw new AppError('OIDC_PROVIDER_UNAVAILABLE', 'The provider’s issuer must be an https URL.', { issuer: endpoint.issuer });
    }
    const metadata: Partial<oidc.ClientMetadata> = { [oidc.clockTolerance]: settings.clockToleranceSeconds };
    const auth = endpoint.clientSecret ? oidc.ClientSecretBasic(endpoint.clientSecret) : oidc.None();
    try {
      return await oidc.discovery(issuer, endpoint.clientId, metadata, auth, {
        execute: settings.allowInsecureIssuers ? [oidc.allowInsecureRequests] : [],
        timeout: settings.timeoutSeconds,
      });
    } catch (error) {
      throw new AppError('OIDC_PROVIDER_UNAVAILABLE', 'The provider’s discovery document could not be read or does not match its issuer.', {
        issuer: endpoint.issuer,
        reason: reasonOf(error),
      });
    }
  }

  /** The provider's configuration, discovered once an hour per issuer, client and secret (a failure is not kept). */
  function configuration(endpoint: ProviderEndpoint): Promise<oidc.Configuration> {
    const key = createHash('sha256').update(JSON.stringify([endpoint.issuer, endpoint.clientId, endpoint.clientSecret ?? ''])).digest('hex');
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.configuration;
    const configuration = discover(endpoint);
    cache.set(key, { configuration, at: Date.now() });
    configuration.catch(() => cache.delete(key));
    return configuration;
  }

  return {
    /** Read the provider's discovery document (OIDC_PROVIDER_UNAVAILABLE when it cannot be read or names another issuer). */
    async check(endpoint: ProviderEndpoint): Promise<void> {
      await configuration(endpoint);
    },

    /** A fresh state, nonce and PKCE verifier, and the provider's authorization URL asking for them. */
    async authorizationUrl(endpoint: ProviderEndpoint, redirectUri: string) {
      const config = await configuration(endpoint);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: endpoint.scopes.join(' '),
        response_type: 'code',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, state, nonce, codeVerifier };
    },

    /**
     * Finish the code flow: `callbackUrl` is the redirect URI with the provider's query. Checks state, exchanges
     * the code with the PKCE verifier, validates the ID token (signature, issuer, audience, times, nonce) and
     * reads userinfo when the ID token lacks the email.
     */
    async finish(endpoint: ProviderEndpoint, callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<OidcClaims> {
      const config = await configuration(endpoint);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          pkceCodeVerifier: expected.codeVerifier,
          idTokenExpected: true,
        });
      } catch (error) {
        throw failure(error);
      }
      const idToken = tokens.claims();
      if (!idToken) throw new AppError('OIDC_AUTHENTICATION_FAILED', 'The provider returned no ID token.', { reason: 'no_id_token' });
      let claims: Record<string, unknown> = { ...idToken };
      if (typeof claims.email !== 'string' && tokens.access_token) {
        try {
          claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...claims };
        } catch (error) {
          throw failure(error);
        }
      }
      return {
        iss: idToken.iss,
        sub: idToken.sub,
        email: typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name : undefined,
      };
    },
  };
}
export type OidcClient = ReturnType<typeof createOidcClient>;

/** A short, secret-free reason: the OAuth error code or the library's error code. */
function reasonOf(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) return error.error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown';
}

function failure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const reason = reasonOf(error);
  // A provider that cannot be reached is not the person's fault: 502, and retrying may help.
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|UND_ERR|OAUTH_TIMEOUT)/.test(reason) || (error as Error)?.name === 'TimeoutError') {
    return new AppError('OIDC_PROVIDER_UNAVAILABLE', 'The provider could not be reached.', { reason });
  }
  return new AppError('OIDC_AUTHENTICATION_FAILED', 'The provider’s answer was refused; start the sign-in again.', { reason });
}
