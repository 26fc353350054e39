import { describe, expect, it } from 'vitest';
import { errorFromResponse, parseRetryAfter, secondsUntilReset } from './errors.ts';

const json = (body: unknown) => JSON.stringify(body);

describe('Name.com errors', () => {
  it('maps statuses to kinds, with Name.com\'s message and details', () => {
    const cases: Array<[number, string]> = [[400, 'validation'], [401, 'auth'], [403, 'permission'], [404, 'not_found'], [409, 'conflict'], [422, 'validation'], [429, 'rate_limit'], [500, 'transient'], [503, 'transient'], [418, 'validation']];
    for (const [status, kind] of cases) {
      const error = errorFromResponse('GET /v4/domains', status, json({ message: 'Invalid Argument', details: 'TTL must be at least 300' }), new Headers(), []);
      expect(error).toMatchObject({ kind, status, providerCode: String(status) });
      expect(error.message).toContain('Invalid Argument: TTL must be at least 300');
    }
  });

  it('429: Retry-After, else X-RateLimit-Reset, else one second', () => {
    expect(errorFromResponse('GET /v4/domains', 429, '{}', new Headers({ 'retry-after': '7' }), []).retryAfterSeconds).toBe(7);
    const reset = String(Math.floor(Date.now() / 1000) + 30);
    expect(errorFromResponse('GET /v4/domains', 429, '{}', new Headers({ 'x-ratelimit-reset': reset }), []).retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(errorFromResponse('GET /v4/domains', 429, '', new Headers(), []).retryAfterSeconds).toBe(1);
  });

  it('never quotes HTML and cuts secrets out', () => {
    const html = errorFromResponse('GET /v4/hello', 502, '<html><title>Bad Gateway</title></html>', new Headers(), []);
    expect(html.message).not.toContain('<');
    const leak = errorFromResponse('GET /v4/hello', 400, json({ message: 'bad token SECRET-TOKEN' }), new Headers(), ['SECRET-TOKEN']);
    expect(leak.message).not.toContain('SECRET-TOKEN');
  });

  it('reads Retry-After as seconds or a date, and a reset time as seconds from now', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(new Date(1_000_000 + 5_000).toUTCString(), 1_000_000)).toBe(5);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(secondsUntilReset('1010', 1_000_000)).toBe(10);
    expect(secondsUntilReset(null)).toBeUndefined();
  });
});
