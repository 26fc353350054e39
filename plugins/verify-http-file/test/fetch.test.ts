import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPinned, type FetchOptions } from '../src/fetch.ts';
import { TLS, startSite, type TestSite } from './site.ts';

describe('fetchPinned against a web server on loopback', () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  // nowhere.invalid resolves nowhere: every connection below reaches the site only through the pinned address.
  const base = () => `http://nowhere.invalid:${site.port}`;
  const get = (path: string, more: Partial<FetchOptions> = {}) =>
    fetchPinned({ url: new URL(`${base()}${path}`), address: '127.0.0.1', timeoutMs: 1000, maxBytes: 64, maxRedirects: 3, ...more });

  it('connects to the pinned address and names the hostname in Host', async () => {
    site.files.set('/hello', 'hi');
    const before = site.requests.length;
    expect(await get('/hello')).toEqual({ kind: 'response', url: `${base()}/hello`, status: 200, body: 'hi' });
    expect(site.requests.slice(before)).toEqual([{ path: '/hello', host: `nowhere.invalid:${site.port}` }]);
  });

  it('does not read the body of anything but 200', async () => {
    expect(await get('/absent')).toEqual({ kind: 'response', url: `${base()}/absent`, status: 404, body: '' });
  });

  it('follows up to three redirects within the host, relative or absolute, and no more', async () => {
    site.files.set('/end', 'done');
    site.routes.set('/r3', (_req, res) => res.writeHead(307, { location: '/end' }).end());
    site.routes.set('/r2', (_req, res) => res.writeHead(302, { location: `${base()}/r3` }).end());
    site.routes.set('/r1', (_req, res) => res.writeHead(301, { location: 'r2' }).end());
    site.routes.set('/r0', (_req, res) => res.writeHead(308, { location: '/r1' }).end());
    expect(await get('/r1')).toMatchObject({ kind: 'response', status: 200, body: 'done', url: `${base()}/end` });
    expect(await get('/r0')).toEqual({ kind: 'too-many-redirects', url: `${base()}/r3` });
  });

  it('refuses redirects to another host, port or scheme, and to what is not a URL', async () => {
    const cases: Record<string, string> = {
      '/other-host': `http://elsewhere.invalid:${site.port}/x`,
      '/other-port': `http://nowhere.invalid:1/x`,
      '/other-scheme': `https://nowhere.invalid:${site.port}/x`,
      '/credentials': `http://user:pw@nowhere.invalid:${site.port}/x`,
    };
    for (const [path, location] of Object.entries(cases)) {
      site.routes.set(path, (_req, res) => res.writeHead(302, { location }).end());
      expect(await get(path), path).toEqual({ kind: 'redirect-refused', url: `${base()}${path}`, location });
    }
    site.routes.set('/broken', (_req, res) => res.writeHead(302, { location: 'http://[broken' }).end());
    expect(await get('/broken')).toMatchObject({ kind: 'redirect-refused', location: 'http://[broken' });
  });

  it('stops at maxBytes, whether the length is declared or streamed', async () => {
    site.files.set('/big', 'b'.repeat(65));
    expect(await get('/big')).toEqual({ kind: 'too-large', url: `${base()}/big` });
    site.files.set('/exact', 'e'.repeat(64));
    expect(await get('/exact')).toMatchObject({ kind: 'response', body: 'e'.repeat(64) });
    site.routes.set('/stream', (_req, res) => {
      res.writeHead(200);
      res.write('s'.repeat(40));
      res.write('s'.repeat(40)); // left open: the cap, not the end of the body, must end the fetch
    });
    expect(await get('/stream')).toEqual({ kind: 'too-large', url: `${base()}/stream` });
  });

  it('times out when the headers or the body do not arrive', async () => {
    const held: ServerResponse[] = [];
    site.routes.set('/silent', (_req, res) => void held.push(res));
    site.routes.set('/stalled', (_req, res) => {
      held.push(res);
      res.writeHead(200, { 'content-length': '10' });
      res.write('tok');
    });
    for (const path of ['/silent', '/stalled']) {
      expect(await get(path, { timeoutMs: 200 }), path).toMatchObject({ kind: 'failed', code: 'ETIMEDOUT' });
    }
    for (const res of held) res.destroy();
  });

  it('reports a connection closed mid-body as failed', async () => {
    site.routes.set('/cut', (_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('tok', () => res.destroy());
    });
    expect(await get('/cut')).toMatchObject({ kind: 'failed', code: 'ECONNRESET' });
  });

  it('is cancelled by the caller’s signal, before or during the request', async () => {
    const before = site.requests.length;
    expect(await get('/hello', { signal: AbortSignal.abort() })).toMatchObject({ kind: 'failed', code: 'ECANCELLED' });
    expect(site.requests.length).toBe(before);
    const controller = new AbortController();
    const held: ServerResponse[] = [];
    site.routes.set('/wait', (_req, res) => {
      held.push(res);
      controller.abort();
    });
    expect(await get('/wait', { signal: controller.signal, timeoutMs: 10_000 })).toMatchObject({ kind: 'failed', code: 'ECANCELLED' });
    for (const res of held) res.destroy();
  });

  it('reports a refused connection as failed', async () => {
    const closed = await startSite();
    await closed.close();
    const outcome = await fetchPinned({ url: new URL(`http://nowhere.invalid:${closed.port}/x`), address: '127.0.0.1', timeoutMs: 1000, maxBytes: 64, maxRedirects: 3 });
    expect(outcome).toMatchObject({ kind: 'failed', code: 'ECONNREFUSED' });
  });
});

describe('fetchPinned over HTTPS', () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite({ tls: true });
    site.files.set('/.well-known/portico-challenge/t', 't');
  });
  afterAll(async () => {
    await site?.close();
  });

  const get = (hostname: string, ca?: string) =>
    fetchPinned({
      url: new URL(`https://${hostname}:${site.port}/.well-known/portico-challenge/t`),
      address: '127.0.0.1',
      timeoutMs: 2000,
      maxBytes: 64,
      maxRedirects: 3,
      ca,
    });

  it('sends the hostname as SNI and checks the certificate against it, not against the address', async () => {
    expect(await get('secure.shop.test', TLS.cert)).toMatchObject({ kind: 'response', status: 200, body: 't' });
    expect(await get('other.shop.test', TLS.cert)).toMatchObject({ kind: 'failed', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('refuses a certificate it does not trust', async () => {
    const outcome = await get('secure.shop.test');
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });
});
