import { verifierConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDns, type TestDns } from './dns.ts';

const plugin = { verifyDomain: 'verify.saas.test', canonicalHost: '{token}.edge.saas.test' };

verifierConformance({
  name: 'verify.dns-cname with dns.memory',
  method: 'dns-cname',
  zone: 'example.com',
  setup: () => startTestDns({ id: 'cname-conformance', zones: ['example.com'], plugin }),
});

verifierConformance({
  name: 'verify.dns-cname with dns.memory',
  method: 'cname-routing',
  zone: 'example.com',
  setup: () => startTestDns({ id: 'routing-conformance', zones: ['example.com'], plugin }),
});

describe('verify.dns-cname against a real DNS server', () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await startTestDns({ id: 'cname-integration', zones: ['shop.test', 'saas.test'], plugin });
  });
  afterAll(async () => {
    await dns?.teardown();
  });

  const input = { hostname: 'www.shop.test', token: 'tok-1' };

  /** Write record sets for the duration of `fn`. */
  const withRecords = async (sets: Array<{ name: string; type: 'A' | 'CNAME' | 'TXT'; values: string[] }>, fn: () => Promise<void>) => {
    const full = sets.map((set) => ({ ...set, ttl: 60 }));
    dns.set(full);
    try {
      await fn();
    } finally {
      dns.clear(full);
    }
  };

  describe('dns-cname', () => {
    it('challenges with a CNAME from _portico-challenge.<hostname> to <token>.<verifyDomain>', () => {
      expect(dns.kernel.challenge('dns-cname', input)).toEqual([
        { name: '_portico-challenge.www.shop.test', type: 'CNAME', value: 'tok-1.verify.saas.test' },
      ]);
    });

    it('goes from missing to verified as the record appears', async () => {
      const missing = await dns.kernel.verify('dns-cname', input);
      expect(missing.status).toBe('missing');
      expect(missing.message).toContain('Add a CNAME record at _portico-challenge.www.shop.test pointing to tok-1.verify.saas.test');
      await withRecords([{ name: '_portico-challenge.www.shop.test', type: 'CNAME', values: ['tok-1.verify.saas.test'] }], async () => {
        expect(await dns.kernel.verify('dns-cname', input)).toMatchObject({ status: 'verified' });
      });
    });

    it('reports the target of an earlier attempt as mismatch', async () => {
      await withRecords([{ name: '_portico-challenge.www.shop.test', type: 'CNAME', values: ['tok-0.verify.saas.test'] }], async () => {
        const result = await dns.kernel.verify('dns-cname', input);
        expect(result).toMatchObject({ status: 'mismatch', found: ['tok-0.verify.saas.test'] });
        expect(result.message).toMatch(/earlier attempt/);
      });
    });

    it('is missing when the name holds a TXT record instead (NODATA), saying a CNAME is needed', async () => {
      await withRecords([{ name: '_portico-challenge.www.shop.test', type: 'TXT', values: ['tok-1.verify.saas.test'] }], async () => {
        const result = await dns.kernel.verify('dns-cname', input);
        expect(result.status).toBe('missing');
        expect(result.message).toContain('exists but has no CNAME record');
      });
    });
  });

  describe('cname-routing', () => {
    it('challenges with a CNAME at the hostname itself to the canonical host for its token', () => {
      expect(dns.kernel.challenge('cname-routing', input)).toEqual([{ name: 'www.shop.test', type: 'CNAME', value: 'tok-1.edge.saas.test' }]);
    });

    it('verifies a direct CNAME to the canonical host', async () => {
      expect((await dns.kernel.verify('cname-routing', input)).status).toBe('missing');
      await withRecords([{ name: 'www.shop.test', type: 'CNAME', values: ['TOK-1.edge.saas.test.'] }], async () => {
        expect(await dns.kernel.verify('cname-routing', input)).toMatchObject({ status: 'verified' });
      });
    });

    it('verifies a chain through an alias of the customer’s own', async () => {
      await withRecords(
        [
          { name: 'www.shop.test', type: 'CNAME', values: ['alias.shop.test'] },
          { name: 'alias.shop.test', type: 'CNAME', values: ['tok-1.edge.saas.test'] },
          { name: 'tok-1.edge.saas.test', type: 'A', values: ['192.0.2.80'] },
        ],
        async () => {
          const result = await dns.kernel.verify('cname-routing', input);
          expect(result.status).toBe('verified');
          expect(result.message).toContain('through alias.shop.test');
        },
      );
    });

    it('reports a chain ending at another host as mismatch listing the chain', async () => {
      await withRecords(
        [
          { name: 'www.shop.test', type: 'CNAME', values: ['alias.shop.test'] },
          { name: 'alias.shop.test', type: 'CNAME', values: ['lb.saas.test'] },
          { name: 'lb.saas.test', type: 'A', values: ['192.0.2.81'] },
        ],
        async () => {
          const result = await dns.kernel.verify('cname-routing', input);
          expect(result).toMatchObject({ status: 'mismatch', found: ['alias.shop.test', 'lb.saas.test'] });
          expect(result.message).toContain('www.shop.test points to lb.saas.test (www.shop.test → alias.shop.test → lb.saas.test)');
        },
      );
    });

    it('reports a CNAME to an old host that does not exist (authoritative NXDOMAIN) as mismatch, with the fix', async () => {
      await withRecords([{ name: 'www.shop.test', type: 'CNAME', values: ['old.host.test'] }], async () => {
        const result = await dns.kernel.verify('cname-routing', input);
        expect(result).toMatchObject({ status: 'mismatch', found: ['old.host.test'] });
        expect(result.message).toMatch(/^www\.shop\.test points to old\.host\.test, not tok-1\.edge\.saas\.test/);
        expect(result.message).toContain('Change the CNAME record of www.shop.test at your DNS provider to tok-1.edge.saas.test');
      });
    });

    it('reports a CNAME into a zone that cannot be looked up (ENOZONE, REFUSED) as error, not mismatch', async () => {
      await withRecords([{ name: 'www.shop.test', type: 'CNAME', values: ['old.host.example'] }], async () => {
        const result = await dns.kernel.verify('cname-routing', input);
        expect(result.status).toBe('error');
        expect(result.found).toBeUndefined();
        expect(result.message).toContain('ENOZONE');
      });
      await withRecords([{ name: 'www.shop.test', type: 'CNAME', values: ['lb.saas.test'] }], async () => {
        await dns.breakDns('refused');
        try {
          const result = await dns.kernel.verify('cname-routing', input);
          expect(result.status).toBe('error');
          expect(result.message).toContain('EREFUSED');
        } finally {
          await dns.restoreDns();
        }
      });
    });

    it('reports an A record where the CNAME belongs as mismatch saying it must be a CNAME', async () => {
      await withRecords([{ name: 'www.shop.test', type: 'A', values: ['192.0.2.9'] }], async () => {
        const result = await dns.kernel.verify('cname-routing', input);
        expect(result).toMatchObject({ status: 'mismatch', found: ['192.0.2.9'] });
        expect(result.message).toContain('instead of a CNAME');
      });
    });

    it('reports a CNAME loop as error', async () => {
      await withRecords(
        [
          { name: 'www.shop.test', type: 'CNAME', values: ['a.shop.test'] },
          { name: 'a.shop.test', type: 'CNAME', values: ['www.shop.test'] },
        ],
        async () => {
          const result = await dns.kernel.verify('cname-routing', input);
          expect(result.status).toBe('error');
          expect(result.message).toContain('form a loop (www.shop.test → a.shop.test → www.shop.test)');
        },
      );
    });

    it('reports a dead DNS server as error naming the code, and a cancelled check as error too', async () => {
      await dns.breakDns();
      try {
        const result = await dns.kernel.verify('cname-routing', input);
        expect(result.status).toBe('error');
        expect(result.message).toMatch(/\((ECONNREFUSED|ETIMEOUT)/);
      } finally {
        await dns.restoreDns();
      }
      const cancelled = await dns.kernel.verify('cname-routing', { ...input, signal: AbortSignal.abort() });
      expect(cancelled.status).toBe('error');
      expect(cancelled.message).toContain('ECANCELLED');
    });
  });
});
