/**
 * The kernel as its embedder sees it (the server, tests): what `createKernel` takes and what it returns. Every
 * call that reaches plugins goes through a hook (hooks.ts) and fails with a typed `KernelError` (errors.ts) when
 * no plugin answers; kernel.ts implements this.
 */
import type {
  ApplyRecordsInput,
  ApplyRecordsResult,
  DeliveryPreview,
  DetectProviderInput,
  IssueCertInput,
  IssuedCert,
  ProviderDetection,
  Route,
  RouteChanges,
  ServedConfig,
  SuppliedCertificate,
  VerifyInput,
  VerifyResult,
} from './hooks.ts';
import type { HookCallObserver } from './interceptors.ts';
import type { DnsProviderHandle } from './dns-handle.ts';
import type { DnsProviderDescriptor, EdgeDescriptor, PluginSpec, VerificationMethodDescriptor } from './plugin.ts';
import type { ExpectedRecord } from './records.ts';
import type { PluginServices } from './services.ts';
import type { SkippedRoute } from './routing-check.ts';

/** What the kernel is given; each plugin receives these plus its own child logger and `onClose`. */
export type KernelServices = Omit<PluginServices, 'onClose'>;

export interface KernelOptions {
  /** Version plugins' `kernel` ranges are checked against. Defaults to this package's version. */
  version?: string;
  services: KernelServices;
  /** Longest a plugin's `apply` may take, in milliseconds. Default 5000. */
  applyTimeoutMs?: number;
  /** Called after every plugin call made through a hook (metrics, tracing). Must not throw; errors are logged. */
  onHookCall?: HookCallObserver;
}

export interface RegisteredPlugin {
  id: string;
  version: string;
}

/** Descriptors of every registered plugin, each tagged with the id of the plugin that offers it. */
export interface KernelDescriptors {
  verificationMethods: Array<VerificationMethodDescriptor & { plugin: string }>;
  dnsProviders: Array<DnsProviderDescriptor & { plugin: string }>;
  edges: Array<EdgeDescriptor & { plugin: string }>;
}

/** One configured edge a delivery is for: its id and its raw target options (parsed by the edge's `target` schema). */
export interface EdgeTarget {
  id: string;
  options?: unknown;
}

/**
 * What a render is given: the whole route table (malformed routes are left out and reported), the certificates
 * Portico supplies, and — where the caller keeps a versioned table — its version and what changed since the
 * version this edge last received (`RenderRoutesState.version` and `changes`).
 */
export interface RenderInput {
  /**
   * The route table. Never edited by the kernel; with `version` given, the same array passed again (several edges
   * rendering one version) is checked once, so it must not be edited between those calls either.
   */
  routes: readonly Route[];
  certificates?: SuppliedCertificate[];
  version?: number;
  changes?: RouteChanges;
}

export interface Kernel {
  readonly version: string;
  /** Check and apply one plugin; rejects with a `KernelError` (`PLUGIN_*`) and leaves no trace if refused. */
  register(spec: PluginSpec): Promise<void>;
  /** Register in order; stops at the first refusal. */
  registerAll(specs: Iterable<PluginSpec>): Promise<void>;
  readonly plugins: readonly RegisteredPlugin[];
  readonly descriptors: KernelDescriptors;
  /**
   * Who hosts a zone: the nameservers are matched against every enabled provider's hints and the well-known
   * table (`candidates`), then the `detectProvider` taps are asked with them (first answer wins: Domain Connect
   * discovery, vanity nameservers); without an answer the best candidate is returned.
   * `PROVIDER_NOT_DETECTED` when nothing matched.
   */
  detectProvider(input: DetectProviderInput): Promise<ProviderDetection>;
  /** The DNS provider `provider` (`DNS_PROVIDER_UNKNOWN`, or `DNS_PROVIDER_NO_API` for consent-based ones). */
  dns(provider: string): DnsProviderHandle;
  /** `VERIFY_METHOD_UNKNOWN` when no plugin taps `method`; `HOOK_NO_ANSWER` when its tap returns nothing. */
  verify(method: string, input: VerifyInput): Promise<VerifyResult>;
  /** The records to publish for `method`, from its descriptor (pure). `VERIFY_METHOD_UNKNOWN` if none. */
  challenge(method: string, input: { hostname: string; token: string }): ExpectedRecord[];
  /** `DNS_PROVIDER_UNKNOWN` when no plugin taps `provider`; `HOOK_NO_ANSWER` when its tap returns nothing. */
  applyRecords(provider: string, input: ApplyRecordsInput): Promise<ApplyRecordsResult>;
  /**
   * The rendered config. `EDGE_UNKNOWN` when no plugin taps `edge`; `HOOK_NO_ANSWER` when none renders. Every edge
   * call leaves malformed routes out (`checkRoute`) instead of failing; `deployRoutes` and `previewDeploy` list them
   * as `skipped` (use `partitionRoutes` to know them here).
   */
  renderRoutes(edge: string, input: RenderInput): Promise<unknown>;
  /**
   * Render and push to the edge (the reconcile job). `EDGE_NOT_DELIVERED` when no tap delivered: the edge
   * plugin has no delivery (its config is served, not pushed). Errors of the push reach the caller as thrown.
   */
  deployRoutes(edge: string, input: RenderInput & { target?: EdgeTarget }): Promise<{ output: unknown; delivered: { at: Date; detail?: string }; skipped: SkippedRoute[] }>;
  /**
   * Render the configuration an edge pulls from Portico (Traefik's HTTP provider polls it), serialised by the edge
   * plugin's delivery tap (`RenderRoutesState.serve`). `EDGE_NOT_SERVED` when the plugin serves nothing.
   */
  serveRoutes(edge: string, input: RenderInput & { target?: EdgeTarget }): Promise<ServedConfig & { skipped: SkippedRoute[] }>;
  /**
   * Render and ask the delivery tap what a push would change (`RenderRoutesState.dryRun`), pushing nothing. `preview`
   * is undefined when the edge plugin has no dry run (its config is served, or it cannot read the edge's state).
   */
  previewDeploy(edge: string, input: RenderInput & { target?: EdgeTarget }): Promise<{ output: unknown; preview?: DeliveryPreview; skipped: SkippedRoute[] }>;
  /**
   * Parse one edge's target options with the edge descriptor's `target` schema (defaults applied).
   * `EDGE_TARGET_INVALID` when the schema rejects them, or options are given to a plugin that takes none.
   */
  parseEdgeTarget(edge: string, options: unknown): unknown;
  /** First issuer wins; `NO_CERT_ISSUER` when none answers. */
  issueCert(input: IssueCertInput): Promise<IssuedCert>;
  /** Run every plugin's `onClose` callbacks, last registered first. Errors are logged, not thrown. */
  close(): Promise<void>;
}
