import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsAnswer, DnsLookup } from '../services.ts';
import { createPublicFetch } from './public-fetch.ts';

describe('createPublicFetch', () => {
  let server: Server;
  let port: number;
  const requests: Array<{ path: string; host: string | undefined }> = [];
  const answers = new Map<string, DnsAnswer>();
  const asked: string[] = [];
  const dns: DnsLookup = {
    query: async (name, type) => {
      asked.push(`${type} ${name}`);
      return answers.get(`${type} ${name}`) ?? { status: 'nxdomain' };
    },
  };
  const publicFetch = createPublicFetch({ dns });

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ path: req.url ?? '', host: req.headers.host });
      if (req.url === '/elsewhere') res.writeHead(302, { location: 'http://other.example/' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('refuses loopback, private, link-local and metadata destinations, by literal or by name, without connecting', async () => {
    answers.set('A private.example', { status: 'found', values: ['10.1.2.3'] });
    answers.set('A mixed.example', { status: 'found', values: ['93.184.215.14'] });
    answers.set('AAAA mixed.example', { status: 'found', values: ['::1'] });
    answers.set('A local.example', { status: 'found', values: ['127.0.0.1'] });
    const cases: Array<[string, string, string]> = [
      [`http://127.0.0.1:${port}/`, '127.0.0.1', 'loopback'],
      [`http://[::1]:${port}/`, '::1', 'loopback'],
      ['http://10.0.0.8/', '10.0.0.8', 'private'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'link-local'],
      ['http://[fd00:ec2::254]/', 'fd00:ec2::254', 'unique local'],
      ['https://private.example/v2/x/settings', '10.1.2.3', 'private'],
      ['https://mixed.example/', '::1', 'loopback'],
      [`http://local.example:${port}/`, '127.0.0.1', 'loopback'],
    ];
    const before = requests.length;
    for (const [url, address, reason] of cases) {
      const got = await publicFetch.get(url);
      expect(got, url).toMatchObject({ kind: 'refused', address, reason, message: expect.stringContaining(address) });
    }
    expect(requests.length).toBe(before);
  });

  it('refuses URLs that are not plain http(s)', async () => {
    for (const url of ['ftp://example.com/', 'http://user:pw@example.com/', 'not a url', 'file:///etc/passwd']) {
      expect(await publicFetch.get(url), url).toMatchObject({ kind: 'refused', reason: 'invalid' });
    }
  });

  it('fails without an address: no records, or a lookup error (never a refusal that blames the URL)', async () => {
    expect(await publicFetch.get('https://absent.example/')).toMatchObject({ kind: 'failed', code: 'ENOTFOUND' });
    answers.set('A broken.example', { status: 'error', code: 'ETIMEOUT', message: 'timed out' });
    expect(await publicFetch.get('https://broken.example/')).toMatchObject({ kind: 'failed', code: 'ETIMEOUT' });
  });

  it('with private addresses allowed, connects to the looked-up address, names the host, and keeps redirects on it', async () => {
    answers.set('A site.test', { status: 'found', values: ['127.0.0.1'] });
    const before = requests.length;
    const got = await publicFetch.get(`http://site.test:${port}/hello`, { allowPrivateAddresses: true });
    expect(got).toEqual({ kind: 'response', url: `http://site.test:${port}/hello`, status: 200, body: 'hello' });
    expect(requests.slice(before)).toEqual([{ path: '/hello', host: `site.test:${port}` }]);
    expect(await publicFetch.get(`http://site.test:${port}/elsewhere`, { allowPrivateAddresses: true })).toMatchObject({ kind: 'redirect-refused', location: 'http://other.example/' });
    expect(await publicFetch.get(`http://site.test:${port}/big`, { allowPrivateAddresses: true, maxBytes: 2 })).toMatchObject({ kind: 'too-large' });
  });
});
