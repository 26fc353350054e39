/**
 * A real OpenID Connect provider for tests: `oidc-provider` 9 on 127.0.0.1:0 with static clients, accounts the
 * test controls, and its own interaction routes (devInteractions off) that a test drives with plain HTTP:
 * `login(authorizationUrl, accountId)` follows the provider's redirects, signs the account in, grants consent and
 * returns the URL the provider sends the browser back to (Portico's callback with `code` and `state`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
}

export interface TestOidcProvider {
  issuer: string;
  /** Accounts by subject; tests may add or change them between sign-ins. */
  accounts: Map<string, TestAccount>;
  /** Register another client (dynamic registration), for redirect URIs known only after the provider started. */
  addClient(client: Omit<TestClient, 'client_id'> & { public?: boolean }): Promise<{ clientId: string; clientSecret?: string }>;
  /** Sign `accountId` in at `authorizationUrl` and return where the provider redirects the browser afterwards. */
  login(authorizationUrl: string, accountId: string): Promise<URL>;
  stop(): Promise<void>;
}

// oidc-provider ships no type declarations; the few members used here, typed loosely.
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: unknown, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: GrantClass;
}
interface Interaction {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> } };
  params: { client_id: string };
  session?: { accountId: string };
  grantId?: string;
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
interface GrantClass {
  new (input: { accountId: string; clientId: string }): Grant;
  find(id: string): Promise<Grant | undefined>;
}

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

export async function startOidcProvider({ clients, accounts = {} }: { clients: TestClient[]; accounts?: Record<string, TestAccount> }): Promise<TestOidcProvider> {
  // A variable specifier keeps the untyped package out of type checking.
  const specifier = 'oidc-provider';
  const { default: Provider } = (await import(specifier)) as { default: new (issuer: string, config: unknown) => ProviderInstance };
  const accountMap = new Map(Object.entries(accounts));

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction uid mismatch');
    if (req.method === 'GET' && !action) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ uid, prompt: details.prompt.name }));
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const accountId = (await readForm(req)).get('account') ?? '';
      if (!accountMap.has(accountId)) {
        res.statusCode = 400;
        res.end('unknown account');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    if (req.method === 'POST' && action === 'confirm') {
      const { prompt, params, session } = details;
      const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: session!.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant!.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant!.addOIDCClaims(prompt.details.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) grant!.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant!.save();
      await provider.interactionFinished(req, res, details.grantId ? { consent: {} } : { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  const server = createServer((req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/(login|confirm))?(?:\?.*)?$/.exec(req.url ?? '');
    if (!match) return handler(req, res);
    interaction(req, res, match[1]!, match[2]).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider: ProviderInstance = new Provider(issuer, {
    clients: clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: c.client_secret ? 'client_secret_basic' : 'none' })),
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accountMap.get(sub);
      return account ? { accountId: sub, claims: () => ({ sub, ...account }) } : undefined;
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false }, registration: { enabled: true } },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    cookies: { keys: ['portico-test-oidc-cookie-key'] },
    pkce: { required: () => true },
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' }] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  });
  const handler = provider.callback();

  return {
    issuer,
    accounts: accountMap,
    async addClient(client) {
      const res = await fetch(`${issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: client.redirect_uris,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: client.public ? 'none' : 'client_secret_basic',
        }),
      });
      if (res.status !== 201) throw new Error(`client registration failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { client_id: string; client_secret?: string };
      return { clientId: body.client_id, clientSecret: body.client_secret };
    },
    async login(authorizationUrl, accountId) {
      const jar = new Map<string, string>();
      const request = async (url: string, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
        const res = await fetch(url, { ...init, headers, redirect: 'manual' });
        for (const cookie of res.headers.getSetCookie()) {
          const [pair] = cookie.split(';');
          const at = pair!.indexOf('=');
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        return res;
      };
      let next = new URL(authorizationUrl);
      for (let hop = 0; hop < 20; hop++) {
        if (next.origin !== issuer) return next;
        const interactionMatch = /^\/interaction\/([^/]+)$/.exec(next.pathname);
        let res: Response;
        if (interactionMatch) {
          const { prompt } = (await (await request(next.href)).json()) as { prompt: string };
          const form = new URLSearchParams(prompt === 'login' ? { account: accountId } : {});
          res = await request(`${next.href}/${prompt === 'login' ? 'login' : 'confirm'}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: form.toString(),
          });
        } else {
          res = await request(next.href);
        }
        const location = res.headers.get('location');
        if (!location) throw new Error(`the provider answered ${res.status} without a redirect at ${next.pathname}: ${await res.text()}`);
        next = new URL(location, next);
      }
      throw new Error('too many redirects at the provider');
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
