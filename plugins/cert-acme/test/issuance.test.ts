import { crypto as acmeCrypto } from 'acme-client';
import { createTestKernel } from '@portico/kernel/conformance';
import { requirePebble } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import certAcme, { createAcmeIssuer } from '../src/index.ts';
import { startAcmeHarness, type AcmeHarness } from './harness.ts';

const available = requirePebble();

describe.skipIf(!available)('cert.acme accounts, deadlines and trust against Pebble', () => {
  let harness: AcmeHarness;

  beforeAll(async () => {
    harness = await startAcmeHarness({ id: 'cert-acme-issuance', zone: 'example.test', records: [{ name: 'acct.example.test', type: 'A', ttl: 60, values: ['127.0.0.1'] }] });
  });
  afterAll(() => harness?.teardown());

  const issuerOptions = () => ({ directoryUrl: harness.pebble.directoryUrl, caBundlePem: harness.pebble.caPem, timeoutMs: 10_000, pollMaxMs: 250 });

  it('keeps one ACME account per key: a persisted key finds the same account again', async () => {
    const accountKeyPem = (await acmeCrypto.createPrivateEcdsaKey('P-256')).toString();
    const first = createAcmeIssuer({ ...issuerOptions(), accountKeyPem });
    const second = createAcmeIssuer({ ...issuerOptions(), accountKeyPem });
    const fresh = createAcmeIssuer(issuerOptions());
    try {
      for (const issuer of [first, second, fresh]) await issuer.issue({ hostnames: ['acct.example.test'], challenges: { http: harness.http() } });
      expect(first.accountUrl()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
      expect(second.accountUrl()).toBe(first.accountUrl());
      expect(fresh.accountUrl()).not.toBe(first.accountUrl());
    } finally {
      for (const issuer of [first, second, fresh]) issuer.close();
    }
  });

  it('reads the account key from the secret named by accountKeySecret', async () => {
    const key = (await acmeCrypto.createPrivateEcdsaKey('P-256')).toString();
    const kernel = await createTestKernel([{ plugin: certAcme, options: { ...issuerOptions(), accountKeySecret: 'acme-key' } }], { services: { secretValues: { 'acme-key': key } } });
    try {
      const cert = await kernel.issueCert({ hostnames: ['acct.example.test'], challenges: { http: harness.http() } });
      expect(cert.kind).toBe('issued');
    } finally {
      await kernel.close();
    }
  });

  it('stops at timeoutMs with reason timeout and still withdraws what it presented', async () => {
    const issuer = createAcmeIssuer({ ...issuerOptions(), timeoutMs: 300 });
    harness.events.length = 0;
    const http = harness.http();
    const slow = { ...http, present: async (input: Parameters<typeof http.present>[0]) => {
      await http.present(input);
      await new Promise((resolve) => setTimeout(resolve, 600));
    } };
    try {
      const error = await issuer.issue({ hostnames: ['acct.example.test'], challenges: { http: slow } }).catch((err: unknown) => err);
      expect(error).toMatchObject({ reason: 'timeout', retryable: true });
      expect(harness.events).toEqual(['present http acct.example.test', 'cleanup http acct.example.test']);
    } finally {
      issuer.close();
    }
  });

  it('stops with reason aborted when the caller aborts', async () => {
    const issuer = createAcmeIssuer(issuerOptions());
    try {
      const error = await issuer.issue({ hostnames: ['acct.example.test'], challenges: { http: harness.http() }, signal: AbortSignal.abort() }).catch((err: unknown) => err);
      expect(error).toMatchObject({ reason: 'aborted' });
    } finally {
      issuer.close();
    }
  });

  it('reports an untrusted directory certificate as reason directory, pointing at caBundlePem', async () => {
    const issuer = createAcmeIssuer({ directoryUrl: harness.pebble.directoryUrl, timeoutMs: 10_000 });
    try {
      const error = await issuer.issue({ hostnames: ['acct.example.test'], challenges: { http: harness.http() } }).catch((err: unknown) => err);
      expect(error).toMatchObject({ reason: 'directory' });
      expect((error as Error).message).toContain('caBundlePem');
    } finally {
      issuer.close();
    }
  });

  it('reports a URL that is not an ACME directory as reason directory', async () => {
    const issuer = createAcmeIssuer({ ...issuerOptions(), directoryUrl: harness.pebble.directoryUrl.replace(/\/dir$/, '/not-a-directory') });
    try {
      const error = await issuer.issue({ hostnames: ['acct.example.test'], challenges: { http: harness.http() } }).catch((err: unknown) => err);
      expect(error).toMatchObject({ reason: 'directory' });
      expect((error as Error).message).toMatch(/answered HTTP 404.*directoryUrl/);
    } finally {
      issuer.close();
    }
  });
});
