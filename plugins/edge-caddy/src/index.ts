/**
 * `edge.caddy`: Portico's route table as Caddy JSON (render.ts, pure), delivered through Caddy's admin API
 * (client.ts, `pushCaddyConfig`, called by the server's reconcile job); dry runs diff the running config against
 * the rendered one (preview.ts). A delivery given a change set (`state.changes`) re-renders only the groups of the
 * changed hosts (render-cache.ts) and sends only the routes that changed (deliver.ts), falling back to the whole
 * config whenever that is uncertain. Each configured edge may name its own Caddy (`targetSchema`: one admin API per
 * machine of a fleet). Caddy obtains certificates on demand, gated by Portico's `/edge/ask`, except for names
 * Portico supplies a certificate for (`state.certificates`, from cert.acme): those are loaded and served as given.
 */
import { defineEdge, packageFacts, z, type KeptRender, type RenderRoutesState, type Route, type RouteChanges } from '@portico/kernel';
import { createCaddyClient, pushCaddyConfig, type CaddyClient } from './client.ts';
import { callsFor, deliverDelta, MAX_CALLS, replaceServers } from './deliver.ts';
import { previewCaddyConfig } from './preview.ts';
import { CaddyRenderCache, type CaddyDelta } from './render-cache.ts';
import { renderCaddyConfig, type CaddyRenderOptions, type Json } from './render.ts';

export { renderCaddyConfig, SUPPLIED_TAG } from './render.ts';
export type { CaddyIssuer, CaddyRenderOptions } from './render.ts';
export { caddyEtag, CaddyAdminError, createCaddyClient, pushCaddyConfig } from './client.ts';
export { CaddyRenderCache } from './render-cache.ts';
export type { CaddyDelta, Slot, SlotChange } from './render-cache.ts';
export { MAX_CALLS } from './deliver.ts';
export type { CaddyClient, CaddyClientOptions, CaddyErrorKind } from './client.ts';
export { canonicalJson, changedSections, previewCaddyConfig } from './preview.ts';
export type { CaddyPreview } from './preview.ts';

const port = z.number().int().min(1).max(65_535);
const adminListen = z.string().regex(/^\S*:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:2019');
const adminUrl = z.url({ protocol: /^https?$/ });

const issuer = z.discriminatedUnion('module', [
  /** Caddy's own local CA (tests, private networks). */
  z.object({ module: z.literal('internal') }),
  z.object({
    module: z.literal('acme'),
    /** The ACME directory; absent: Caddy's default (Let's Encrypt, then ZeroSSL). */
    ca: z.url({ protocol: /^https?$/ }).optional(),
    email: z.email().optional(),
    /** PEM files Caddy trusts for the CA's own HTTPS endpoint (Pebble's listener certificate). */
    trustedRootsPemFiles: z.array(z.string().min(1)).optional(),
  }),
]);

export const optionsSchema = z.object({
  /** Portico's on-demand TLS gate, as Caddy reaches it: `http://portico:4000/edge/ask`. Required. */
  askUrl: z.url({ protocol: /^https?$/ }),
  /** `admin.listen` in the rendered config. Keep it on loopback or a private address. */
  adminListen: adminListen.default('127.0.0.1:2019'),
  /** Where Portico reaches the admin API; default `http://<adminListen>`. */
  adminUrl: adminUrl.optional(),
  /** Longest wait for one admin API call (a /load of a large config takes seconds). */
  adminTimeoutMs: z.number().int().positive().default(30_000),
  httpPort: port.default(80),
  httpsPort: port.default(443),
  /** Addresses both servers bind; empty: every interface. */
  listenAddresses: z.array(z.string().min(1)).default([]),
  /** Tried in order for each on-demand certificate. */
  issuers: z.array(issuer).min(1).default([{ module: 'acme' }]),
  /** `storage.root` (file system); absent: Caddy's default. Caddies sharing storage share certificates. */
  storageRoot: z.string().min(1).optional(),
  /** Status of the HTTP → HTTPS redirect (`redirect-to-https` routes). */
  redirectStatus: z.union([z.literal(301), z.literal(308)]).default(308),
  /**
   * The most admin API calls (one per changed route of a server) a delivery by change set makes; a change needing
   * more replaces both servers' routes in one call. Caddy reloads its whole config after each call, so each costs
   * about what a /load does inside Caddy.
   */
  maxChangeCalls: z.number().int().min(0).default(MAX_CALLS),
  /** Answer `issueCert` with `delegated`: Caddy obtains certificates itself. Turn off to let cert-acme issue. */
  delegateCertificates: z.boolean().default(true),
});

/**
 * One edge's Caddy (the server's `edges[].target`): what differs between the machines of a fleet. Strict, so a
 * misspelt key is refused rather than silently delivering to the plugin's Caddy.
 */
export const targetSchema = z.strictObject({
  /** This edge's admin API; default `http://<adminListen>` when the target sets `adminListen`, else the plugin's. */
  adminUrl: adminUrl.optional(),
  /** `admin.listen` in the config this edge gets (its Caddy's own admin address); default the plugin's `adminListen`. */
  adminListen: adminListen.optional(),
});

export type CaddyPluginOptions = z.input<typeof optionsSchema>;
export type CaddyTarget = z.input<typeof targetSchema>;
type ParsedOptions = z.output<typeof optionsSchema>;

/** The render options of parsed plugin options. */
export function renderOptionsOf(options: ParsedOptions): CaddyRenderOptions {
  const { adminListen, httpPort, httpsPort, listenAddresses, askUrl, issuers, storageRoot, redirectStatus } = options;
  return { adminListen, httpPort, httpsPort, listenAddresses, askUrl, issuers, redirectStatus, ...(storageRoot === undefined ? {} : { storageRoot }) };
}

const urlOfListen = (listen: string) => `http://${listen.startsWith(':') ? `127.0.0.1${listen}` : listen}`;

/** Where Portico reaches the admin API for parsed plugin options. */
export function adminUrlOf(options: ParsedOptions): string {
  return options.adminUrl ?? urlOfListen(options.adminListen);
}

/** The admin API and `admin.listen` of one edge: its target's, falling back to the plugin's (no target: the plugin's). */
export function adminOf(options: ParsedOptions, target: CaddyTarget = {}): { adminUrl: string; adminListen: string } {
  if (target.adminListen === undefined) return { adminUrl: target.adminUrl ?? adminUrlOf(options), adminListen: options.adminListen };
  return { adminUrl: target.adminUrl ?? urlOfListen(target.adminListen), adminListen: target.adminListen };
}

/**
 * The kept routes as the `output` of a render: each server's routes built on first read only (a delivery that sends
 * only what changed never reads them). Read it before the next render of the same place, which changes what it is
 * built from.
 */
function lazyConfig(cache: CaddyRenderCache): Json {
  return cache.config((scheme) => {
    let routes: Json[] | undefined;
    return () => (routes ??= cache.slots(scheme).map((slot) => slot.route));
  });
}

/**
 * What was rendered for one edge's Caddy: the groups and routes (render-cache.ts) and what the last render changed
 * (`delta`, `undefined` after a whole render), for a delivery that sends only that.
 */
class KeptCaddyRender implements KeptRender<Json> {
  readonly cache: CaddyRenderCache;
  delta: CaddyDelta | undefined;
  constructor(options: CaddyRenderOptions) {
    this.cache = new CaddyRenderCache(options);
  }
  get version(): number | undefined {
    return this.cache.version;
  }
  reset(routes: readonly Route[], state: RenderRoutesState): Json {
    this.delta = undefined;
    this.cache.reset(routes, state.version, state.certificates);
    return lazyConfig(this.cache);
  }
  apply(changes: RouteChanges, state: RenderRoutesState): Json {
    this.delta = this.cache.apply(changes, state.version, state.certificates);
    return lazyConfig(this.cache);
  }
}

export default defineEdge<typeof optionsSchema, typeof targetSchema, KeptCaddyRender>({
  id: 'edge.caddy',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  edge: { edge: 'caddy', displayName: 'Caddy', target: targetSchema },
  build({ hooks, options, services }) {
    const renderOptions = renderOptionsOf(options);
    // One client per admin API, made on first use. Clients hold no connection (one per call), so closing is forgetting.
    const clients = new Map<string, CaddyClient>();
    const clientOf = (url: string): CaddyClient => {
      let client = clients.get(url);
      if (!client) clients.set(url, (client = createCaddyClient({ adminUrl: url, timeoutMs: options.adminTimeoutMs })));
      return client;
    };
    services.onClose(() => clients.clear());
    // Each Caddy keeps its admin API where it is: a config naming another address would move it.
    const optionsFor = (target: CaddyTarget | undefined): CaddyRenderOptions => ({ ...renderOptions, adminListen: adminOf(options, target).adminListen });
    if (options.delegateCertificates) {
      hooks.issueCert.tapPromise('edge.caddy', async () => ({ kind: 'delegated', by: 'edge.caddy', message: 'Caddy obtains certificates on demand' }));
    }

    return {
      render: ({ routes, target, state }) => renderCaddyConfig(routes, optionsFor(target), state.certificates),
      keep: (_place, { target }) => new KeptCaddyRender(optionsFor(target)),
      // A dry run reads the running config and diffs it, loading nothing.
      preview: async (output, { target }) => previewCaddyConfig(clientOf(adminOf(options, target).adminUrl), output),
      // By change set: only the routes that changed (or, past `maxChangeCalls`, both servers in one call), each call
      // conditional on Caddy holding what this plugin delivered; otherwise (no kept render, certificates changed, a
      // call refused) POST the whole config: a 400 throws a CaddyAdminError and the old config stays.
      async deliver(output, { target, kept }) {
        const { adminUrl } = adminOf(options, target);
        const client = clientOf(adminUrl);
        const calls = kept?.delta && callsFor(kept.delta);
        if (kept?.delta && calls !== undefined) {
          try {
            if (calls > options.maxChangeCalls) {
              await replaceServers(client, kept.delta, ((output as Json).apps as { http: { servers: unknown } }).http.servers);
              return `${calls} routes changed in ${adminUrl} (both servers replaced)`;
            }
            const made = await deliverDelta(client, kept.delta, { https: kept.cache.slots('https'), http: kept.cache.slots('http') });
            return made === 0 ? `nothing changed in ${adminUrl}` : `${made} ${made === 1 ? 'route' : 'routes'} changed in ${adminUrl}`;
          } catch (err) {
            services.logger.warn(`edge.caddy: delivering the change by route failed (${(err as Error).message}); loading the whole config into ${adminUrl}`);
          }
        }
        try {
          await pushCaddyConfig(client, output);
        } catch (err) {
          // What Caddy holds is unknown now: the next delivery to this place is whole.
          if (kept) kept.cache.version = undefined;
          throw err;
        }
        return `loaded into ${adminUrl}`;
      },
    };
  },
});
