import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelError } from '../errors.ts';
import type { VerifyResult } from '../hooks.ts';
import type { Kernel } from '../kernel.ts';
import type { ExpectedRecord } from '../records.ts';

/**
 * Ways a verifier's DNS can fail, each a checker failure that must come back as `error` (never `missing` or
 * `mismatch`):
 * - `unreachable`: nothing answers at the servers' address; `timeout`: the zone's nameservers never answer;
 * - `refused` / `servfail`: they answer REFUSED / SERVFAIL;
 * - `not-authoritative`: they answer without the AA bit; `referral`: they send the question elsewhere;
 * - `inconsistent`: the zone's nameservers disagree (one has the records, another not);
 * - `lookup-throws`: the DNS lookup service itself rejects.
 */
export type VerifierDnsFault = 'unreachable' | 'timeout' | 'refused' | 'servfail' | 'not-authoritative' | 'referral' | 'inconsistent' | 'lookup-throws';

export const VERIFIER_DNS_FAULTS: readonly VerifierDnsFault[] = [
  'unreachable',
  'timeout',
  'refused',
  'servfail',
  'not-authoritative',
  'referral',
  'inconsistent',
  'lookup-throws',
];

export interface VerifierConformanceContext {
  /** A kernel with the verifier's plugin registered (its `describe.verificationMethods` included). */
  kernel: Kernel;
  /** Make these records visible to the verifier's checks (write them to the DNS server it asks). */
  publish(records: ExpectedRecord[]): Promise<void>;
  /** Take them away again. */
  unpublish(records: ExpectedRecord[]): Promise<void>;
  /**
   * Make the verifier's DNS fail, the way `fault` says when the context can (`@portico/dns-memory/testing` can
   * do each); a context that cannot must still make DNS fail somehow (a dead server, say). Without `fault`:
   * any failure.
   */
  breakDns(fault?: VerifierDnsFault): Promise<void>;
  restoreDns(): Promise<void>;
  teardown?: () => Promise<void>;
}

export interface VerifierConformanceOptions {
  /** Shown in the suite's title. */
  name: string;
  /** The `verify` HookMap key the plugin taps (`dns-txt`). */
  method: string;
  /** Zone the test hostnames are made under; `publish` must be able to write there. Default `example.com`. */
  zone?: string;
  setup: () => Promise<VerifierConformanceContext>;
  /** Per-test timeout in milliseconds (the broken-DNS test waits for the verifier's own timeouts). Default 30000. */
  timeoutMs?: number;
}

const STATUSES = ['verified', 'mismatch', 'missing', 'error'];

/** A value of the record's type that is certainly not the expected one. */
function wrongValue(record: ExpectedRecord, n: string): string {
  if (record.type === 'A') return record.value === '192.0.2.99' ? '192.0.2.98' : '192.0.2.99';
  if (record.type === 'AAAA') return record.value === '2001:db8::99' ? '2001:db8::98' : '2001:db8::99';
  if (record.type === 'CNAME') return `wrong-${n}.example.net`;
  return `wrong-${n}`;
}

/**
 * The behaviour every verification method must show: a pure challenge, and `missing`, `verified`, `mismatch`
 * and `error` each reported when (and only when) it is the truth. Call it at the top level of a test file.
 */
export function verifierConformance(options: VerifierConformanceOptions): void {
  const { name, method, zone = 'example.com', setup, timeoutMs = 30_000 } = options;
  const run = randomBytes(4).toString('hex');
  let counter = 0;
  let ctx: VerifierConformanceContext | undefined;

  const context = (): VerifierConformanceContext => {
    if (!ctx) throw new Error('verifierConformance: setup() did not run');
    return ctx;
  };
  /** A hostname and token no other test (or earlier run) uses, and the challenge for them. */
  const fresh = () => {
    const n = `${run}-${++counter}`;
    const input = { hostname: `verify-${n}.${zone}`, token: `token-${n}-${randomBytes(8).toString('hex')}` };
    return { n, input, challenge: context().kernel.challenge(method, input) };
  };
  const expectWellFormed = (result: VerifyResult, challenge: ExpectedRecord[]) => {
    expect(STATUSES).toContain(result.status);
    expect(typeof result.message).toBe('string');
    expect(result.message.trim()).not.toBe('');
    expect(result.expected).toEqual(expect.arrayContaining(challenge));
  };
  /** Publish, run `fn`, and unpublish whatever happens. */
  const withPublished = async (records: ExpectedRecord[], fn: () => Promise<void>) => {
    await context().publish(records);
    try {
      await fn();
    } finally {
      await context().unpublish(records);
    }
  };

  describe(`Verifier conformance: ${name} (${method})`, () => {
    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);

    afterAll(async () => {
      await ctx?.teardown?.();
    }, timeoutMs);

    it('challenge() is pure, stable and derived from the token', () => {
      const { input, challenge } = fresh();
      expect(challenge.length).toBeGreaterThan(0);
      expect(context().kernel.challenge(method, { ...input })).toEqual(challenge);
      for (const record of challenge) {
        expect(['A', 'AAAA', 'CNAME', 'TXT', 'HTTP']).toContain(record.type);
        expect(record.name).toBe(record.name.toLowerCase());
        expect(record.name.endsWith('.')).toBe(false);
        expect(record.value).not.toBe('');
      }
      const other = context().kernel.challenge(method, { ...input, token: `${input.token}-other` });
      expect(other).not.toEqual(challenge);
    });

    it('an unknown method is VERIFY_METHOD_UNKNOWN for verify and challenge', async () => {
      const unknown = `no-such-method-${run}`;
      const input = { hostname: `verify-${run}.${zone}`, token: 'token' };
      const error = await context().kernel.verify(unknown, input).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(KernelError);
      expect((error as KernelError).code).toBe('VERIFY_METHOD_UNKNOWN');
      expect(() => context().kernel.challenge(unknown, input)).toThrow(expect.objectContaining({ code: 'VERIFY_METHOD_UNKNOWN' }));
    });

    it('nothing published is missing', async () => {
      const { input, challenge } = fresh();
      const result = await context().kernel.verify(method, input);
      expectWellFormed(result, challenge);
      expect(result.status).toBe('missing');
    }, timeoutMs);

    it('the published challenge is verified', async () => {
      const { input, challenge } = fresh();
      await withPublished(challenge, async () => {
        const result = await context().kernel.verify(method, input);
        expectWellFormed(result, challenge);
        expect(result.status).toBe('verified');
      });
    }, timeoutMs);

    it('a wrong value at the challenge name is a mismatch that says what was found', async () => {
      const { n, input, challenge } = fresh();
      const wrong = challenge.map((record) => ({ ...record, value: wrongValue(record, n) }));
      await withPublished(wrong, async () => {
        const result = await context().kernel.verify(method, input);
        expectWellFormed(result, challenge);
        expect(result.status).toBe('mismatch');
        expect(result.found).toEqual(expect.arrayContaining([wrong[0].value]));
      });
    }, timeoutMs);

    it('a DNS failure is error, never missing', async () => {
      const { input, challenge } = fresh();
      await context().breakDns();
      try {
        const result = await context().kernel.verify(method, input);
        expectWellFormed(result, challenge);
        expect(result.status).toBe('error');
      } finally {
        await context().restoreDns();
      }
    }, timeoutMs);

    // A failure of the checker is never the customer's miss: with the proof published, every kind of DNS failure
    // still answers `error`, and the proof is verified again once DNS works.
    it.each(VERIFIER_DNS_FAULTS)('with the proof published, a DNS failure (%s) is error, never missing or mismatch', async (fault) => {
      const { input, challenge } = fresh();
      await withPublished(challenge, async () => {
        await context().breakDns(fault);
        try {
          const result = await context().kernel.verify(method, input);
          expectWellFormed(result, challenge);
          expect(result.status).toBe('error');
        } finally {
          await context().restoreDns();
        }
        expect((await context().kernel.verify(method, input)).status).toBe('verified');
      });
    }, timeoutMs);

    it('accepts an input with extra fields it does not know', async () => {
      const { input, challenge } = fresh();
      const extended = { ...input, requestedBy: 'conformance', future: { field: 1 } };
      await withPublished(challenge, async () => {
        const result = await context().kernel.verify(method, extended);
        expectWellFormed(result, challenge);
        expect(result.status).toBe('verified');
      });
    }, timeoutMs);
  });
}
