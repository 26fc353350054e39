/**
 * The plugin contract. A plugin package default-exports the value `definePlugin()` returns:
 *
 * ```ts
 * import { definePlugin, packageFacts, z } from '@portico/kernel';
 * export default definePlugin({
 *   id: 'verify.dns-txt',            // <kind>.<name>: kind is dns | verify | edge | cert | ext
 *   ...packageFacts(import.meta.url), // version, and the @portico/kernel range it works with, from package.json
 *   dependsOn: [],                   // ids of plugins that must be enabled too
 *   options: z.object({ recordName: z.string().default('_portico-challenge') }),
 *   describe: { verificationMethods: [{ method: 'dns-txt', title: 'TXT record', challenge: … }] },
 *   apply({ hooks, services, options }) {
 *     hooks.verify.for('dns-txt').tapPromise('verify.dns-txt', async (input) => check(input, options));
 *   },
 * });
 * ```
 *
 * Registration (`Kernel.register`) refuses, each with its own `KernelError` code: a malformed id
 * (`PLUGIN_ID_INVALID`), an id already registered (`PLUGIN_DUPLICATE`), a kernel range that excludes this
 * kernel (`PLUGIN_KERNEL_INCOMPATIBLE`), a `dependsOn` id not registered before it (`PLUGIN_DEPENDENCY_MISSING`),
 * options the schema rejects (`PLUGIN_OPTIONS_INVALID`), an `apply` slower than the limit
 * (`PLUGIN_APPLY_TIMEOUT`), an `apply` that throws (`PLUGIN_APPLY_FAILED`), and a value that is not a plugin at
 * all (`PLUGIN_MALFORMED`).
 */
import type { z } from 'zod';
import type { DnsProviderSpec } from './dns-provider.ts';
import type { PluginHooks } from './hooks.ts';
import type { ExpectedRecord } from './records.ts';
import type { PluginServices } from './services.ts';

/** `<kind>.<name>`, lower case: `dns.powerdns`, `verify.dns-txt`, `edge.caddy`, `ext.audit-log`. */
export const PLUGIN_ID_PATTERN = /^(dns|verify|edge|cert|ext)\.[a-z0-9][a-z0-9-]{0,62}$/;

/** Static facts about a verification method a plugin offers (shown in instructions and the console). */
export interface VerificationMethodDescriptor {
  /** The `verify` HookMap key the plugin taps (`dns-txt`). */
  method: string;
  title: string;
  /** The records (or file) the user must publish for `hostname` with `token`. Pure: no I/O. */
  challenge(input: { hostname: string; token: string }): ExpectedRecord[];
}

/**
 * A DNS provider a plugin drives (the console's providers grid, detection hints, credentials): the
 * `DnsProviderSpec` of dns-provider.ts plus the contract version. Build it with `defineDnsProvider`, which sets
 * `apiVersion`. `setup: 'api'` providers must have `capabilities`, `credentials` and `connect`; consent-based
 * ones (`domain-connect`) tap `applyRecords` themselves and have none of these.
 */
export type DnsProviderDescriptor = { apiVersion: number } & Pick<DnsProviderSpec, 'provider' | 'displayName' | 'setup' | 'nameservers'> &
  Partial<Omit<DnsProviderSpec, 'provider' | 'displayName' | 'setup' | 'nameservers'>>;

/** Static facts about an edge target. */
export interface EdgeDescriptor {
  /** The `renderRoutes` HookMap key the plugin taps (`caddy`). */
  edge: string;
  displayName: string;
  /**
   * Options of one delivery target: what differs between two edges the plugin drives (two Caddies' `adminUrl`, two
   * Traefik fleets' deliveries). The server's `edges[].target` is parsed with it at start-up and for every
   * `deployRoutes` / `previewDeploy`, and the delivery tap reads the parsed value at `state.target.options`. Without
   * it, every edge of the plugin delivers to the one place its plugin options name.
   */
  target?: z.ZodType;
  /**
   * The edge can pull its configuration from Portico (Traefik's HTTP provider): the server answers
   * `GET /edge/<edge>/config` with `Kernel.serveRoutes`, behind the edge token. Absent: the configuration is pushed.
   */
  served?: boolean;
}

export interface PluginDescriptors {
  verificationMethods?: VerificationMethodDescriptor[];
  dnsProviders?: DnsProviderDescriptor[];
  edges?: EdgeDescriptor[];
}

/** `describe` as a function of the options; method-style so a `Plugin<Specific>` is still a `Plugin`. */
export type DescribeFn<Options> = { describe(options: Options): PluginDescriptors }['describe'];

export interface PluginContext<Options> {
  hooks: PluginHooks;
  services: PluginServices;
  /** The options after the plugin's schema parsed them (defaults applied). */
  options: Options;
}

export interface PluginDefinition<Schema extends z.ZodType = z.ZodType> {
  id: string;
  version: string;
  /** Semver range of `@portico/kernel` versions this plugin supports. */
  kernel: string;
  dependsOn?: string[];
  options: Schema;
  /**
   * What the plugin offers (verification methods, DNS providers, edges). A function receives the parsed options,
   * for descriptors that depend on them (a configurable record name in a challenge).
   */
  describe?: PluginDescriptors | DescribeFn<z.output<Schema>>;
  /** Tap hooks. May be async; must finish within the kernel's apply limit (default 5 s). */
  apply(ctx: PluginContext<z.output<Schema>>): void | Promise<void>;
}

/** Brand that marks a value as built by `definePlugin`, so loaders can tell a plugin from any other export. */
export const PLUGIN_BRAND: unique symbol = Symbol.for('@portico/kernel/plugin');

export type Plugin<Schema extends z.ZodType = z.ZodType> = PluginDefinition<Schema> & { readonly [PLUGIN_BRAND]: true };

/** Options as written in the config file for one plugin. */
export interface PluginSpec {
  plugin: Plugin;
  options?: unknown;
}
