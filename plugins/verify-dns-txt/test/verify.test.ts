import { verifierConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDns, type TestDns } from './dns.ts';

verifierConformance({
  name: 'verify.dns-txt with dns.memory',
  method: 'dns-txt',
  zone: 'example.com',
  setup: () => startTestDns({ id: 'verify-conformance', zone: 'example.com' }),
});

describe('verify.dns-txt against a real DNS server', () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await startTestDns({ id: 'verify-integration', zone: 'shop.test' });
  });
  afterAll(async () => {
    await dns?.teardown();
  });

  const input = { hostname: 'www.shop.test', token: 'tok-1' };

  it('challenges with portico-verification=<token> at _portico-challenge.<hostname>', () => {
    expect(dns.kernel.challenge('dns-txt', input)).toEqual([
      { name: '_portico-challenge.www.shop.test', type: 'TXT', value: 'portico-verification=tok-1' },
    ]);
  });

  it('goes from missing to verified as the record appears, next to unrelated TXT values', async () => {
    const missing = await dns.kernel.verify('dns-txt', input);
    expect(missing.status).toBe('missing');
    expect(missing.message).toContain('Add a TXT record at _portico-challenge.www.shop.test with the value portico-verification=tok-1');

    const records = [...dns.kernel.challenge('dns-txt', input), { name: '_portico-challenge.www.shop.test', type: 'TXT' as const, value: 'other=1' }];
    await dns.publish(records);
    try {
      expect(await dns.kernel.verify('dns-txt', input)).toMatchObject({ status: 'verified' });
    } finally {
      await dns.unpublish(records);
    }
  });

  it('verifies a token longer than one TXT character-string (split on the wire, joined by the lookup)', async () => {
    const long = { hostname: 'long.shop.test', token: 'k'.repeat(400) };
    const records = dns.kernel.challenge('dns-txt', long);
    await dns.publish(records);
    try {
      expect(await dns.kernel.verify('dns-txt', long)).toMatchObject({ status: 'verified' });
    } finally {
      await dns.unpublish(records);
    }
  });

  it('reports a stale token as mismatch', async () => {
    const stale = dns.kernel.challenge('dns-txt', { ...input, token: 'tok-0' });
    await dns.publish(stale);
    try {
      const result = await dns.kernel.verify('dns-txt', input);
      expect(result).toMatchObject({ status: 'mismatch', found: ['portico-verification=tok-0'] });
      expect(result.message).toMatch(/earlier attempt/);
    } finally {
      await dns.unpublish(stale);
    }
  });

  it('is missing when the name exists without TXT (NODATA)', async () => {
    dns.zones.apply({
      zone: 'shop.test',
      upsert: [{ name: '_portico-challenge.www.shop.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }],
      remove: [],
    });
    try {
      expect(await dns.kernel.verify('dns-txt', input)).toMatchObject({ status: 'missing' });
    } finally {
      dns.zones.apply({ zone: 'shop.test', upsert: [], remove: [{ name: '_portico-challenge.www.shop.test', type: 'A', ttl: 60, values: [] }] });
    }
  });

  it('reports a dead DNS server as error naming the code, and a cancelled check as error too', async () => {
    await dns.breakDns();
    try {
      const result = await dns.kernel.verify('dns-txt', input);
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/\((ECONNREFUSED|ETIMEOUT)/);
    } finally {
      await dns.restoreDns();
    }
    const cancelled = await dns.kernel.verify('dns-txt', { ...input, signal: AbortSignal.abort() });
    expect(cancelled.status).toBe('error');
    expect(cancelled.message).toContain('ECANCELLED');
  });

  it('reports a name in no zone the servers serve (they refuse it: ENOZONE) as error, not missing', async () => {
    const result = await dns.kernel.verify('dns-txt', { hostname: 'www.elsewhere.nowhere', token: 't' });
    expect(result.status).toBe('error');
    expect(result.message).toContain('ENOZONE');
  });

  it('reports nameservers that disagree as error (EINCONSISTENT) whether or not the record is published', async () => {
    const records = dns.kernel.challenge('dns-txt', input);
    await dns.publish(records);
    try {
      await dns.breakDns('inconsistent');
      const result = await dns.kernel.verify('dns-txt', input);
      expect(result.status).toBe('error');
      expect(result.message).toContain('EINCONSISTENT');
    } finally {
      await dns.restoreDns();
      await dns.unpublish(records);
    }
  });
});
