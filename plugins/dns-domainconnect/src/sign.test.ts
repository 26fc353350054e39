import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildApplyUrl, publicKeyRecords, signQuery } from './sign.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

/** What a DNS provider does: split off `&sig=…&key=…` and check the signature over the rest with the public key. */
function check(url: string, publicKeyPem: string): { query: string; key: string; valid: boolean } {
  const query = url.slice(url.indexOf('?') + 1);
  const match = /^(.*)&sig=([^&]*)&key=([^&]*)$/.exec(query);
  if (!match) throw new Error(`no sig and key at the end of ${url}`);
  const [, signed, sig, key] = match;
  const valid = verify('sha256', Buffer.from(signed), publicKeyPem, Buffer.from(decodeURIComponent(sig), 'base64'));
  return { query: signed, key: decodeURIComponent(key), valid };
}

/** Reassemble the key from TXT records the way DNS providers do (by p, concatenating d). */
function keyFromRecords(values: string[]): string {
  const pieces = values.map((v) => Object.fromEntries(v.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
  const data = pieces.sort((a, b) => Number(a.p) - Number(b.p)).map((p) => p.d).join('');
  return createPublicKey({ key: Buffer.from(data, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
}

const input = {
  urlSyncUX: 'https://dcc.provider.example/manage/',
  providerId: 'portico',
  serviceId: 'customdomain',
  domain: 'example.com',
  host: 'shop',
  variables: { token: 'a b&c=d/é', target: 'edge.portico.example' },
  groupIds: ['route', 'verify'],
  redirectUri: 'https://app.portico.example/done?x=1',
  state: 'shop.example.com',
};

describe('signQuery', () => {
  it('signs with RS256 so the public key verifies it, and another key does not', () => {
    const sig = signQuery('domain=example.com&host=shop', rsa.privateKey);
    expect(verify('sha256', Buffer.from('domain=example.com&host=shop'), rsa.publicKey, Buffer.from(sig, 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.from('domain=example.com&host=shop'), other.publicKey, Buffer.from(sig, 'base64'))).toBe(false);
    expect(verify('sha256', Buffer.from('domain=example.com&host=shoq'), rsa.publicKey, Buffer.from(sig, 'base64'))).toBe(false);
  });

  it('refuses a key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    expect(() => signQuery('a=b', ec.privateKey)).toThrow(/RSA/);
  });
});

describe('buildApplyUrl', () => {
  it('builds the sync apply URL with every parameter URL-encoded, in a fixed order', () => {
    const url = buildApplyUrl(input);
    expect(url).toBe(
      'https://dcc.provider.example/manage/v2/domainTemplates/providers/portico/services/customdomain/apply?' +
        'domain=example.com&host=shop&target=edge.portico.example&token=a%20b%26c%3Dd%2F%C3%A9&groupId=route%2Cverify' +
        '&redirect_uri=https%3A%2F%2Fapp.portico.example%2Fdone%3Fx%3D1&state=shop.example.com',
    );
    const params = new URL(url).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      domain: 'example.com',
      host: 'shop',
      target: 'edge.portico.example',
      token: 'a b&c=d/é',
      groupId: 'route,verify',
      redirect_uri: 'https://app.portico.example/done?x=1',
      state: 'shop.example.com',
    });
  });

  it('signs the exact query string, then appends sig (URL-encoded base64) and key', () => {
    const url = buildApplyUrl({ ...input, signing: { privateKeyPem: rsa.privateKey, keyHost: '_dcpubkeyv1' } });
    const { query, key, valid } = check(url, rsa.publicKey);
    expect(valid).toBe(true);
    expect(key).toBe('_dcpubkeyv1');
    expect(url.startsWith(buildApplyUrl(input))).toBe(true);
    expect(query).toBe(buildApplyUrl(input).split('?')[1]);
    const sig = new URL(url).searchParams.get('sig')!;
    expect(sig).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(url).not.toMatch(/sig=[^&]*[+/=]/);
    expect(check(url, other.publicKey).valid).toBe(false);
    expect(check(url.replace('host=shop', 'host=evil'), rsa.publicKey).valid).toBe(false);
  });

  it('leaves host out at the apex and optional parameters out when not given', () => {
    const url = buildApplyUrl({ urlSyncUX: 'https://dcc.provider.example', providerId: 'p', serviceId: 's', domain: 'example.com', host: '', variables: {} });
    expect(url).toBe('https://dcc.provider.example/v2/domainTemplates/providers/p/services/s/apply?domain=example.com');
  });
});

describe('publicKeyRecords', () => {
  it('publishes the DER key in p=<n>,a=RS256,d=<piece> records under 255 bytes that reassemble to the key', () => {
    for (const bits of [2048, 3072]) {
      const pair = bits === 2048 ? rsa : generateKeyPairSync('rsa', { modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
      const records = publicKeyRecords(pair.publicKey, '_dcpubkeyv1', 'Portico.Example.');
      expect(records.length).toBe(bits === 2048 ? 2 : 3);
      records.forEach((record, i) => {
        expect(record).toMatchObject({ name: '_dcpubkeyv1.portico.example', type: 'TXT' });
        expect(record.value).toMatch(new RegExp(`^p=${i + 1},a=RS256,d=[A-Za-z0-9+/=]{1,200}$`));
        expect(Buffer.byteLength(record.value)).toBeLessThanOrEqual(255);
      });
      expect(keyFromRecords(records.map((r) => r.value).reverse())).toBe(pair.publicKey);
    }
  });

  it('takes the private key too, and gives the same records as for its public key', () => {
    expect(publicKeyRecords(rsa.privateKey, '_k', 'portico.example')).toEqual(publicKeyRecords(rsa.publicKey, '_k', 'portico.example'));
  });

  it('lets a provider verify a signed URL with the key it reassembled from the records', () => {
    const url = buildApplyUrl({ ...input, signing: { privateKeyPem: rsa.privateKey, keyHost: '_dcpubkeyv1' } });
    const published = keyFromRecords(publicKeyRecords(rsa.publicKey, '_dcpubkeyv1', 'portico.example').map((r) => r.value));
    expect(check(url, published).valid).toBe(true);
  });
});
