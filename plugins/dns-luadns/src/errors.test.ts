import { describe, expect, it } from 'vitest';
import { errorFromResponse, parseRetryAfter, secondsUntilReset } from './errors.ts';

const json = (body: unknown) => JSON.stringify(body);

describe('LuaDNS errors', () => {
  it('maps statuses to kinds, with LuaDNS\'s message and request id', () => {
    const cases: Array<[number, string]> = [[400, 'validation'], [401, 'auth'], [403, 'permission'], [404, 'not_found'], [409, 'conflict'], [422, 'validation'], [429, 'rate_limit'], [500, 'transient'], [503, 'transient'], [418, 'validation']];
    for (const [status, kind] of cases) {
      const error = errorFromResponse('GET /zones', status, json({ status: 'Whatever', request_id: 'api.local/abc-1', message: 'Something happened' }), new Headers(), []);
      expect(error).toMatchObject({ kind, status, providerCode: String(status), requestId: 'api.local/abc-1' });
      expect(error.message).toContain('Something happened');
    }
  });

  it('a validation list becomes its field messages', () => {
    const error = errorFromResponse('POST /zones/1/records', 400, json([{ fieldNames: ['name'], classification: 'ValidationError', message: 'invalid name (min=4, max=255)' }]), new Headers(), []);
    expect(error).toMatchObject({ kind: 'validation', message: expect.stringContaining('name: invalid name (min=4, max=255)') });
  });

  it('429: the seconds until X-Ratelimit-Reset, else Retry-After', () => {
    const reset = String(Math.floor(Date.now() / 1000) + 60);
    const limited = errorFromResponse('GET /zones', 429, '{}', new Headers({ 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '0' }), []);
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(errorFromResponse('GET /zones', 429, '{}', new Headers({ 'retry-after': '9' }), []).retryAfterSeconds).toBe(9);
    expect(errorFromResponse('GET /zones', 429, '{}', new Headers(), []).retryAfterSeconds).toBeUndefined();
  });

  it('never quotes HTML and cuts secrets out', () => {
    const html = errorFromResponse('GET /zones', 502, '<html><title>Bad Gateway</title></html>', new Headers(), []);
    expect(html.message).not.toContain('<');
    const leak = errorFromResponse('GET /zones', 400, json({ message: 'bad key SECRET-KEY' }), new Headers(), ['SECRET-KEY']);
    expect(leak.message).not.toContain('SECRET-KEY');
  });

  it('reads Retry-After as seconds or a date, and a reset time as seconds from now', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(new Date(1_000_000 + 5_000).toUTCString(), 1_000_000)).toBe(5);
    expect(secondsUntilReset('1010', 1_000_000)).toBe(10);
    expect(secondsUntilReset('soon')).toBeUndefined();
  });
});
