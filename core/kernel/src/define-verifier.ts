/**
 * The verifier contract: what a verification-method plugin supplies so Portico can check that a customer
 * controls a hostname. The plugin says what to publish (`challenge`) and how to read what it finds (`check`);
 * `defineVerifier` does what every verifier needs and none should do twice:
 *
 * - the hostname is normalised (lower case, no trailing dot) before `challenge` and `check` see it;
 * - `check` gets a DNS lookup that never rejects (a lookup service that throws is an `error` answer);
 * - a `check` that throws, returns nothing usable, or runs after the signal was aborted gives
 *   `status: 'error'` with a message that says Portico could not check: a checker failure is never the
 *   customer's miss;
 * - `checkerError()` and `lookupFailed()` build those `error` results with one wording for every method.
 *
 * ```ts
 * import { defineVerifier, lookupFailed, verifierOptions, z } from '@portico/kernel';
 *
 * export default defineVerifier({
 *   id: 'verify.acme-txt', ...packageFacts(import.meta.url),
 *   options: z.object({ recordName: verifierOptions.recordName() }),
 *   methods: [{
 *     method: 'acme-txt', title: 'TXT record',
 *     challenge: ({ hostname, token }, options) => [{ name: `${options.recordName}.${hostname}`, type: 'TXT', value: token }],
 *     async check({ expected, dns, signal }) {
 *       const answer = await dns.query(expected[0].name, 'TXT', { signal });
 *       if (answer.status === 'error') return lookupFailed(expected, `the TXT record at ${expected[0].name}`, answer);
 *       ...
 *     },
 *   }],
 * });
 * ```
 *
 * The result's `status` keeps the contract of `VerifyResult` (hooks.ts): `missing` and `mismatch` only when the
 * zone's authoritative servers (or the web server) said so; everything Portico could not find out is `error`.
 */
import { z } from 'zod';
import { definePlugin } from './define-plugin.ts';
import type { VerifyInput, VerifyResult } from './hooks.ts';
import type { Plugin, PluginDefinition, VerificationMethodDescriptor } from './plugin.ts';
import type { ExpectedRecord } from './records.ts';
import type { DnsAnswer, DnsLookup, PluginServices } from './services.ts';

/** What `check` receives. */
export interface VerifierCheckContext<Options> {
  /** Normalised: lower case, no surrounding space, no trailing dot. */
  hostname: string;
  token: string;
  signal?: AbortSignal;
  options: Options;
  /** What `challenge` returns for this hostname and token: the `expected` of every result. */
  expected: ExpectedRecord[];
  /** `services.dns`, wrapped so that no method rejects (a rejection becomes an `error` answer). */
  dns: DnsLookup;
  services: PluginServices;
}

/** One verification method of a verifier plugin. */
export interface VerifierMethod<Options> {
  /** The `verify` HookMap key (`dns-txt`). */
  method: string;
  title: string;
  /** The records (or file) to publish. Pure: no I/O. `hostname` is normalised. */
  challenge(input: { hostname: string; token: string }, options: Options): ExpectedRecord[];
  /** Read what is published. May throw: the helper turns that into an `error` result. */
  check(ctx: VerifierCheckContext<Options>): Promise<VerifyResult>;
}

export interface VerifierPluginDefinition<Schema extends z.ZodType> extends Omit<PluginDefinition<Schema>, 'describe' | 'apply'> {
  /** The methods offered, or a function of the parsed options choosing them. */
  methods: VerifierMethod<z.output<Schema>>[] | ((options: z.output<Schema>) => VerifierMethod<z.output<Schema>>[]);
  /** Optional further taps. */
  apply?: PluginDefinition<Schema>['apply'];
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)+$/;

/** Option schemas verifiers share. */
export const verifierOptions = {
  /** One DNS label put in front of the hostname (`_portico-challenge.<hostname>`). */
  recordName: (fallback = '_portico-challenge') =>
    z
      .string()
      .regex(LABEL, { message: "must be one DNS label: 1-63 lower-case letters, digits, '-' or '_', not starting or ending with '-'" })
      .default(fallback),
  /** A lower-case hostname of at least two labels, without a trailing dot. */
  hostname: () => z.string().regex(HOSTNAME, { message: 'must be a lower-case hostname of at least two labels, without a trailing dot (verify.saas.example)' }),
};

/** Lower case, no surrounding space, no trailing dot. */
export const normaliseVerifiedHost = (hostname: string) => hostname.trim().toLowerCase().replace(/\.$/, '');

/** The sentence every `error` result ends with. */
export const CHECKER_ERROR_NOTE =
  'This is a problem on the checking side, not proof that anything is missing or wrong; Portico will check again automatically.';

/**
 * An `error` result: Portico could not check `subject` (`the TXT record at _portico-challenge.shop.example.com`)
 * because of `cause`. Never blames the customer.
 */
export function checkerError(expected: ExpectedRecord[], subject: string, cause: { code: string; message?: string }): VerifyResult {
  const detail = cause.message ? `${cause.code}: ${cause.message}` : cause.code;
  return { status: 'error', expected, message: `Portico could not check ${subject} (${detail}). ${CHECKER_ERROR_NOTE}` };
}

/** The `error` result for a lookup that failed (any `DnsAnswer` error, `EINCONSISTENT` included). */
export function lookupFailed(expected: ExpectedRecord[], subject: string, answer: Extract<DnsAnswer, { status: 'error' }>): VerifyResult {
  if (answer.code === 'EINCONSISTENT') {
    return checkerError(expected, subject, {
      code: answer.code,
      message: `the domain's nameservers do not agree yet (${answer.message})`,
    });
  }
  return checkerError(expected, subject, answer);
}

function causeOf(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return { code: typeof code === 'string' ? code : 'EUNKNOWN', message: error instanceof Error ? error.message : String(error) };
}

/**
 * `dns` with every method wrapped so that a rejection (or a synchronous throw) comes back as an `error` answer.
 * The optional methods are there exactly when `dns` has them at the time of the call.
 */
export function neverRejecting(dns: DnsLookup): DnsLookup {
  async function settle<T>(call: () => Promise<T>): Promise<T | { status: 'error'; code: string; message: string }> {
    try {
      return await call();
    } catch (error) {
      return { status: 'error', ...causeOf(error) };
    }
  }
  return {
    query: (name, type, options) => settle(() => dns.query(name, type, options)),
    get findZone() {
      return typeof dns.findZone === 'function' ? (name: string, options?: { signal?: AbortSignal }) => settle(() => dns.findZone!(name, options)) : undefined;
    },
    get resolveChain() {
      return typeof dns.resolveChain === 'function'
        ? (name: string, options?: { maxDepth?: number; signal?: AbortSignal }) => settle(() => dns.resolveChain!(name, options))
        : undefined;
    },
  };
}

const STATUSES: ReadonlySet<string> = new Set(['verified', 'mismatch', 'missing', 'error']);

function wellFormed(result: unknown): result is VerifyResult {
  const value = result as VerifyResult | null | undefined;
  return (
    typeof value === 'object' &&
    value !== null &&
    STATUSES.has(value.status) &&
    Array.isArray(value.expected) &&
    typeof value.message === 'string' &&
    value.message.trim() !== ''
  );
}

/**
 * Build a verifier plugin: `describe` lists the methods (each `challenge` bound to the options), and `apply`
 * taps `verify.for(method)` with `check` inside the guard described at the top of this file.
 */
export function defineVerifier<Schema extends z.ZodType>(def: VerifierPluginDefinition<Schema>): Plugin<Schema> {
  const { methods, apply: extra, ...rest } = def;
  const methodsOf = (options: z.output<Schema>) => (typeof methods === 'function' ? methods(options) : methods);
  return definePlugin<Schema>({
    ...rest,
    describe: (options) => ({
      verificationMethods: methodsOf(options).map(
        (spec): VerificationMethodDescriptor => ({
          method: spec.method,
          title: spec.title,
          challenge: ({ hostname, token }) => spec.challenge({ hostname: normaliseVerifiedHost(hostname), token }, options),
        }),
      ),
    }),
    async apply(ctx) {
      const { hooks, services, options } = ctx;
      const dns = neverRejecting(services.dns);
      for (const spec of methodsOf(options)) {
        hooks.verify.for(spec.method).tapPromise(def.id, (input: VerifyInput) => runCheck(spec, { input, options, dns, services }));
      }
      await extra?.(ctx);
    },
  });
}

async function runCheck<Options>(
  spec: VerifierMethod<Options>,
  { input, options, dns, services }: { input: VerifyInput; options: Options; dns: DnsLookup; services: PluginServices },
): Promise<VerifyResult> {
  const hostname = normaliseVerifiedHost(input.hostname);
  const expected = spec.challenge({ hostname, token: input.token }, options);
  const subject = `the ${spec.method} proof for ${hostname}`;
  if (input.signal?.aborted) return checkerError(expected, subject, { code: 'ECANCELLED', message: 'the check was cancelled' });
  try {
    const result = await spec.check({ hostname, token: input.token, signal: input.signal, options, expected, dns, services });
    if (wellFormed(result)) return result;
    services.logger.error({ method: spec.method, hostname }, 'verifier returned a malformed result');
    return checkerError(expected, subject, { code: 'EBADRESULT', message: 'the verifier returned no usable result' });
  } catch (error) {
    const cause = causeOf(error);
    services.logger.warn({ method: spec.method, hostname, code: cause.code, err: error }, 'verification check failed');
    return checkerError(expected, subject, cause);
  }
}
