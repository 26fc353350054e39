import type { ServerResponse } from 'node:http';
import { verifierConformance } from '@portico/kernel/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWeb, type TestWeb } from './dns.ts';
import { startSite, type TestSite } from './site.ts';

verifierConformance({
  name: 'verify.http-file with dns.memory and a web server on loopback',
  method: 'http-file',
  zone: 'example.com',
  setup: async () => {
    const site = await startSite();
    const web = await startTestWeb({ id: 'http-conformance', zone: 'example.com', site });
    return {
      ...web,
      teardown: async () => {
        await web.teardown();
        await site.close();
      },
    };
  },
});

describe('verify.http-file against a web server on loopback', () => {
  let site: TestSite;
  let web: TestWeb;
  beforeAll(async () => {
    site = await startSite();
    web = await startTestWeb({ id: 'http-integration', zone: 'shop.test', site, plugin: { timeoutMs: 1000, maxBytes: 4096 } });
  });
  afterAll(async () => {
    await web?.teardown();
    await site?.close();
  });

  const input = { hostname: 'www.shop.test', token: 'tok-1' };
  const path = '/.well-known/portico-challenge/tok-1';
  const url = () => `http://www.shop.test:${site.port}${path}`;

  /** Point www.shop.test at loopback and serve `path` with `handler` (or the body) for the duration of `fn`. */
  const serving = async (content: string | Parameters<TestSite['routes']['set']>[1], fn: () => Promise<void>) => {
    web.point('www.shop.test', ['127.0.0.1']);
    if (typeof content === 'string') site.files.set(path, content);
    else site.routes.set(path, content);
    try {
      await fn();
    } finally {
      site.files.delete(path);
      site.routes.delete(path);
      web.point('www.shop.test', []);
    }
  };

  it('challenges with the URL to serve and the token as its whole content', () => {
    expect(web.kernel.challenge('http-file', input)).toEqual([{ name: url(), type: 'HTTP', value: 'tok-1' }]);
  });

  it('is missing while the hostname does not resolve, and while the file is absent (404)', async () => {
    const unresolved = await web.kernel.verify('http-file', input);
    expect(unresolved.status).toBe('missing');
    expect(unresolved.message).toContain('does not resolve yet');
    web.point('www.shop.test', ['127.0.0.1']);
    try {
      const absent = await web.kernel.verify('http-file', input);
      expect(absent.status).toBe('missing');
      expect(absent.message).toContain(`No file at ${url()} yet (HTTP 404)`);
    } finally {
      web.point('www.shop.test', []);
    }
  });

  it('verifies the token served with a trailing newline, asking with the hostname in Host', async () => {
    await serving('tok-1\n', async () => {
      const before = site.requests.length;
      expect(await web.kernel.verify('http-file', input)).toMatchObject({ status: 'verified' });
      expect(site.requests.slice(before)).toEqual([{ path, host: `www.shop.test:${site.port}` }]);
    });
  });

  it('reports a wrong body as mismatch quoting at most 200 characters of it', async () => {
    await serving(`<html>${'x'.repeat(500)}</html>`, async () => {
      const result = await web.kernel.verify('http-file', input);
      expect(result.status).toBe('mismatch');
      expect(result.found).toEqual([`<html>${'x'.repeat(194)}`]);
    });
  });

  it('reports a file larger than maxBytes as mismatch, declared or streamed', async () => {
    await serving('y'.repeat(5000), async () => {
      const result = await web.kernel.verify('http-file', input);
      expect(result.status).toBe('mismatch');
      expect(result.message).toContain('too large (more than 4096 bytes)');
    });
    const streamed = (_req: unknown, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 10; i++) res.write('z'.repeat(1000));
      res.end();
    };
    await serving(streamed, async () => {
      expect(await web.kernel.verify('http-file', input)).toMatchObject({ status: 'mismatch', found: ['more than 4096 bytes'] });
    });
  });

  it('reports a server that does not answer in time as error (ETIMEDOUT), never missing', async () => {
    let held: ServerResponse | undefined;
    await serving(
      (_req, res) => {
        held = res; // never answered; the site closes the connection at the end
      },
      async () => {
        const result = await web.kernel.verify('http-file', input);
        expect(result.status).toBe('error');
        expect(result.message).toContain('ETIMEDOUT');
      },
    );
    held?.destroy();
  });

  it('reports 5xx as error and other statuses as mismatch', async () => {
    await serving((_req, res) => res.writeHead(503).end(), async () => {
      expect((await web.kernel.verify('http-file', input)).status).toBe('error');
    });
    await serving((_req, res) => res.writeHead(403).end('forbidden'), async () => {
      expect(await web.kernel.verify('http-file', input)).toMatchObject({ status: 'mismatch', found: ['HTTP 403'] });
    });
  });

  it('follows a redirect within the host and refuses one to another host', async () => {
    site.files.set('/moved', 'tok-1');
    try {
      await serving((_req, res) => res.writeHead(301, { location: '/moved' }).end(), async () => {
        expect((await web.kernel.verify('http-file', input)).status).toBe('verified');
      });
    } finally {
      site.files.delete('/moved');
    }
    await serving((_req, res) => res.writeHead(302, { location: 'http://evil.example/steal' }).end(), async () => {
      const result = await web.kernel.verify('http-file', input);
      expect(result).toMatchObject({ status: 'mismatch', found: ['http://evil.example/steal'] });
      expect(result.message).toContain('redirects to http://evil.example/steal');
    });
  });

  it('reports a connection refused as error', async () => {
    const closed = await startSite();
    await closed.close();
    const other = await startTestWeb({ id: 'http-refused', zone: 'shop.test', site: closed });
    try {
      other.point('www.shop.test', ['127.0.0.1']);
      const result = await other.kernel.verify('http-file', input);
      expect(result.status).toBe('error');
      expect(result.message).toContain('ECONNREFUSED');
    } finally {
      await other.teardown();
    }
  });

  it('reports a dead DNS server as error', async () => {
    await web.breakDns();
    try {
      const result = await web.kernel.verify('http-file', input);
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/\((ECONNREFUSED|ETIMEOUT)/);
    } finally {
      await web.restoreDns();
    }
  });
});

describe('private addresses', () => {
  let site: TestSite;
  let web: TestWeb;
  beforeAll(async () => {
    site = await startSite();
    web = await startTestWeb({ id: 'http-private', zone: 'shop.test', site, plugin: { allowPrivateAddresses: false } });
  });
  afterAll(async () => {
    await web?.teardown();
    await site?.close();
  });

  const input = { hostname: 'www.shop.test', token: 'tok-2' };

  it('are refused without a request when allowPrivateAddresses is false: a mismatch naming the address', async () => {
    await web.publish(web.kernel.challenge('http-file', input));
    try {
      const cases: Array<[string[], string]> = [
        [['127.0.0.1'], 'loopback'],
        [['93.184.215.14', '10.0.0.8'], 'private'],
        [['::1'], 'loopback'],
      ];
      for (const [addresses, reason] of cases) {
        web.point('www.shop.test', addresses);
        const result = await web.kernel.verify('http-file', input);
        expect(result).toMatchObject({ status: 'mismatch', found: [addresses.at(-1)] });
        expect(result.message).toContain(`resolves to ${addresses.at(-1)}, a ${reason} address`);
        expect(result.message).toMatch(/Portico does not fetch from private or internal addresses/);
      }
      expect(site.requests).toEqual([]);
    } finally {
      await web.unpublish(web.kernel.challenge('http-file', input));
    }
  });
});
