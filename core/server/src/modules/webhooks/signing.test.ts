import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { typeMatches } from './service.ts';
import { generateSecret, sign, signatureHeaders } from './signing.ts';

describe('webhook signing', () => {
  it('signs as the Standard Webhooks reference library does', () => {
    const secret = generateSecret();
    const at = new Date('2026-12-07T04:20:00Z');
    const body = '{"type":"domain.verified"}';
    expect(sign(secret, 'msg_1', at.getTime() / 1000, body)).toBe(new Webhook(secret).sign('msg_1', at, body));
  });

  it('puts one signature per secret in the header, any of which verifies', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders([current, previous], 'msg_2', timestamp, '{}');
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous]) expect(new Webhook(secret).verify('{}', headers)).toEqual({});
    expect(() => new Webhook(generateSecret()).verify('{}', headers)).toThrow();
  });
});

describe('event type filters', () => {
  it('takes exact types, prefixes and *', () => {
    expect(typeMatches(['domain.verified'], 'domain.verified')).toBe(true);
    expect(typeMatches(['domain.*'], 'domain.live')).toBe(true);
    expect(typeMatches(['domain.*'], 'domainx.live')).toBe(false);
    expect(typeMatches(['certificate.issued'], 'certificate.failed')).toBe(false);
    expect(typeMatches(['*'], 'member.joined')).toBe(true);
  });
});
