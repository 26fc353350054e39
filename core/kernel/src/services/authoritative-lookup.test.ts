import { describe, expect, it } from 'vitest';
import { createAuthoritativeLookup } from './authoritative-lookup.ts';

// Behaviour against real authoritative servers is tested in @portico/test-servers (src/authoritative-lookup.test.ts),
// which starts PowerDNS; the kernel stays free of test servers. Here: what needs no server.
describe('createAuthoritativeLookup options', () => {
  it('refuses resolvers that are not IP addresses, bad ports and bad overrides', () => {
    expect(() => createAuthoritativeLookup({ resolvers: [] })).toThrow(TypeError);
    expect(() => createAuthoritativeLookup({ resolvers: ['dns.example.test'] })).toThrow();
    expect(() => createAuthoritativeLookup({ resolvers: ['127.0.0.1'], nameserverPort: 0 })).toThrow(/nameserverPort/);
    expect(() => createAuthoritativeLookup({ resolvers: ['127.0.0.1'], addressOverrides: { 'ns1.example.test': ['ns2.example.test'] } })).toThrow(
      /addressOverrides/,
    );
  });

  it('an empty name is EBADNAME', async () => {
    expect(await createAuthoritativeLookup({ resolvers: ['127.0.0.1'] }).findZone('.')).toMatchObject({ status: 'error', code: 'EBADNAME' });
  });

  it('an aborted signal is ECANCELLED before anything is sent', async () => {
    const dns = createAuthoritativeLookup({ resolvers: ['127.0.0.1:9'] });
    const signal = AbortSignal.abort();
    expect(await dns.query('www.example.test', 'A', { signal })).toMatchObject({ status: 'error', code: 'ECANCELLED' });
    expect(await dns.findZone('www.example.test', { signal })).toMatchObject({ status: 'error', code: 'ECANCELLED' });
    expect(await dns.resolveChain('www.example.test', { signal })).toMatchObject({ status: 'error', code: 'ECANCELLED' });
  });
});
