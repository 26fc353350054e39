import { describe, expect, it } from 'vitest';
import { safeRedirect, tokenFromFragment } from './redirect';
import { slugFromName } from './slug';

describe('safeRedirect', () => {
  it('keeps paths of this site, fragment and query included', () => {
    expect(safeRedirect('/domains/abc')).toBe('/domains/abc');
    expect(safeRedirect('/invitations/accept#token=inv_1')).toBe('/invitations/accept#token=inv_1');
    expect(safeRedirect(['/team?tab=invitations'])).toBe('/team?tab=invitations');
  });

  it('sends anything that could leave the site to /domains', () => {
    for (const value of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', 'domains', '', '/ok\\..\\', '/\nevil', undefined, null, 42, [], [42]]) {
      expect(safeRedirect(value), String(value)).toBe('/domains');
    }
  });
});

describe('tokenFromFragment', () => {
  it('reads the token of #token=…, with or without the hash sign', () => {
    expect(tokenFromFragment('#token=abc_DEF-123')).toBe('abc_DEF-123');
    expect(tokenFromFragment('token=xyz&other=1')).toBe('xyz');
    expect(tokenFromFragment('#other=1&token=k%2Bl')).toBe('k+l');
  });

  it('is null without a token', () => {
    expect(tokenFromFragment('')).toBeNull();
    expect(tokenFromFragment('#')).toBeNull();
    expect(tokenFromFragment('#token=')).toBeNull();
    expect(tokenFromFragment('#tokens=abc')).toBeNull();
  });
});

describe('slugFromName', () => {
  it('suggests a slug the server accepts', () => {
    expect(slugFromName('Café Müller & Co.')).toBe('cafe-muller-co');
    expect(slugFromName('  --Acme   GmbH--  ')).toBe('acme-gmbh');
    expect(slugFromName('日本')).toBe('');
    const long = slugFromName(`${'a'.repeat(63)} b`);
    expect(long).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/);
  });
});
