import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorFromResponse, kindForStatus, parseRetryAfter, scrubbed, WEBHOOK_ERROR_CODES, WebhookDnsError, type WebhookErrorCode } from './errors.ts';

const codes = Object.entries(WEBHOOK_ERROR_CODES as Record<string, WebhookErrorCode>);

describe('status → kind', () => {
  it.each([
    [401, 'auth'],
    [403, 'permission'],
    [404, 'not_found'],
    [409, 'conflict'],
    [429, 'rate_limit'],
    [406, 'unsupported'],
    [415, 'unsupported'],
    [501, 'unsupported'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [400, 'validation'],
    [405, 'validation'],
    [422, 'validation'],
    [418, 'validation'],
    [302, 'validation'],
  ])('%i is %s', (status, kind) => {
    expect(kindForStatus(status)).toBe(kind);
  });

  it('every code a server sends has the kind its status gives, so the status alone classifies an answer', () => {
    for (const [, code] of codes.filter(([, c]) => c.from === 'server')) expect(code.kind).toBe(kindForStatus(code.status!));
  });
});

describe('errorFromResponse', () => {
  it('takes the code and message of the protocol\'s error body', () => {
    const error = errorFromResponse('POST /records', 409, JSON.stringify({ error: { code: 'cname_conflict', message: 'a.example.com: a CNAME cannot share its name' } }), null);
    expect(error).toMatchObject({ kind: 'conflict', status: 409, providerCode: 'cname_conflict', message: 'DNS webhook POST /records: 409 cname_conflict: a.example.com: a CNAME cannot share its name' });
  });

  it('without the protocol\'s body: the status decides, the code is http_<status>, and no markup is quoted', () => {
    const error = errorFromResponse('GET /records', 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', null);
    expect(error).toMatchObject({ kind: 'transient', providerCode: 'http_502', message: 'DNS webhook GET /records: 502' });
    expect(errorFromResponse('GET /', 401, '{"error":', null)).toMatchObject({ kind: 'auth', providerCode: 'http_401' });
  });

  it('shortens a long message', () => {
    const error = errorFromResponse('GET /', 400, JSON.stringify({ error: { code: 'bad_request', message: 'x'.repeat(1000) } }), null);
    expect(error.message.length).toBeLessThan(400);
    expect(error.message.endsWith('…')).toBe(true);
  });

  it('Retry-After in seconds or as an HTTP date, only for rate_limit', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(errorFromResponse('GET /', 429, '', '17', now).retryAfterSeconds).toBe(17);
    expect(errorFromResponse('GET /', 429, '', 'Thu, 01 Jan 2026 00:01:30 GMT', now).retryAfterSeconds).toBe(90);
    expect(errorFromResponse('GET /', 503, '', '17', now).retryAfterSeconds).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });

  it('scrubs a secret a server echoed', () => {
    const error = errorFromResponse('GET /', 401, JSON.stringify({ error: { code: 'unauthorized', message: 'token s3cret-token is not valid' } }), null);
    const clean = scrubbed(error, 's3cret-token');
    expect(clean).toBeInstanceOf(WebhookDnsError);
    expect(clean).toMatchObject({ kind: 'auth', status: 401, providerCode: 'unauthorized' });
    expect(clean.message).toBe('DNS webhook GET /: 401 unauthorized: token [redacted] is not valid');
    expect(scrubbed(error, undefined)).toBe(error);
  });
});

describe('the code tables stay in step', () => {
  it('docs/plugins/webhook-protocol.md lists every code with its status, kind and sender', () => {
    const doc = readFileSync(new URL('../../../docs/plugins/webhook-protocol.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}|—) \| `([a-z_]+)` \| (server|client) \| (.+) \|$/gm)];
    expect(rows.map(([, code, status, kind, from, meaning]) => [code, status === '—' ? undefined : Number(status), kind, from, meaning])).toEqual(
      codes.map(([code, c]) => [code, c.status, c.kind, c.from, c.meaning]),
    );
  });

  it('reference/server.py answers exactly the server codes, with the same statuses', () => {
    const python = readFileSync(new URL('../reference/server.py', import.meta.url), 'utf8');
    const table = /^ERRORS = \{\n([\s\S]*?)\n\}/m.exec(python)?.[1] ?? '';
    const pythonCodes = [...table.matchAll(/^\s+"([a-z_]+)": (\d{3}),$/gm)].map(([, code, status]) => [code, Number(status)]);
    expect(pythonCodes).toEqual(codes.filter(([, c]) => c.from === 'server').map(([code, c]) => [code, c.status]));
  });
});
