import { describe, expect, it } from 'vitest';
import type { LinodeDnsError } from './errors.ts';
import { classify, parseRetryAfter, secondsUntilReset } from './errors.ts';

const axiosError = (status: number | undefined, data?: unknown, headers: Record<string, string> = {}, code?: string) => ({
  isAxiosError: true as const,
  code,
  message: `Request failed with status code ${status}`,
  response: status === undefined ? undefined : { status, data, headers },
});

describe('classify', () => {
  it('maps statuses to kinds, with Linode\'s reasons and never the token', () => {
    const token = 'secret-token-123';
    const kinds = [401, 403, 404, 409, 400, 422, 500, 503].map((status) => (classify(axiosError(status, { errors: [{ reason: `bad ${token}`, field: 'target' }] }), 'call', token) as LinodeDnsError).kind);
    expect(kinds).toEqual(['auth', 'permission', 'not_found', 'conflict', 'validation', 'validation', 'transient', 'transient']);
    const error = classify(axiosError(400, { errors: [{ reason: `bad ${token}`, field: 'target' }] }), 'call', token) as LinodeDnsError;
    expect(error.message).toBe('Linode call: 400 target: bad [redacted]');
  });

  it('429 reads Retry-After, else X-RateLimit-Reset', () => {
    expect(classify(axiosError(429, undefined, { 'retry-after': '12' }), 'call', 'tok0')).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 12 });
    const reset = String(Math.floor(Date.now() / 1000) + 100);
    const fromReset = classify(axiosError(429, undefined, { 'x-ratelimit-reset': reset }), 'call', 'tok0') as LinodeDnsError;
    expect(fromReset.retryAfterSeconds).toBeGreaterThan(90);
    expect(classify(axiosError(429), 'call', 'tok0')).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: undefined });
  });

  it('no answer is transient; the SDK\'s own payload check is validation; an aborted call is the abort', () => {
    expect(classify(axiosError(undefined, undefined, {}, 'ERR_NETWORK'), 'call', 'tok0')).toMatchObject({ kind: 'transient' });
    expect(classify(axiosError(undefined, undefined, {}, 'ERR_CANCELED'), 'call', 'tok0', undefined, 5000)).toMatchObject({ kind: 'transient', message: expect.stringContaining('5000 ms') });
    expect(classify([{ reason: 'Type is required.', field: 'type' }], 'call', 'tok0')).toMatchObject({ kind: 'validation', message: 'Linode call: type: Type is required.' });
    const signal = AbortSignal.abort();
    expect(classify(axiosError(undefined, undefined, {}, 'ERR_CANCELED'), 'call', 'tok0', signal)).toBe(signal.reason);
    const other = new TypeError('x');
    expect(classify(other, 'call', 'tok0')).toBe(other);
  });

  it('parses Retry-After and X-RateLimit-Reset', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(60);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(secondsUntilReset('1767225660', Date.parse('2026-01-01T00:00:00Z'))).toBe(60);
    expect(secondsUntilReset(undefined)).toBeUndefined();
  });
});
