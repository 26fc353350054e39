import { describe, expect, it } from 'vitest';
import { oidcConfigSchema } from '../src/modules/oidc/config.ts';
import { safeRedirect } from '../src/modules/oidc/service.ts';

const provider = { id: 'corp', displayName: 'Corp', issuer: 'https://login.corp.example', clientId: 'portico' };

// The parts of sign-in with OpenID Connect that need no server: the config's rules and the redirect check.
describe('oidc: config and redirects', () => {
  it('fills defaults: openid always asked for, no account creation, enabled', () => {
    const parsed = oidcConfigSchema.parse({ providers: [{ ...provider, scopes: ['email', 'groups'] }] });
    expect(parsed.providers[0]).toMatchObject({ scopes: ['openid', 'email', 'groups'], autoCreateUsers: false, enabled: true });
    expect(parsed).toMatchObject({ loginTimeoutMinutes: 10, clockToleranceSeconds: 5, allowInsecureIssuers: false });
    expect(oidcConfigSchema.parse(undefined).providers).toEqual([]);
  });

  it('refuses ids that are not URL names, look like UUIDs or repeat, and secrets written into the file', () => {
    for (const id of ['Corp', '1corp', 'a/b', 'a'.repeat(33), 'deadbeef-0000-4000-8000-000000000000']) {
      expect(oidcConfigSchema.safeParse({ providers: [{ ...provider, id }] }).success, id).toBe(false);
    }
    expect(oidcConfigSchema.safeParse({ providers: [provider, provider] }).success).toBe(false);
    expect(oidcConfigSchema.safeParse({ providers: [{ ...provider, clientSecretName: 'has spaces or $' }] }).success).toBe(false);
    expect(oidcConfigSchema.safeParse({ providers: [{ ...provider, allowedEmailDomains: ['not a domain'] }] }).success).toBe(false);
    expect(oidcConfigSchema.parse({ providers: [{ ...provider, allowedEmailDomains: ['Corp.Example'] }] }).providers[0]!.allowedEmailDomains).toEqual(['corp.example']);
  });

  it('keeps redirects on this site', () => {
    expect(safeRedirect(undefined)).toBe('/');
    expect(safeRedirect('/console/domains?tab=all#top')).toBe('/console/domains?tab=all#top');
    expect(safeRedirect('/a/../b')).toBe('/b');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'evil.example', 'javascript:alert(1)', '/a b', '/a\tb', `/${'a'.repeat(2048)}`]) {
      expect(() => safeRedirect(bad), bad).toThrow(expect.objectContaining({ code: 'OIDC_REDIRECT_INVALID' }));
    }
  });
});
