import { AuthenticationError, ClientError, NotFoundError, ServerError, TooManyRequestsError } from 'dnsimple';
import { describe, expect, it } from 'vitest';
import type { DnsimpleDnsError } from './errors.ts';
import { classify, secondsUntilReset, type LastAnswer } from './errors.ts';

const last = (status: number, headers: Record<string, string> = {}, html = false): LastAnswer => ({ status, headers: new Headers(headers), html, title: html ? '502 Bad Gateway' : undefined });

describe('classify', () => {
  it('maps the SDK\'s errors to kinds, with DNSimple\'s message and field errors and never the token', () => {
    const token = 'dnsimple-secret';
    expect(classify(new AuthenticationError({ message: `Authentication failed for ${token}` }), 'call', token, last(401))).toMatchObject({ kind: 'auth', message: expect.not.stringContaining(token) });
    expect(classify(new NotFoundError({ message: 'Zone `x` not found' }), 'call', token, last(404))).toMatchObject({ kind: 'not_found' });
    expect(classify(new ClientError(402, { message: 'Payment required' }), 'call', token, last(402))).toMatchObject({ kind: 'permission' });
    const invalid = classify(new ClientError(400, { message: 'Validation failed', errors: { content: ['is invalid'] } }), 'call', token, last(400)) as DnsimpleDnsError;
    expect(invalid).toMatchObject({ kind: 'validation', message: 'DNSimple call: 400 Validation failed; content: is invalid' });
    expect(classify(new ServerError(503, { message: 'down' }), 'call', token, last(503))).toMatchObject({ kind: 'transient', status: 503 });
  });

  it('429 waits until X-RateLimit-Reset, from the headers the fetcher kept', () => {
    const reset = String(Math.floor(Date.now() / 1000) + 600);
    const error = classify(new TooManyRequestsError(), 'call', 'tok0', last(429, { 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '0' })) as DnsimpleDnsError;
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfterSeconds).toBeGreaterThan(590);
    expect(error.rateLimitRemaining).toBe(0);
    expect(classify(new TooManyRequestsError(), 'call', 'tok0', last(429, { 'retry-after': '5' }))).toMatchObject({ retryAfterSeconds: 5 });
  });

  it('a body the SDK could not parse (an HTML page) is classified by the status the fetcher saw', () => {
    const error = classify(new SyntaxError('Unexpected token <'), 'call', 'tok0', last(502, {}, true)) as DnsimpleDnsError;
    expect(error).toMatchObject({ kind: 'transient', status: 502, message: 'DNSimple call: 502 a non-JSON (HTML) answer: 502 Bad Gateway' });
    const other = new TypeError('x');
    expect(classify(other, 'call', 'tok0', undefined)).toBe(other);
  });

  it('reads X-RateLimit-Reset as Unix seconds', () => {
    expect(secondsUntilReset('1767225660', Date.parse('2026-01-01T00:00:00Z'))).toBe(60);
    expect(secondsUntilReset('soon')).toBeUndefined();
  });
});
