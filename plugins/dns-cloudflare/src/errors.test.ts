import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'cloudflare';
import { describe, expect, it } from 'vitest';
import { classify, forbidden, parseRetryAfter, type CloudflareDnsError } from './errors.ts';

const TOKEN = 'cf-secret-token-123456';
const api = (status: number, errors: Array<{ code: number; message: string; error_chain?: unknown[] }>, headers: Record<string, string> = {}) =>
  APIError.generate(status, { success: false, errors, messages: [], result: null }, undefined, new Headers(headers));
const kindOf = (error: unknown) => (classify(error, 'test call', TOKEN) as CloudflareDnsError).kind;

describe('classify', () => {
  it('maps statuses and Cloudflare codes to kinds', () => {
    expect(kindOf(api(401, [{ code: 1000, message: 'Invalid API Token' }]))).toBe('auth');
    expect(kindOf(api(403, [{ code: 10000, message: 'Authentication error' }]))).toBe('permission');
    expect(kindOf(api(404, [{ code: 81044, message: 'Record does not exist.' }]))).toBe('not_found');
    expect(kindOf(api(409, [{ code: 1061, message: 'exists' }]))).toBe('conflict');
    expect(kindOf(api(429, [{ code: 971, message: 'Please wait' }]))).toBe('rate_limit');
    expect(kindOf(api(500, [{ code: 10001, message: 'Internal server error' }]))).toBe('transient');
    expect(kindOf(api(503, []))).toBe('transient');
    expect(kindOf(api(400, [{ code: 9005, message: 'Content for A record must be a valid IPv4 address.' }]))).toBe('validation');
    expect(kindOf(api(422, [{ code: 1, message: 'unprocessable' }]))).toBe('validation');
  });

  it('treats "record already exists" and CNAME clashes as conflict, nested codes included', () => {
    for (const code of [81053, 81054, 81057, 81058]) expect(kindOf(api(400, [{ code, message: 'exists' }]))).toBe('conflict');
    expect(kindOf(api(400, [{ code: 1004, message: 'DNS Validation Error', error_chain: [{ code: 81053, message: 'exists' }] }]))).toBe('conflict');
  });

  it('treats a malformed Authorization header as auth', () => {
    const error = classify(api(400, [{ code: 6003, message: 'Invalid request headers', error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }] }]), 'x', TOKEN);
    expect(error).toMatchObject({ kind: 'auth', codes: [6003, 6111], providerCode: '6003', status: 400 });
  });

  it('reads Retry-After and cf-ray', () => {
    const error = classify(api(429, [{ code: 971, message: 'Please wait' }], { 'retry-after': '30', 'cf-ray': '8a1b2c3d4e5f6a7b-AMS' }), 'x', TOKEN);
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 30, ray: '8a1b2c3d4e5f6a7b-AMS' });
  });

  it('says what an HTML answer was without the markup', () => {
    const html = APIError.generate(502, undefined, '<html><head><title>502 Bad Gateway</title></head><body>…</body></html>', new Headers());
    const error = classify(html, 'list DNS records', TOKEN) as CloudflareDnsError;
    expect(error).toMatchObject({ kind: 'transient', providerCode: '502' });
    expect(error.message).toBe('Cloudflare list DNS records: 502 a non-JSON (HTML) answer: 502 Bad Gateway');
  });

  it('network failures and timeouts are transient; aborts come back as the abort', () => {
    expect(kindOf(new APIConnectionError({ cause: new TypeError('fetch failed') }))).toBe('transient');
    expect(kindOf(new APIConnectionTimeoutError())).toBe('transient');
    const controller = new AbortController();
    controller.abort();
    expect(classify(new APIUserAbortError(), 'x', TOKEN, controller.signal)).toBe(controller.signal.reason);
    expect(classify(new APIUserAbortError(), 'x', TOKEN)).toMatchObject({ name: 'AbortError' });
  });

  it('passes errors that are not the SDK\'s through, and never keeps the SDK error or the token', () => {
    const bug = new TypeError('a bug');
    expect(classify(bug, 'x', TOKEN)).toBe(bug);
    const echo = classify(api(400, [{ code: 6003, message: `Bad header: Bearer ${TOKEN}` }]), 'x', TOKEN) as CloudflareDnsError;
    expect(echo.message).not.toContain(TOKEN);
    expect(echo.message).toContain('[redacted]');
    expect(echo.cause).toBeUndefined();
  });
});

describe('forbidden', () => {
  const answer = (code: number, message: string) => classify(api(403, [{ code, message }]), 'write', TOKEN) as CloudflareDnsError;

  it('is permission when the token is active, auth when it is refused, disabled or expired', () => {
    expect(forbidden(answer(10000, 'Authentication error'), 'active').kind).toBe('permission');
    expect(forbidden(answer(9109, 'Unauthorized to access requested resource'), 'active').kind).toBe('permission');
    const refused = forbidden(answer(9109, 'Invalid access token'), 'refused');
    expect(refused).toMatchObject({ kind: 'auth', providerCode: '9109', message: expect.stringContaining('(the API token was refused)') });
    expect(forbidden(answer(10000, 'Authentication error'), 'expired').message).toContain('the API token is expired');
  });

  it('without an answer about the token, 9109 "Invalid access token" and 10000 count as auth', () => {
    expect(forbidden(answer(9109, 'Invalid access token'), undefined).kind).toBe('auth');
    expect(forbidden(answer(10000, 'Authentication error'), undefined).kind).toBe('auth');
    expect(forbidden(answer(9109, 'Unauthorized to access requested resource'), undefined).kind).toBe('permission');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('1.5', now)).toBe(2);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
