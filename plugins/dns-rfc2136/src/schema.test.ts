import { describe, expect, it } from 'vitest';
import { credentialsSchema, optionsSchema, parseServer, serverKey } from './schema.ts';

const SECRET = Buffer.alloc(32, 7).toString('base64');

describe('parseServer', () => {
  it('reads host, host:port and IPv6 forms, port 53 by default', () => {
    expect(parseServer('192.0.2.53')).toEqual({ host: '192.0.2.53', port: 53 });
    expect(parseServer(' NS1.Example.COM.:5353 ')).toEqual({ host: 'ns1.example.com', port: 5353 });
    expect(parseServer('2001:db8::53')).toEqual({ host: '2001:db8::53', port: 53 });
    expect(parseServer('[2001:DB8::53]:8053')).toEqual({ host: '2001:db8::53', port: 8053 });
    expect(parseServer('[::1]')).toEqual({ host: '::1', port: 53 });
  });

  it('refuses what is not a server address', () => {
    for (const bad of ['', ':53', 'host:', 'host:0', 'host:65536', 'host:53:53', '[not-v6]:53', 'bad_host!', 'a..b', 'http://ns1.example.com', 'ns1 example.com']) {
      expect(() => parseServer(bad), bad).toThrow(RangeError);
    }
  });

  it('spells each address one way', () => {
    expect(serverKey(parseServer('NS1.example.com'))).toBe('ns1.example.com:53');
    expect(serverKey(parseServer('[2001:db8::53]'))).toBe('[2001:db8::53]:53');
    expect(serverKey(parseServer('2001:db8:0::53'))).toBe(serverKey(parseServer('[2001:db8:0::53]:53')));
  });
});

describe('credentialsSchema', () => {
  const good = { server: '127.0.0.1:5353', keyName: 'portico-key', secret: SECRET };

  it('defaults the algorithm and keeps the optional zone', () => {
    expect(credentialsSchema.parse(good)).toEqual({ ...good, algorithm: 'hmac-sha256' });
    expect(credentialsSchema.parse({ ...good, algorithm: 'hmac-sha512', zone: 'example.com' })).toMatchObject({ algorithm: 'hmac-sha512', zone: 'example.com' });
  });

  it('refuses a bad server, key name, algorithm, secret or zone, naming the field', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, server: 'host:99999' }, 'server'],
      [{ ...good, keyName: '' }, 'keyName'],
      [{ ...good, keyName: 'bad..name' }, 'keyName'],
      [{ ...good, algorithm: 'hmac-md5' }, 'algorithm'],
      [{ ...good, secret: 'not base64!' }, 'secret'],
      [{ ...good, secret: '' }, 'secret'],
      [{ ...good, zone: '.' }, 'zone'],
      [{ server: good.server, secret: SECRET }, 'keyName'],
    ];
    for (const [input, field] of cases) {
      const result = credentialsSchema.safeParse(input);
      expect(result.success, JSON.stringify(input)).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
    }
  });
});

describe('optionsSchema', () => {
  it('has defaults and refuses bad values', () => {
    expect(optionsSchema.parse({})).toEqual({ allowedServers: [], timeoutMs: 5000, tries: 2, nameservers: [] });
    for (const bad of [{ allowedServers: ['host:0'] }, { timeoutMs: 0 }, { tries: 0 }, { tries: 1.5 }, { nameservers: [''] }]) {
      expect(optionsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
