import { verifierConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDns, type TestDns } from './dns.ts';

const plugin = { ipv4: ['192.0.2.10', '192.0.2.11'], ipv6: ['2001:db8::10'] };

verifierConformance({
  name: 'verify.dns-address with dns.memory',
  method: 'dns-address',
  zone: 'example.com',
  setup: () => startTestDns({ id: 'address-conformance', zones: ['example.com'], plugin }),
});

describe('verify.dns-address against a real DNS server', () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await startTestDns({ id: 'address-integration', zones: ['shop.test', 'saas.test'], plugin });
  });
  afterAll(async () => {
    await dns?.teardown();
  });

  const input = { hostname: 'shop.test', token: 'tok-1' };
  const txt = { name: '_portico-challenge.shop.test', type: 'TXT' as const, ttl: 60, values: ['portico-verification=tok-1'] };

  const withRecords = async (sets: Array<{ name: string; type: 'A' | 'AAAA' | 'CNAME' | 'TXT'; values: string[] }>, fn: () => Promise<void>) => {
    const full = sets.map((set) => ({ ttl: 60, ...set }));
    dns.set(full);
    try {
      await fn();
    } finally {
      dns.clear(full);
    }
  };

  it('challenges with every edge address at the apex and the TXT token', () => {
    expect(dns.kernel.challenge('dns-address', input)).toEqual([
      { name: 'shop.test', type: 'A', value: '192.0.2.10' },
      { name: 'shop.test', type: 'A', value: '192.0.2.11' },
      { name: 'shop.test', type: 'AAAA', value: '2001:db8::10' },
      { name: '_portico-challenge.shop.test', type: 'TXT', value: 'portico-verification=tok-1' },
    ]);
  });

  it('is missing at a bare apex, then verified with one of our addresses and the token', async () => {
    const missing = await dns.kernel.verify('dns-address', input);
    expect(missing.status).toBe('missing');
    expect(missing.message).toContain('shop.test has no A or AAAA records yet');
    await withRecords([{ name: 'shop.test', type: 'A', values: ['192.0.2.11'] }, txt], async () => {
      expect(await dns.kernel.verify('dns-address', input)).toMatchObject({ status: 'verified' });
    });
  });

  it('reports a foreign A record next to ours as mismatch naming it', async () => {
    await withRecords([{ name: 'shop.test', type: 'A', values: ['192.0.2.10', '198.51.100.7'] }, txt], async () => {
      const result = await dns.kernel.verify('dns-address', input);
      expect(result).toMatchObject({ status: 'mismatch', found: ['192.0.2.10', '198.51.100.7'] });
      expect(result.message).toContain('198.51.100.7');
    });
  });

  it('compares AAAA values by address, whatever the spelling the lookup returns', async () => {
    await withRecords([{ name: 'shop.test', type: 'AAAA', values: ['2001:0db8:0:0:0:0:0:0010'] }, txt], async () => {
      expect((await dns.kernel.verify('dns-address', input)).status).toBe('verified');
    });
  });

  it('follows an alias to its addresses, names an alias to a name that does not exist, and errs when the target cannot be looked up', async () => {
    const host = { hostname: 'www.shop.test', token: 'tok-1' };
    const wwwTxt = { ...txt, name: '_portico-challenge.www.shop.test' };
    await withRecords(
      [{ name: 'www.shop.test', type: 'CNAME', values: ['edge.shop.test'] }, { name: 'edge.shop.test', type: 'A', values: ['192.0.2.10'] }, wwwTxt],
      async () => {
        expect((await dns.kernel.verify('dns-address', host)).status).toBe('verified');
      },
    );
    // The target does not exist (authoritative NXDOMAIN from its zone): a wrong turn, a mismatch.
    await withRecords([{ name: 'www.shop.test', type: 'CNAME', values: ['old.host.test'] }, wwwTxt], async () => {
      const result = await dns.kernel.verify('dns-address', host);
      expect(result).toMatchObject({ status: 'mismatch', found: ['old.host.test'] });
      expect(result.message).toContain('www.shop.test is a CNAME to old.host.test');
    });
    // The target's zone cannot be found (no nameserver answers for it): Portico could not tell, an error.
    await withRecords([{ name: 'www.shop.test', type: 'CNAME', values: ['old.host.example'] }, wwwTxt], async () => {
      const result = await dns.kernel.verify('dns-address', host);
      expect(result.status).toBe('error');
      expect(result.message).toContain('ENOZONE');
    });
  });

  it('reports a dead DNS server as error naming the code', async () => {
    await dns.breakDns();
    try {
      const result = await dns.kernel.verify('dns-address', input);
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/\((ECONNREFUSED|ETIMEOUT)/);
    } finally {
      await dns.restoreDns();
    }
  });
});
