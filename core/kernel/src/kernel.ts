import semver from 'semver';
import type { HookMap } from 'tapable';
import pkg from '../package.json' with { type: 'json' };
import { checkDescriptors, checkId, checkKernelRange, checkShape, parseOptions } from './checks.ts';
import { KernelError } from './errors.ts';
import { createHooks } from './hooks.ts';
import { installInterceptors } from './interceptors.ts';
import { matchNameservers } from './dns-detect.ts';
import { createDnsHandle } from './dns-handle.ts';
import { createEdgeCalls } from './edge-calls.ts';
import { SUPPORTED_DNS_PROVIDER_API_VERSIONS } from './dns-provider.ts';
import type { Kernel, KernelDescriptors, KernelOptions, RegisteredPlugin } from './kernel-api.ts';
import type { Plugin, PluginDescriptors, PluginSpec } from './plugin.ts';
import type { PluginServices } from './services.ts';
import { createPublicFetch } from './services/public-fetch.ts';
import { createTapBuffer, type PendingTap } from './tap-buffer.ts';

export type { DnsProviderHandle } from './dns-handle.ts';
export type { EdgeTarget, Kernel, KernelDescriptors, KernelOptions, KernelServices, RegisteredPlugin, RenderInput } from './kernel-api.ts';

type Closer = { plugin: string; fn: () => void | Promise<void> };
type Tappable = Record<PendingTap['method'], (options: object, fn: unknown) => void>;
type Keyed = 'verify' | 'applyRecords' | 'renderRoutes';

const DESCRIPTOR_KEYS = {
  verificationMethods: { key: 'method', what: 'verification method' },
  dnsProviders: { key: 'provider', what: 'DNS provider' },
  edges: { key: 'edge', what: 'edge' },
} as const;

export function createKernel(options: KernelOptions): Kernel {
  const version = options.version ?? pkg.version;
  if (semver.valid(version) === null) throw new TypeError(`createKernel: version "${version}" is not a valid semver version`);
  const applyTimeoutMs = options.applyTimeoutMs ?? 5000;
  if (!(applyTimeoutMs > 0)) throw new TypeError('createKernel: applyTimeoutMs must be a positive number');
  const { logger: rootLogger, fetch, dns, secrets } = options.services;
  // Every plugin gets the public-only fetch; embedders may pass their own (a test CA, a user agent).
  const publicFetch = options.services.publicFetch ?? createPublicFetch({ dns });
  const log = rootLogger.child({ component: 'kernel' });

  const hooks = createHooks();
  installInterceptors(hooks, log, options.onHookCall);

  const registered = new Map<string, RegisteredPlugin>();
  const descriptors: KernelDescriptors = { verificationMethods: [], dnsProviders: [], edges: [] };
  const descriptorOwners = new Map<string, string>();
  // verify and applyRecords are answered by one plugin per key: a second one would be shadowed silently.
  const keyOwners = new Map<string, string>();
  const closers: Closer[] = [];
  const servicesByPlugin = new Map<string, PluginServices>();
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  async function runClosers(list: Closer[]): Promise<void> {
    for (const { plugin, fn } of list) {
      try {
        await fn();
      } catch (err) {
        log.error({ err, plugin }, 'onClose callback failed');
      }
    }
  }

  function checkDescriptorKeys(plugin: { id: string }, described: PluginDescriptors): void {
    const seen = new Set<string>();
    for (const [list, { key, what }] of Object.entries(DESCRIPTOR_KEYS)) {
      const items = (described[list as keyof typeof DESCRIPTOR_KEYS] ?? []) as unknown as Record<string, string>[];
      for (const item of items) {
        const id = `${list}:${item[key]}`;
        const owner = descriptorOwners.get(id) ?? (seen.has(id) ? plugin.id : undefined);
        if (owner !== undefined) {
          const problem = owner === plugin.id ? ' twice' : `, which plugin "${owner}" already offers: enable only one of them`;
          throw new KernelError('PLUGIN_DUPLICATE', `Plugin "${plugin.id}" offers ${what} "${item[key]}"${problem}`, {
            details: { id: plugin.id, [key]: item[key], registeredBy: owner },
          });
        }
        seen.add(id);
      }
    }
  }

  function checkTapKeys(id: string, taps: readonly PendingTap[]): void {
    for (const tap of taps) {
      if (tap.hook !== 'verify' && tap.hook !== 'applyRecords') continue;
      const owner = keyOwners.get(`${tap.hook}:${tap.key}`);
      if (owner !== undefined && owner !== id) {
        throw new KernelError(
          'PLUGIN_DUPLICATE',
          `Plugin "${id}" taps ${tap.hook} for "${tap.key}", which plugin "${owner}" already answers: enable only one of them`,
          { details: { id, hook: tap.hook, key: tap.key, registeredBy: owner } },
        );
      }
    }
  }

  async function runApply(plugin: Plugin, ctx: Parameters<Plugin['apply']>[0]): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, applyTimeoutMs, 'timeout');
    });
    let running: Promise<unknown>;
    try {
      running = Promise.resolve(plugin.apply(ctx));
    } catch (err) {
      running = Promise.reject(err);
    }
    let outcome: 'done' | 'timeout';
    try {
      outcome = await Promise.race([running.then(() => 'done' as const), timedOut]);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new KernelError('PLUGIN_APPLY_FAILED', `Plugin "${plugin.id}": apply failed: ${message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'timeout') {
      throw new KernelError(
        'PLUGIN_APPLY_TIMEOUT',
        `Plugin "${plugin.id}": apply did not finish within ${applyTimeoutMs} ms; ` +
          'move slow work (connections, warm-up) out of apply or raise applyTimeoutMs',
        { details: { id: plugin.id, timeoutMs: applyTimeoutMs } },
      );
    }
  }

  async function registerOne(spec: PluginSpec): Promise<void> {
    const plugin = checkShape(spec);
    checkId(plugin);
    if (registered.has(plugin.id)) {
      throw new KernelError('PLUGIN_DUPLICATE', `Plugin "${plugin.id}" is already registered: list it once`, {
        details: { id: plugin.id },
      });
    }
    if (typeof plugin.describe !== 'function') checkDescriptorKeys(plugin, plugin.describe ?? {});
    checkKernelRange(plugin, version);
    const missing = (plugin.dependsOn ?? []).filter((dep) => !registered.has(dep));
    if (missing.length > 0) {
      const them = missing.length > 1 ? 'them' : 'it';
      const names = missing.map((m) => `"${m}"`).join(', ');
      throw new KernelError(
        'PLUGIN_DEPENDENCY_MISSING',
        `Plugin "${plugin.id}" depends on ${names}, not registered: enable ${them} and list ${them} before "${plugin.id}"`,
        { details: { id: plugin.id, missing } },
      );
    }
    const parsed = await parseOptions(plugin, spec.options);
    const described = describeWith(plugin, parsed);
    checkContractVersions(plugin.id, described);

    // Cleanup registered during apply waits for the outcome: kept on success, run at once on failure.
    let state: 'applying' | 'live' | 'failed' = 'applying';
    const own: Closer[] = [];
    const onClose = (fn: () => void | Promise<void>) => {
      if (typeof fn !== 'function') throw new TypeError(`Plugin "${plugin.id}": onClose needs a function`);
      const closer = { plugin: plugin.id, fn };
      if (state === 'applying') own.push(closer);
      else if (state === 'live' && !closed) closers.push(closer);
      else void runClosers([closer]);
    };
    const logger = rootLogger.child({ plugin: plugin.id });
    const services: PluginServices = Object.freeze({ logger, fetch, publicFetch, dns, secrets, onClose });
    const buffer = createTapBuffer(plugin.id);
    try {
      await runApply(plugin, { hooks: buffer.hooks, services, options: parsed });
      buffer.seal();
      checkTapKeys(plugin.id, buffer.taps);
    } catch (err) {
      buffer.seal();
      state = 'failed';
      await runClosers(own.reverse());
      throw err;
    }

    for (const tap of buffer.taps) {
      const target =
        tap.key === undefined
          ? (hooks[tap.hook] as unknown as Tappable)
          : (hooks[tap.hook as Keyed] as unknown as HookMap<Tappable>).for(tap.key);
      // `plugin` rides along on the tap so the interceptor can name the plugin whatever the tap is called.
      target[tap.method]({ ...tap.options, plugin: plugin.id }, tap.fn);
      if (tap.hook === 'verify' || tap.hook === 'applyRecords') keyOwners.set(`${tap.hook}:${tap.key}`, plugin.id);
    }
    for (const [list, { key }] of Object.entries(DESCRIPTOR_KEYS)) {
      const name = list as keyof typeof DESCRIPTOR_KEYS;
      for (const item of described[name] ?? []) {
        (descriptors[name] as object[]).push({ ...item, plugin: plugin.id });
        descriptorOwners.set(`${list}:${(item as unknown as Record<string, string>)[key]}`, plugin.id);
      }
    }
    registered.set(plugin.id, { id: plugin.id, version: plugin.version });
    servicesByPlugin.set(plugin.id, services);
    closers.push(...own);
    state = 'live';
    log.info({ plugin: plugin.id, version: plugin.version, taps: buffer.taps.length }, 'plugin registered');
  }

  /** Descriptors of a plugin; a `describe` function is called with the parsed options and its result checked. */
  function describeWith(plugin: Plugin, options: unknown): PluginDescriptors {
    if (typeof plugin.describe !== 'function') return plugin.describe ?? {};
    let described: unknown;
    try {
      described = plugin.describe(options);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new KernelError('PLUGIN_MALFORMED', `Plugin "${plugin.id}": describe(options) failed: ${message}`, { cause: err });
    }
    checkDescriptors(`Plugin "${plugin.id}"`, described);
    checkDescriptorKeys(plugin, described as PluginDescriptors);
    return described as PluginDescriptors;
  }

  /** The keyed hook for `key` if some plugin tapped it. `get` does not create the hook, unlike `for`. */
  function tapped<H extends { taps: unknown[] }>(map: HookMap<H>, key: string): H | undefined {
    const hook = map.get(key);
    return hook !== undefined && hook.taps.length > 0 ? hook : undefined;
  }

  const edgeCalls = createEdgeCalls({ hooks, descriptors, tapped });

  const noAnswer = (hook: string, key: string) =>
    new KernelError('HOOK_NO_ANSWER', `The plugin answering ${hook} for "${key}" returned nothing`, { details: { hook, key } });

  function register(spec: PluginSpec): Promise<void> {
    // One registration at a time: the checks of one must see the outcome of the previous one.
    const run = queue.then(() => registerOne(spec));
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    version,
    register,
    async registerAll(specs) {
      for (const spec of specs) await register(spec);
    },
    get plugins() {
      return [...registered.values()].map((p) => ({ ...p }));
    },
    get descriptors() {
      return {
        verificationMethods: [...descriptors.verificationMethods],
        dnsProviders: [...descriptors.dnsProviders],
        edges: [...descriptors.edges],
      };
    },
    async detectProvider(input) {
      const candidates = input.candidates ?? matchNameservers(input.nameservers, descriptors.dnsProviders);
      const detection = (await hooks.detectProvider.promise({ ...input, candidates })) ?? candidates[0];
      if (detection == null) {
        const zone = input.zone ?? input.hostname;
        throw new KernelError('PROVIDER_NOT_DETECTED', `No enabled plugin recognised the DNS provider of ${zone}`, {
          details: { hostname: input.hostname, nameservers: input.nameservers },
        });
      }
      return detection;
    },
    async verify(method, input) {
      const hook = tapped(hooks.verify, method);
      if (!hook) throw unknownMethod(method, descriptors.verificationMethods.map((d) => d.method));
      const result = await hook.promise(input);
      if (result == null) throw noAnswer('verify', method);
      return result;
    },
    challenge(method, { hostname, token }) {
      const descriptor = descriptors.verificationMethods.find((d) => d.method === method);
      if (!descriptor) throw unknownMethod(method, descriptors.verificationMethods.map((d) => d.method));
      return descriptor.challenge({ hostname, token });
    },
    dns(provider) {
      const descriptor = descriptors.dnsProviders.find((d) => d.provider === provider);
      if (!descriptor) {
        throw new KernelError('DNS_PROVIDER_UNKNOWN', `No enabled plugin writes records for DNS provider "${provider}"`, {
          details: { provider, available: descriptors.dnsProviders.map((d) => d.provider) },
        });
      }
      return createDnsHandle(descriptor, servicesByPlugin.get(descriptor.plugin) as PluginServices);
    },
    async applyRecords(provider, input) {
      const hook = tapped(hooks.applyRecords, provider);
      if (!hook) {
        throw new KernelError('DNS_PROVIDER_UNKNOWN', `No enabled plugin writes records for DNS provider "${provider}"`, {
          details: { provider, available: descriptors.dnsProviders.map((d) => d.provider) },
        });
      }
      const result = await hook.promise(input);
      if (result == null) throw noAnswer('applyRecords', provider);
      return result;
    },
    ...edgeCalls,
    async issueCert(input) {
      const cert = await hooks.issueCert.promise(input);
      if (cert == null) {
        throw new KernelError('NO_CERT_ISSUER', `No enabled plugin issued a certificate for ${input.hostnames.join(', ')}`, {
          details: { hostnames: input.hostnames },
        });
      }
      return cert;
    },
    async close() {
      closed = true;
      await runClosers(closers.splice(0).reverse());
    },
  };
}

/** PLUGIN_API_INCOMPATIBLE: DNS providers speak a contract version this kernel knows, with the parts it requires. */
function checkContractVersions(id: string, described: PluginDescriptors): void {
  for (const provider of described.dnsProviders ?? []) {
    const version = (provider as { apiVersion?: unknown }).apiVersion;
    if (typeof version !== 'number' || !SUPPORTED_DNS_PROVIDER_API_VERSIONS.includes(version)) {
      throw new KernelError(
        'PLUGIN_API_INCOMPATIBLE',
        `Plugin "${id}" offers DNS provider "${provider.provider}" with apiVersion ${JSON.stringify(version)}; this kernel speaks ` +
          `${SUPPORTED_DNS_PROVIDER_API_VERSIONS.join(', ')}: build it with defineDnsProvider from a matching @portico/kernel`,
        { details: { id, provider: provider.provider, apiVersion: version ?? null, supported: SUPPORTED_DNS_PROVIDER_API_VERSIONS } },
      );
    }
    if (provider.setup === 'api') {
      const missing = (['capabilities', 'credentials', 'connect'] as const).filter((field) => provider[field] === undefined);
      if (missing.length > 0) {
        throw new KernelError('PLUGIN_API_INCOMPATIBLE', `Plugin "${id}": DNS provider "${provider.provider}" (setup: api) lacks ${missing.join(', ')}`, {
          details: { id, provider: provider.provider, missing },
        });
      }
    }
  }
}

function unknownMethod(method: string, available: string[]): KernelError {
  return new KernelError('VERIFY_METHOD_UNKNOWN', `No enabled plugin offers the verification method "${method}"`, {
    details: { method, available },
  });
}
