import { describe, expect, it } from 'vitest';
import { errorFromResponse } from './errors.ts';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  errorFromResponse('GET /domain/zone/example.com', status, typeof body === 'string' ? body : JSON.stringify(body), new Headers({ 'x-ovh-queryid': 'EU.ext-1', ...headers }));

describe('errorFromResponse', () => {
  it('tells the credential (auth) from the access rules (permission) by errorCode', () => {
    for (const [status, errorCode] of [[403, 'INVALID_KEY'], [403, 'INVALID_CREDENTIAL'], [401, 'NOT_CREDENTIAL'], [403, 'FORBIDDEN'], [400, 'INVALID_SIGNATURE'], [400, 'QUERY_TIME_OUT']] as const) {
      expect(answer(status, { errorCode, message: 'm' })).toMatchObject({ kind: 'auth', providerCode: errorCode, queryId: 'EU.ext-1' });
    }
    expect(answer(403, { errorCode: 'NOT_GRANTED_CALL', message: 'This call has not been granted' })).toMatchObject({ kind: 'permission', providerCode: 'NOT_GRANTED_CALL' });
  });

  it('maps the other statuses, keeping OVHcloud\'s class and message', () => {
    expect(answer(404, { class: 'Client::NotFound', message: 'This service does not exist' })).toMatchObject({
      kind: 'not_found',
      providerCode: 'Client::NotFound',
      message: 'OVHcloud GET /domain/zone/example.com: 404 Client::NotFound This service does not exist',
    });
    expect(answer(409, { class: 'Client::Conflict', message: 'x' })).toMatchObject({ kind: 'conflict' });
    expect(answer(400, { class: 'Client::BadRequest', message: 'x' })).toMatchObject({ kind: 'validation' });
    expect(answer(429, { message: 'Too much requests' }, { 'retry-after': '30' })).toMatchObject({ kind: 'rate_limit', retryAfterSeconds: 30 });
    expect(answer(500, { message: 'x' })).toMatchObject({ kind: 'transient', providerCode: '500' });
  });

  it('never quotes an HTML page', () => {
    const error = answer(502, '<html><head><title>502 Bad Gateway</title></head><body>x</body></html>');
    expect(error).toMatchObject({ kind: 'transient', message: 'OVHcloud GET /domain/zone/example.com: 502 a non-JSON (HTML) answer: 502 Bad Gateway' });
  });
});
