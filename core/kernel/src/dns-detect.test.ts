import { describe, expect, it } from 'vitest';
import { confidenceOf, matchesPattern, matchNameservers } from './dns-detect.ts';

describe('matchesPattern', () => {
  it('matches whole labels: * is one label, never a suffix trick', () => {
    expect(matchesPattern('nora.ns.cloudflare.com', '*.ns.cloudflare.com')).toBe(true);
    expect(matchesPattern('NORA.NS.CLOUDFLARE.COM.', '*.ns.cloudflare.com')).toBe(true);
    expect(matchesPattern('ns.cloudflare.com', '*.ns.cloudflare.com')).toBe(false);
    expect(matchesPattern('a.b.ns.cloudflare.com', '*.ns.cloudflare.com')).toBe(false);
    expect(matchesPattern('evilns.cloudflare.com', '*.ns.cloudflare.com')).toBe(false);
    expect(matchesPattern('ns1.digitalocean.com', 'ns1.digitalocean.com')).toBe(true);
  });

  it('a * inside a label matches letters, digits and hyphens; a leading ** one or more labels', () => {
    expect(matchesPattern('ns-1234.awsdns-56.org', '*.awsdns-*.org')).toBe(true);
    expect(matchesPattern('ns-1234.awsdns.org', '*.awsdns-*.org')).toBe(false);
    expect(matchesPattern('dns1.p03.nsone.net', '**.nsone.net')).toBe(true);
    expect(matchesPattern('nsone.net', '**.nsone.net')).toBe(false);
  });
});

describe('matchNameservers', () => {
  const installed = [{ provider: 'powerdns', displayName: 'PowerDNS', setup: 'api' as const, nameservers: ['*.pdns.example'] }];

  it('rates by the share of nameservers matched and prefers installed providers', () => {
    const [best] = matchNameservers(['ns1.pdns.example', 'ns2.pdns.example'], installed);
    expect(best).toMatchObject({ provider: 'powerdns', confidence: 'high', setup: 'api' });
    expect(best.evidence).toEqual(['nameserver ns1.pdns.example matches *.pdns.example', 'nameserver ns2.pdns.example matches *.pdns.example']);
  });

  it('names a well-known provider without a plugin for manual setup, and both providers of a mixed zone', () => {
    const found = matchNameservers(['nora.ns.cloudflare.com', 'ns-1.awsdns-2.com', 'ns-3.awsdns-4.net'], []);
    expect(found.map((d) => [d.provider, d.confidence, d.setup])).toEqual([
      ['route53', 'medium', 'manual'],
      ['cloudflare', 'low', 'manual'],
    ]);
    expect(matchNameservers(['ns1.unknown-host.example'], installed)).toEqual([]);
    expect(matchNameservers([], installed)).toEqual([]);
  });

  it('an installed plugin replaces the well-known row of the same provider', () => {
    const cloudflare = [{ provider: 'cloudflare', displayName: 'Cloudflare (plugin)', setup: 'api' as const, nameservers: ['*.ns.cloudflare.com'] }];
    expect(matchNameservers(['nora.ns.cloudflare.com'], cloudflare)).toEqual([expect.objectContaining({ displayName: 'Cloudflare (plugin)', setup: 'api' })]);
  });

  it('confidence thresholds', () => {
    expect([confidenceOf(1), confidenceOf(0.8), confidenceOf(0.5), confidenceOf(0.49)]).toEqual(['high', 'high', 'medium', 'low']);
  });
});
