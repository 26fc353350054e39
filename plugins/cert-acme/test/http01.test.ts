import { createPrivateKey } from 'node:crypto';
import { requirePebble } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAcmeIssueError } from '../src/index.ts';
import { chainOf, expectChainVerifies } from './certs.ts';
import { startAcmeHarness, type AcmeHarness } from './harness.ts';

const available = requirePebble();
const ZONE = 'example.test';
const address = (name: string) => ({ name, type: 'A' as const, ttl: 60, values: ['127.0.0.1'] });

describe.skipIf(!available)('cert.acme HTTP-01 against Pebble (real validation)', () => {
  let harness: AcmeHarness;

  beforeAll(async () => {
    harness = await startAcmeHarness({
      id: 'cert-acme-http01',
      zone: ZONE,
      records: [address('shop.example.test'), address('www.shop.example.test'), address('wrong.example.test')],
    });
  });
  afterAll(() => harness?.teardown());

  it('issues a certificate for two hostnames, validated over HTTP, and withdraws the tokens', async () => {
    harness.events.length = 0;
    const cert = await harness.kernel.issueCert({
      hostnames: ['shop.example.test', 'www.shop.example.test'],
      challenges: { http: harness.http(), dns: harness.dns() },
    });
    if (cert.kind !== 'issued') throw new Error(`expected an issued certificate, got ${cert.kind}`);

    const chain = chainOf(cert.certificatePem);
    const leaf = chain[0];
    expect(leaf.subjectAltName?.split(', ').sort()).toEqual(['DNS:shop.example.test', 'DNS:www.shop.example.test']);
    expect(cert.issuer).toMatch(/^Pebble Intermediate CA/);
    expect(leaf.issuer).toContain(cert.issuer);
    expect(cert.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(cert.notAfter.getTime()).toBe(new Date(leaf.validTo).getTime());
    expect(leaf.checkPrivateKey(createPrivateKey(cert.privateKeyPem))).toBe(true);
    expectChainVerifies(chain, await harness.pebble.rootsPem());

    // HTTP-01 was chosen over DNS-01, each token presented and withdrawn; nothing stays served.
    expect([...harness.events].sort()).toEqual([
      'cleanup http shop.example.test',
      'cleanup http www.shop.example.test',
      'present http shop.example.test',
      'present http www.shop.example.test',
    ]);
    expect(harness.events.indexOf('cleanup http shop.example.test')).toBeGreaterThan(harness.events.indexOf('present http www.shop.example.test'));
    expect(harness.tokens.size).toBe(0);
    expect(harness.services.logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'cert.acme: certificate issued' }));
  });

  it('fails with reason challenge_failed when the token answer is wrong, and still cleans up', async () => {
    harness.events.length = 0;
    const error = await harness.kernel
      .issueCert({ hostnames: ['wrong.example.test'], challenges: { http: harness.http((keyAuthorization) => `${keyAuthorization}-tampered`) } })
      .then(() => undefined, (err: unknown) => err);
    expect(isAcmeIssueError(error)).toBe(true);
    if (!isAcmeIssueError(error)) return;
    expect(error.reason).toBe('challenge_failed');
    expect(error.problemType).toBe('urn:ietf:params:acme:error:unauthorized');
    expect(error.hostname).toBe('wrong.example.test');
    expect(error.message).toContain('/.well-known/acme-challenge/');
    expect(harness.events).toEqual(['present http wrong.example.test', 'cleanup http wrong.example.test']);
    expect(harness.tokens.size).toBe(0);
  });

  it('fails with reason challenge_unreachable when the hostname points where nothing answers', async () => {
    harness.zones.apply({ zone: ZONE, upsert: [{ name: 'gone.example.test', type: 'A', ttl: 60, values: ['127.0.0.42'] }], remove: [] });
    harness.events.length = 0;
    const error = await harness.kernel.issueCert({ hostnames: ['gone.example.test'], challenges: { http: harness.http() } }).catch((err: unknown) => err);
    expect(error).toMatchObject({ reason: 'challenge_unreachable', hostname: 'gone.example.test' });
    expect(harness.events).toEqual(['present http gone.example.test', 'cleanup http gone.example.test']);
  });

  it('fails with reason dns when the hostname does not resolve', async () => {
    const error = await harness.kernel.issueCert({ hostnames: ['missing.example.test'], challenges: { http: harness.http() } }).catch((err: unknown) => err);
    expect(error).toMatchObject({ reason: 'dns', hostname: 'missing.example.test' });
  });

  it('refuses a wildcard when only HTTP-01 is offered, before ordering anything', async () => {
    harness.events.length = 0;
    const error = await harness.kernel.issueCert({ hostnames: ['*.shop.example.test'], challenges: { http: harness.http() } }).catch((err: unknown) => err);
    expect(error).toMatchObject({ reason: 'no_challenge' });
    expect((error as Error).message).toMatch(/wildcard.*DNS-01/);
    expect(harness.events).toEqual([]);
  });
});
