/**
 * The five hooks of Portico's kernel: the whole contract between the kernel and its plugins.
 *
 * Only the kernel calls hooks (through `Kernel.detectProvider()`, `Kernel.verify()`, … in kernel.ts, which
 * raise a typed `KernelError` when no plugin answers; `undefined` is never handed up). Plugins tap them in
 * their `apply` through the tap-only views below. Every hook takes exactly one input object, so fields can be
 * added without breaking plugins; an input's `signal` is aborted when the caller gives up.
 *
 * The hook classes are chosen by meaning:
 * - one plugin chosen by key (verification method, DNS provider id, edge id) → `HookMap`;
 * - first answer wins (`detectProvider`, `issueCert`) → a bail hook;
 * - decoration of a rendered configuration (`renderRoutes`) → a waterfall.
 */
import { AsyncSeriesBailHook, AsyncSeriesWaterfallHook, HookMap } from 'tapable';
import type { ExpectedRecord, RecordChange, RecordSet } from './records.ts';
import type { RenderRoutesState } from './render-routes.ts';

// ---------------------------------------------------------------------------------------------------------
// detectProvider
// ---------------------------------------------------------------------------------------------------------

export interface DetectProviderInput {
  /** Normalised hostname the user entered (`shop.example.com`). */
  hostname: string;
  /** The zone apex the hostname lives in, when known (`example.com`). */
  zone?: string;
  /** Authoritative nameservers of the zone, lower case, no trailing dot. */
  nameservers: string[];
  /**
   * What the kernel's nameserver matching found before asking the taps (installed providers' hints, then the
   * table of well-known providers), best first. Taps may confirm, refine or ignore it.
   */
  candidates?: ProviderDetection[];
  signal?: AbortSignal;
}

export interface ProviderDetection {
  /** Provider id, e.g. `powerdns`, `cloudflare`; matches a DNS plugin's `applyRecords` key when one exists. */
  provider: string;
  displayName: string;
  /** `high`: at least 80 % of the nameservers matched (or an explicit signal such as Domain Connect); `medium` 50 %+. */
  confidence: 'high' | 'medium' | 'low';
  /** How records can be written: by API credential, by Domain Connect, or only by hand. */
  setup: 'api' | 'domain-connect' | 'manual';
  /** What the answer rests on, for people: `ns:ns1.example.net matched *.example.net`, `_domainconnect TXT`. */
  evidence?: string[];
  /** The plugin-specific facts of the answer (Domain Connect settings, say); JSON-serialisable. */
  details?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------------------------------------

export interface VerifyInput {
  /** Normalised hostname whose ownership is checked. */
  hostname: string;
  /** The per-domain secret token Portico generated when the domain was added. */
  token: string;
  signal?: AbortSignal;
}

/**
 * Tri-state (plus mismatch) result of one ownership check:
 * - `verified`: the proof is there;
 * - `mismatch`: a record exists with the wrong value: permanent, not retried automatically (`found` says what);
 * - `missing`: no such record or name: temporary, retried;
 * - `error`: the checker itself failed (timeout, SERVFAIL, refused, an answer without authority, nameservers that
 *   disagree, a thrown check: see `defineVerifier`): temporary, never proof of absence, never the customer's miss;
 *   its message says Portico could not check.
 */
export interface VerifyResult {
  status: 'verified' | 'mismatch' | 'missing' | 'error';
  /** What the check looked for. */
  expected: ExpectedRecord[];
  /** What it found instead (values), for `mismatch`. */
  found?: string[];
  /** One sentence for the user: what was seen and what to do. */
  message: string;
}

// ---------------------------------------------------------------------------------------------------------
// applyRecords
// ---------------------------------------------------------------------------------------------------------

export interface ApplyRecordsInput {
  /** Zone apex the records belong to (`example.com`). */
  zone: string;
  /** Record sets that must exist afterwards with exactly these values. */
  upsert: RecordSet[];
  /** Record sets (name + type) that must not exist afterwards; `values` and `ttl` are ignored. */
  remove: RecordSet[];
  /** Decrypted provider credential for this zone, shaped by the provider's own schema. */
  credentials?: Record<string, unknown>;
  /** Compute and return the plan without changing anything. */
  dryRun?: boolean;
  /** Whose marker proves ownership (an installation id); default `portico`. See dns-plan.ts. */
  owner?: string;
  /** Take over record sets Portico does not own instead of reporting them as conflicts. Default false. */
  adopt?: boolean;
  /** The domain the records are for (`shop.example.com`), for providers that apply templates (Domain Connect). */
  hostname?: string;
  signal?: AbortSignal;
}

export interface ApplyRecordsResult {
  /** One entry per input record set, in input order (`upsert` first, then `remove`). Applying twice → all `noop`. */
  changes: RecordChange[];
  /** Whether the changes were written (false for a dry run, and when any change is a `conflict`). */
  applied: boolean;
  /**
   * Set by consent-based providers (Domain Connect): nothing was written yet; send the user to `url`, where the
   * DNS provider asks them to agree. The records are confirmed by DNS afterwards, never by the redirect.
   */
  redirect?: { url: string };
}

// ---------------------------------------------------------------------------------------------------------
// renderRoutes: its input and state (routes, change sets, served configurations) are in render-routes.ts
// ---------------------------------------------------------------------------------------------------------

export * from './render-routes.ts';

// ---------------------------------------------------------------------------------------------------------
// issueCert
// ---------------------------------------------------------------------------------------------------------

export interface IssueCertInput {
  hostnames: string[];
  /**
   * How the caller (the certificate job) can present ACME challenges for these hostnames; an issuer picks one it
   * supports and must clean up what it presented. Absent members: that challenge type cannot be offered (a
   * wildcard hostname needs `dns`).
   */
  challenges?: {
    /** HTTP-01: Portico answers `/.well-known/acme-challenge/<token>` with `keyAuthorization` (edges forward it). */
    http?: {
      present(input: { hostname: string; token: string; keyAuthorization: string }): Promise<void>;
      cleanup(input: { hostname: string; token: string }): Promise<void>;
    };
    /**
     * DNS-01: a TXT record `_acme-challenge.<hostname>` with `value`, written through the domain's DNS provider
     * (`applyRecords`, ownership-checked like every write) and visible at the authoritative servers when
     * `present` resolves.
     */
    dns?: {
      present(input: { hostname: string; name: string; value: string }): Promise<void>;
      cleanup(input: { hostname: string; name: string; value: string }): Promise<void>;
    };
  };
  signal?: AbortSignal;
}

export type IssuedCert =
  /** The plugin obtained a certificate itself (an ACME client). PEM strings. */
  | { kind: 'issued'; issuer: string; certificatePem: string; privateKeyPem: string; notAfter: Date }
  /** The certificate is obtained elsewhere (on demand at the edge, by cert-manager); `by` names who. */
  | { kind: 'delegated'; by: string; message: string };

// ---------------------------------------------------------------------------------------------------------
// The hooks
// ---------------------------------------------------------------------------------------------------------

export interface Hooks {
  /**
   * Which DNS provider hosts a zone. `AsyncSeriesBailHook`: the first tap that returns a detection wins; return
   * `undefined` to pass. Called by the kernel when a hostname is checked (`POST /v1/domains:check`, the widget).
   *
   * @example
   * hooks.detectProvider.tapPromise('dns.powerdns', async ({ nameservers }) =>
   *   nameservers.some((ns) => ns.endsWith('.pdns.example'))
   *     ? { provider: 'powerdns', displayName: 'PowerDNS', confidence: 'high', setup: 'api' } : undefined);
   */
  detectProvider: AsyncSeriesBailHook<[DetectProviderInput], ProviderDetection | undefined>;

  /**
   * Ownership check by verification method (`dns-txt`, `dns-cname`, `http-file`, `dns-address`). `HookMap`
   * keyed by method; one plugin taps a key and returns a `VerifyResult`. Called by the `domain.verify` job.
   * The tap must not throw for DNS outcomes: a checker failure is `{ status: 'error' }`.
   *
   * @example
   * hooks.verify.for('dns-txt').tapPromise('verify.dns-txt', async ({ hostname, token }) => ({
   *   status: 'verified', expected: [{ name: `_portico-challenge.${hostname}`, type: 'TXT', value: token }], message: 'ok' }));
   */
  verify: HookMap<AsyncSeriesBailHook<[VerifyInput], VerifyResult | undefined>>;

  /**
   * Write record sets through a DNS provider. `HookMap` keyed by provider id (`memory`, `powerdns`, …); one
   * plugin taps its key. Idempotent: applying the same input twice yields only `noop` changes the second time;
   * record sets Portico does not own come back as `conflict` and nothing is written. Called by the
   * server's `domain.dns-apply` job and for dry-run plans. Providers built with `defineDnsProvider` (dns-provider.ts) get
   * this tap from the kernel's planner; write one by hand only for providers that are not record stores.
   *
   * @example
   * hooks.applyRecords.for('memory').tapPromise('dns.memory', (input) => applyPlanned(spec, services, input));
   */
  applyRecords: HookMap<AsyncSeriesBailHook<[ApplyRecordsInput], ApplyRecordsResult | undefined>>;

  /**
   * Render the route table for one edge. `HookMap` keyed by edge id (`caddy`, `traefik`, `istio`) of
   * `AsyncSeriesWaterfallHook`s: the edge plugin renders `output` from `routes`, decorators tap later stages and
   * change it. The kernel raises when `output` is still `undefined` afterwards. Called by the server's
   * `edge.reconcile` job, its served configurations (`GET /edge/<edge>/config`) and dry runs.
   *
   * @example
   * hooks.renderRoutes.for('caddy').tapPromise('edge.caddy', async (state) => ({ ...state, output: render(state.routes) }));
   * hooks.renderRoutes.for('caddy').tapPromise({ name: 'edge.caddy', stage: DELIVERY_STAGE }, async (state) =>
   *   state.deliver ? (await push(state.output), { ...state, delivered: { at: new Date() } }) : state);
   */
  renderRoutes: HookMap<AsyncSeriesWaterfallHook<[RenderRoutesState]>>;

  /**
   * Obtain a TLS certificate. `AsyncSeriesBailHook`: the first issuer that answers wins (an on-demand edge
   * answers `delegated`). Called by the server's `certificate.issue` job.
   *
   * @example
   * hooks.issueCert.tapPromise('edge.caddy', async () => ({ kind: 'delegated', by: 'edge.caddy', message: 'on demand' }));
   */
  issueCert: AsyncSeriesBailHook<[IssueCertInput], IssuedCert | undefined>;
}

/** Names of the five hooks, in the order of a domain's life. */
export const HOOK_NAMES = ['detectProvider', 'verify', 'applyRecords', 'renderRoutes', 'issueCert'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Build a fresh set of hooks. Only the kernel does this. */
export function createHooks(): Hooks {
  return {
    detectProvider: new AsyncSeriesBailHook(['input']),
    verify: new HookMap(() => new AsyncSeriesBailHook(['input'])),
    applyRecords: new HookMap(() => new AsyncSeriesBailHook(['input'])),
    renderRoutes: new HookMap(() => new AsyncSeriesWaterfallHook(['state'])),
    issueCert: new AsyncSeriesBailHook(['input']),
  };
}

/** The tap-only view of one hook: plugins can tap, never call. */
export type TapOnly<H> = Pick<H, Extract<keyof H, 'tap' | 'tapAsync' | 'tapPromise'>>;

/** The tap-only view of a `HookMap`: `for(key)` hands out a tap-only hook. */
export interface TapOnlyMap<H> {
  for(key: string): TapOnly<H>;
}

/** What a plugin's `apply` receives as `hooks`. */
export interface PluginHooks {
  detectProvider: TapOnly<Hooks['detectProvider']>;
  verify: TapOnlyMap<AsyncSeriesBailHook<[VerifyInput], VerifyResult | undefined>>;
  applyRecords: TapOnlyMap<AsyncSeriesBailHook<[ApplyRecordsInput], ApplyRecordsResult | undefined>>;
  renderRoutes: TapOnlyMap<AsyncSeriesWaterfallHook<[RenderRoutesState]>>;
  issueCert: TapOnly<Hooks['issueCert']>;
}
