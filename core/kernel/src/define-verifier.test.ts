import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestKernel } from './conformance/test-services.ts';
import { checkerError, defineVerifier, lookupFailed, neverRejecting, verifierOptions } from './define-verifier.ts';
import type { VerifyResult } from './hooks.ts';
import type { ExpectedRecord } from './records.ts';
import type { DnsAnswer, DnsLookup } from './services.ts';

const rejecting = (code?: string): DnsLookup => ({
  query: () => Promise.reject(Object.assign(new Error('lookup service down'), code ? { code } : {})),
  findZone: () => Promise.reject(new Error('down')),
  resolveChain: () => {
    throw new Error('thrown synchronously');
  },
});

type Behaviour = (ctx: { hostname: string; dns: DnsLookup; expected: { name: string }[] }) => Promise<unknown>;

async function kernelWith(behaviour: Behaviour, dns: DnsLookup = { query: async () => ({ status: 'nxdomain' }) }) {
  const seen: string[] = [];
  const plugin = defineVerifier({
    id: 'verify.probe',
    version: '0.1.0',
    kernel: '^0.1.0',
    options: z.object({ recordName: verifierOptions.recordName('_probe') }),
    methods: (options) => [
      {
        method: 'probe',
        title: 'Probe record',
        challenge: ({ hostname, token }) => [{ name: `${options.recordName}.${hostname}`, type: 'TXT', value: token }],
        check: async (ctx) => {
          seen.push(ctx.hostname);
          return (await behaviour(ctx)) as VerifyResult;
        },
      },
    ],
  });
  return { kernel: await createTestKernel([{ plugin }], { services: { dns } }), seen };
}

const input = { hostname: ' Shop.Example.COM. ', token: 'tok' };
const expected: ExpectedRecord[] = [{ name: '_probe.shop.example.com', type: 'TXT', value: 'tok' }];

describe('defineVerifier', () => {
  it('describes the methods and normalises the hostname for challenge and check', async () => {
    const { kernel, seen } = await kernelWith(async ({ expected }) => ({ status: 'missing', expected, message: 'not yet' }));
    expect(kernel.descriptors.verificationMethods.map((d) => [d.method, d.title])).toEqual([['probe', 'Probe record']]);
    expect(kernel.challenge('probe', input)).toEqual(expected);
    expect(await kernel.verify('probe', input)).toEqual({ status: 'missing', expected, message: 'not yet' });
    expect(seen).toEqual(['shop.example.com']);
    await kernel.close();
  });

  it('a check that throws is error, never missing, naming the code', async () => {
    const { kernel } = await kernelWith(async () => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    const result = await kernel.verify('probe', input);
    expect(result).toMatchObject({ status: 'error', expected });
    expect(result.message).toContain('ECONNRESET');
    await kernel.close();
  });

  it('a check that returns nothing usable is error', async () => {
    for (const bad of [undefined, null, { status: 'gone', expected, message: 'x' }, { status: 'verified', message: '' }, { status: 'missing', expected }]) {
      const { kernel } = await kernelWith(async () => bad);
      expect((await kernel.verify('probe', input)).status, JSON.stringify(bad)).toBe('error');
      await kernel.close();
    }
  });

  it('a lookup service that rejects (or throws) reaches the check as an error answer', async () => {
    const answers: unknown[] = [];
    const { kernel } = await kernelWith(async ({ dns, expected }) => {
      answers.push(await dns.query('x.example.com', 'TXT'), await dns.findZone?.('x.example.com'), await dns.resolveChain?.('x.example.com'));
      return { status: 'missing', expected, message: 'not yet' };
    }, rejecting('ESERVFAIL'));
    await kernel.verify('probe', input);
    expect(answers).toEqual([
      { status: 'error', code: 'ESERVFAIL', message: 'lookup service down' },
      { status: 'error', code: 'EUNKNOWN', message: 'down' },
      { status: 'error', code: 'EUNKNOWN', message: 'thrown synchronously' },
    ]);
    await kernel.close();
  });

  it('a cancelled check is error without running the check', async () => {
    const { kernel, seen } = await kernelWith(async ({ expected }) => ({ status: 'verified', expected, message: 'ok' }));
    expect(await kernel.verify('probe', { ...input, signal: AbortSignal.abort() })).toMatchObject({ status: 'error', expected });
    expect(seen).toEqual([]);
    await kernel.close();
  });
});

describe('neverRejecting', () => {
  it('offers the optional methods only while the lookup has them', async () => {
    let current: DnsLookup = { query: async () => ({ status: 'nodata' }) };
    const switching: DnsLookup = {
      query: (...args) => current.query(...args),
      get resolveChain() {
        return current.resolveChain;
      },
    };
    const safe = neverRejecting(switching);
    expect(safe.resolveChain).toBeUndefined();
    current = { ...current, resolveChain: async () => ({ status: 'nodata' }) };
    expect(await safe.resolveChain?.('x.example')).toEqual({ status: 'nodata' });
  });
});

describe('checkerError and lookupFailed', () => {
  it('are error results carrying the code, for every lookup failure', () => {
    expect(checkerError(expected, 'the TXT record', { code: 'ETIMEOUT', message: 'no answer' })).toMatchObject({ status: 'error', expected });
    for (const code of ['ETIMEOUT', 'EREFUSED', 'ESERVFAIL', 'ENOTAUTH', 'ELAME', 'ENOZONE', 'EINCONSISTENT']) {
      const answer: Extract<DnsAnswer, { status: 'error' }> = { status: 'error', code, message: 'failed' };
      const result = lookupFailed(expected, 'the TXT record at _probe.shop.example.com', answer);
      expect(result.status, code).toBe('error');
      expect(result.found, code).toBeUndefined();
      expect(result.message, code).toContain(code);
    }
  });

  it('verifierOptions.recordName accepts one DNS label, with a default', () => {
    expect(verifierOptions.recordName().parse(undefined)).toBe('_portico-challenge');
    expect(verifierOptions.recordName().safeParse('two.labels').success).toBe(false);
    expect(verifierOptions.hostname().safeParse('verify.saas.example').success).toBe(true);
    expect(verifierOptions.hostname().safeParse('Verify.Saas.Example.').success).toBe(false);
  });
});
