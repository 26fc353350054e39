import type { DnsAnswer } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { challengeUrl, chooseAddress, decideFetch, expectedRecord } from './check.ts';
import type { FetchOutcome } from './fetch.ts';

const http = { scheme: 'http' as const, port: 80 };
const expected = expectedRecord(http, 'Shop.Example.com.', 'tok1');
const url = 'http://shop.example.com/.well-known/portico-challenge/tok1';
const found = (...values: string[]): DnsAnswer => ({ status: 'found', values });
const nodata: DnsAnswer = { status: 'nodata' };
const failed: DnsAnswer = { status: 'error', code: 'ETIMEOUT', message: 'timed out' };

describe('challengeUrl and expectedRecord', () => {
  it('put the token under /.well-known/portico-challenge/, with the port only when not the default', () => {
    expect(expected).toEqual({ name: url, type: 'HTTP', value: 'tok1' });
    expect(challengeUrl({ scheme: 'https', port: 443 }, 'shop.example.com', 't')).toBe('https://shop.example.com/.well-known/portico-challenge/t');
    expect(challengeUrl({ scheme: 'http', port: 8080 }, 'shop.example.com', 't')).toBe('http://shop.example.com:8080/.well-known/portico-challenge/t');
    expect(challengeUrl({ scheme: 'https', port: 80 }, 'shop.example.com', 't')).toBe('https://shop.example.com:80/.well-known/portico-challenge/t');
  });

  it('escapes a token that is not safe in a path', () => {
    expect(challengeUrl(http, 'a.example', 'x/../y?z')).toBe('http://a.example/.well-known/portico-challenge/x%2F..%2Fy%3Fz');
  });
});

describe('chooseAddress', () => {
  it('fetches from the first IPv4 address, else the first IPv6 one', () => {
    expect(chooseAddress({ a: found('93.184.215.14', '93.184.215.15'), aaaa: found('2606:2800:220:1::1') }, expected, false)).toEqual({
      kind: 'fetch',
      address: '93.184.215.14',
    });
    expect(chooseAddress({ a: nodata, aaaa: found('2606:2800:220:1::1') }, expected, false)).toEqual({ kind: 'fetch', address: '2606:2800:220:1::1' });
    expect(chooseAddress({ a: failed, aaaa: found('2606:2800:220:1::1') }, expected, false)).toMatchObject({ kind: 'fetch' });
  });

  it('refuses when any address is not public, unless private addresses are allowed', () => {
    const refused = chooseAddress({ a: found('93.184.215.14'), aaaa: found('fd00::1') }, expected, false);
    expect(refused).toMatchObject({ kind: 'result', result: { status: 'mismatch', found: ['fd00::1'], expected: [expected] } });
    expect(refused.kind === 'result' && refused.result.message).toContain('shop.example.com resolves to fd00::1, a unique local address');
    expect(chooseAddress({ a: found('127.0.0.1'), aaaa: nodata }, expected, true)).toEqual({ kind: 'fetch', address: '127.0.0.1' });
  });

  it('is missing when the hostname has no addresses, error when a lookup failed and none were found', () => {
    const missing = chooseAddress({ a: { status: 'nxdomain' }, aaaa: { status: 'nxdomain' } }, expected, false);
    expect(missing).toMatchObject({ kind: 'result', result: { status: 'missing' } });
    expect(missing.kind === 'result' && missing.result.message).toContain(`serve a file at ${url} containing exactly tok1`);
    const error = chooseAddress({ a: failed, aaaa: nodata }, expected, false);
    expect(error).toMatchObject({ kind: 'result', result: { status: 'error' } });
    expect(error.kind === 'result' && error.result.message).toContain('ETIMEOUT');
  });
});

describe('decideFetch', () => {
  const decide = (outcome: FetchOutcome) => decideFetch(outcome, expected, { address: '93.184.215.14', maxBytes: 4096 });
  const response = (status: number, body = ''): FetchOutcome => ({ kind: 'response', url, status, body });

  it('verifies 200 with the token as the whole body, ignoring surrounding whitespace and a BOM', () => {
    for (const body of ['tok1', '  tok1\r\n', '\uFEFFtok1\n']) expect(decide(response(200, body)).status).toBe('verified');
    expect(decide(response(200, 'tok1 tok2')).status).toBe('mismatch');
    expect(decide(response(200, 'TOK1')).status).toBe('mismatch');
  });

  it('reports a wrong or empty body as mismatch with the first 200 characters', () => {
    expect(decide(response(200, 'a'.repeat(300)))).toMatchObject({ status: 'mismatch', found: ['a'.repeat(200)] });
    const empty = decide(response(200, '  '));
    expect(empty).toMatchObject({ status: 'mismatch', found: [''] });
    expect(empty.message).toContain('serves an empty file');
  });

  it('maps statuses: 404/410 missing; 5xx, 408, 429 error; anything else mismatch', () => {
    for (const status of [404, 410]) expect(decide(response(status)).status).toBe('missing');
    for (const status of [500, 502, 503, 408, 429]) expect(decide(response(status)).status).toBe('error');
    for (const status of [204, 304, 400, 401, 403]) expect(decide(response(status))).toMatchObject({ status: 'mismatch', found: [`HTTP ${status}`] });
  });

  it('reports oversized files, refused redirects and redirect loops as mismatch', () => {
    expect(decide({ kind: 'too-large', url })).toMatchObject({ status: 'mismatch', found: ['more than 4096 bytes'] });
    const refused = decide({ kind: 'redirect-refused', url, location: 'https://elsewhere.example/' });
    expect(refused).toMatchObject({ status: 'mismatch', found: ['https://elsewhere.example/'] });
    expect(refused.message).toContain('follows redirects only to the same host, port and scheme');
    expect(decide({ kind: 'too-many-redirects', url: `${url}?3` })).toMatchObject({ status: 'mismatch', found: [`${url}?3`] });
  });

  it('reports transport failures as error naming the code and the address, never missing', () => {
    const result = decide({ kind: 'failed', url, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    expect(result.status).toBe('error');
    expect(result.message).toContain(`Could not fetch ${url} from 93.184.215.14 (ECONNREFUSED`);
    expect(result.message).toMatch(/not proof that the file is missing/);
  });
});
