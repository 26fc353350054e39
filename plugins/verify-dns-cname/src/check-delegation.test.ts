import { describe, expect, it } from 'vitest';
import { decideDelegation, delegationRecord } from './check-delegation.ts';

const expected = delegationRecord({ recordName: '_portico-challenge', verifyDomain: 'verify.saas.example' }, 'shop.example.com', 'tok123');

describe('delegationRecord', () => {
  it('puts a CNAME to <token>.<verifyDomain> at <recordName>.<hostname>, normalised', () => {
    expect(expected).toEqual({ name: '_portico-challenge.shop.example.com', type: 'CNAME', value: 'tok123.verify.saas.example' });
    expect(delegationRecord({ recordName: '_v', verifyDomain: 'Verify.Saas.Example.' }, 'Shop.Example.com.', 'T')).toEqual({
      name: '_v.shop.example.com',
      type: 'CNAME',
      value: 't.verify.saas.example',
    });
  });
});

describe('decideDelegation', () => {
  const decide = (answer: Parameters<typeof decideDelegation>[0]) => decideDelegation(answer, expected, 'verify.saas.example');

  it('verifies the expected target, ignoring case and a trailing dot', () => {
    for (const value of ['tok123.verify.saas.example', 'TOK123.Verify.Saas.Example.']) {
      const result = decide({ status: 'found', values: [value] });
      expect(result).toMatchObject({ status: 'verified', expected: [expected] });
      expect(result.found).toBeUndefined();
    }
  });

  it('reports another target as a mismatch naming it and the fix', () => {
    const result = decide({ status: 'found', values: ['Elsewhere.example.net.'] });
    expect(result).toMatchObject({ status: 'mismatch', found: ['elsewhere.example.net'] });
    expect(result.message).toContain('points to elsewhere.example.net, not tok123.verify.saas.example');
    expect(result.message).toContain('Change it to point to tok123.verify.saas.example');
    expect(result.message).not.toMatch(/earlier attempt/);
  });

  it('recognises the target of an earlier attempt', () => {
    const result = decide({ status: 'found', values: ['old.verify.saas.example'] });
    expect(result.status).toBe('mismatch');
    expect(result.message).toMatch(/earlier attempt/);
  });

  it('reports missing for NXDOMAIN and NODATA, saying exactly what to add', () => {
    for (const status of ['nxdomain', 'nodata'] as const) {
      const result = decide({ status });
      expect(result.status).toBe('missing');
      expect(result.message).toContain('Add a CNAME record at _portico-challenge.shop.example.com pointing to tok123.verify.saas.example');
      expect(result.message).toMatch(/48 hours/);
    }
    expect(decide({ status: 'nodata' }).message).toMatch(/cannot share its name with other records/);
  });

  it('reports a failed lookup as error naming the code, never missing', () => {
    const result = decide({ status: 'error', code: 'ESERVFAIL', message: 'queryCname ESERVFAIL' });
    expect(result.status).toBe('error');
    expect(result.message).toContain('ESERVFAIL');
    for (const code of ['ETIMEOUT', 'EREFUSED', 'ENOTAUTH', 'ENOZONE', 'EINCONSISTENT']) {
      expect(decide({ status: 'error', code, message: code }).status, code).toBe('error');
    }
  });
});
