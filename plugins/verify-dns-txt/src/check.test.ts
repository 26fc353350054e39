import { describe, expect, it } from 'vitest';
import { VALUE_PREFIX, decide, expectedRecord } from './check.ts';

const expected = expectedRecord('_portico-challenge', 'shop.example.com', 'tok123');

describe('expectedRecord', () => {
  it('puts portico-verification=<token> at <recordName>.<hostname>', () => {
    expect(expected).toEqual({ name: '_portico-challenge.shop.example.com', type: 'TXT', value: 'portico-verification=tok123' });
    expect(expectedRecord('_verify', 'Shop.Example.com.', 't').name).toBe('_verify.shop.example.com');
    expect(VALUE_PREFIX).toBe('portico-verification=');
  });
});

describe('decide', () => {
  it('verifies when the expected value is among the values', () => {
    const result = decide({ status: 'found', values: ['google-site-verification=x', 'portico-verification=tok123'] }, expected);
    expect(result).toMatchObject({ status: 'verified', expected: [expected] });
    expect(result.found).toBeUndefined();
  });

  it('tolerates pasted quotes, surrounding spaces and a differently cased prefix, not a different token case', () => {
    expect(decide({ status: 'found', values: ['"portico-verification=tok123"'] }, expected).status).toBe('verified');
    expect(decide({ status: 'found', values: ['  Portico-Verification=tok123 '] }, expected).status).toBe('verified');
    expect(decide({ status: 'found', values: ['portico-verification=TOK123'] }, expected).status).toBe('mismatch');
  });

  it('reports a mismatch listing what was found when our prefix carries another token', () => {
    const result = decide({ status: 'found', values: ['v=spf1 -all', 'portico-verification=old'] }, expected);
    expect(result).toMatchObject({ status: 'mismatch', found: ['v=spf1 -all', 'portico-verification=old'] });
    expect(result.message).toContain('"portico-verification=old"');
    expect(result.message).toContain('Set its value to portico-verification=tok123');
    expect(result.message).toMatch(/earlier attempt/);
  });

  it('reports a mismatch for unrelated values too: the name exists only for this proof', () => {
    const result = decide({ status: 'found', values: ['wrong-1'] }, expected);
    expect(result).toMatchObject({ status: 'mismatch', found: ['wrong-1'] });
    expect(result.message).not.toMatch(/earlier attempt|without the/);
  });

  it('points out a token pasted without the prefix', () => {
    const result = decide({ status: 'found', values: ['tok123'] }, expected);
    expect(result.status).toBe('mismatch');
    expect(result.message).toMatch(/token without the "portico-verification=" prefix/);
  });

  it('reports missing for NXDOMAIN and NODATA, telling the user what to add and how long it can take', () => {
    for (const status of ['nxdomain', 'nodata'] as const) {
      const result = decide({ status }, expected);
      expect(result.status).toBe('missing');
      expect(result.message).toContain('Add a TXT record at _portico-challenge.shop.example.com with the value portico-verification=tok123');
      expect(result.message).toMatch(/48 hours/);
    }
  });

  it('reports every lookup failure as error, naming the code, never as missing or mismatch', () => {
    for (const code of ['ETIMEOUT', 'ECONNREFUSED', 'EREFUSED', 'ESERVFAIL', 'ENOTAUTH', 'ELAME', 'ENOZONE', 'EINCONSISTENT', 'ECANCELLED']) {
      const result = decide({ status: 'error', code, message: 'failed' }, expected);
      expect(result.status, code).toBe('error');
      expect(result.message, code).toContain(code);
      expect(result.found, code).toBeUndefined();
    }
  });
});
