import { describe, expect, it } from 'vitest';
import { MAX_CHAIN, decideRouting, routingRecord, type RoutingEvidence } from './check-routing.ts';

const template = '{token}.edge.saas.example';
const expected = routingRecord(template, 'Shop.Example.com.', 'Tok1');
const decide = (evidence: RoutingEvidence) => decideRouting(evidence, expected, template);

describe('routingRecord', () => {
  it('is a CNAME at the hostname itself to the canonical host with the token filled in', () => {
    expect(expected).toEqual({ name: 'shop.example.com', type: 'CNAME', value: 'tok1.edge.saas.example' });
  });
});

describe('decideRouting', () => {
  it('verifies a direct CNAME to the canonical host', () => {
    const result = decide({ kind: 'chain', chain: ['tok1.edge.saas.example'] });
    expect(result).toMatchObject({ status: 'verified', expected: [expected] });
    expect(result.message).toBe('shop.example.com points to tok1.edge.saas.example.');
  });

  it('verifies a chain that passes the canonical host at any hop', () => {
    const result = decide({ kind: 'chain', chain: ['shop.cdn.example', 'tok1.edge.saas.example', 'lb.saas.example'] });
    expect(result.status).toBe('verified');
    expect(result.message).toContain('through shop.cdn.example');
  });

  it('reports a chain ending elsewhere as mismatch, in the words of the seed: points to X, not Y; change it', () => {
    const result = decide({ kind: 'chain', chain: ['old.host.example'] });
    expect(result).toMatchObject({ status: 'mismatch', found: ['old.host.example'] });
    expect(result.message).toBe(
      'shop.example.com points to old.host.example, not tok1.edge.saas.example. ' +
        'Change the CNAME record of shop.example.com at your DNS provider to tok1.edge.saas.example, then check again.',
    );
  });

  it('shows a longer chain hop by hop and lists it in found', () => {
    const result = decide({ kind: 'chain', chain: ['a.example', 'b.example'] });
    expect(result).toMatchObject({ status: 'mismatch', found: ['a.example', 'b.example'] });
    expect(result.message).toContain('shop.example.com points to b.example (shop.example.com → a.example → b.example)');
  });

  it('spots an earlier attempt’s target', () => {
    const result = decide({ kind: 'chain', chain: ['tok0.edge.saas.example'] });
    expect(result.status).toBe('mismatch');
    expect(result.message).toMatch(/earlier attempt/);
  });

  it('a hop that could not be looked up is error, whatever the code, never mismatch', () => {
    for (const code of ['EREFUSED', 'ENOZONE', 'ETIMEOUT', 'EINCONSISTENT', 'ENOTAUTH']) {
      const result = decide({ kind: 'error', chain: ['tok0.edge.saas.example'], name: 'tok0.edge.saas.example', type: 'CNAME', code, message: code });
      expect(result.status, code).toBe('error');
      expect(result.found, code).toBeUndefined();
      expect(result.message, code).toContain(code);
    }
  });

  it('reports address records where the CNAME belongs as a mismatch saying it must be a CNAME', () => {
    const result = decide({ kind: 'address', type: 'A', values: ['192.0.2.1', '192.0.2.2'] });
    expect(result).toMatchObject({ status: 'mismatch', found: ['192.0.2.1', '192.0.2.2'] });
    expect(result.message).toContain('shop.example.com has an A record (192.0.2.1, 192.0.2.2) instead of a CNAME');
    expect(result.message).toContain('CNAME record pointing to tok1.edge.saas.example');
    expect(decide({ kind: 'address', type: 'AAAA', values: ['2001:db8::1'] }).message).toContain('an AAAA record');
  });

  it('reports no records as missing, saying what to add', () => {
    for (const status of ['nxdomain', 'nodata'] as const) {
      const result = decide({ kind: 'absent', status });
      expect(result.status).toBe('missing');
      expect(result.message).toContain('Add a CNAME record for shop.example.com pointing to tok1.edge.saas.example');
    }
  });

  it('reports loops and over-long chains as error, showing the chain', () => {
    const loop = decide({ kind: 'loop', chain: ['a.example', 'shop.example.com'] });
    expect(loop.status).toBe('error');
    expect(loop.message).toContain('shop.example.com → a.example → shop.example.com');
    const long = decide({ kind: 'too-long', chain: Array.from({ length: MAX_CHAIN }, (_, i) => `h${i}.example`) });
    expect(long.status).toBe('error');
    expect(long.message).toContain(`more than ${MAX_CHAIN} CNAME records`);
  });

  it('reports a failed lookup as error naming what failed, never missing', () => {
    const result = decide({ kind: 'error', chain: ['a.example'], name: 'a.example', type: 'CNAME', code: 'ETIMEOUT', message: 'timed out' });
    expect(result.status).toBe('error');
    expect(result.message).toContain('the CNAME records of a.example (after following shop.example.com → a.example) (ETIMEOUT: timed out)');
  });
});
