/**
 * `edge.caddy`: Portico's route table as Caddy JSON (render.ts, pure), delivered through Caddy's admin API
 * (client.ts, `pushCaddyConfig`, called by the server's reconcile job); dry runs diff the running config against
 * the rendered one (preview.ts). Each configured edge may name its own Caddy (`targetSchema`: one admin API per
 * machine of a fleet). Caddy obtains certificates on demand, gated by Portico's `/edge/ask`, except for names
 * Portico supplies a certificate for (`state.certificates`, from cert.acme): those are loaded and served as given.
 */
import { DELIVERY_STAGE, definePlugin, z, type RenderRoutesState } from '@portico/kernel';
import { createCaddyClient, pushCaddyConfig, type CaddyClient } from './client.ts';
import { previewCaddyConfig } from './preview.ts';
import { renderCaddyConfig, type CaddyRenderOptions } from './render.ts';

export { renderCaddyConfig, SUPPLIED_TAG } from './render.ts';
export type { CaddyIssuer, CaddyRenderOptions } from './render.ts';
export { CaddyAdminError, createCaddyClient, pushCaddyConfig } from './client.ts';
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

export default definePlugin({
  id: 'edge.caddy',
  version: '0.3.0',
  kernel: '^0.1.0',
  options: optionsSchema,
  describe: { edges: [{ edge: 'caddy', displayName: 'Caddy', target: targetSchema }] },
  apply({ hooks, options, services }) {
    const renderOptions = renderOptionsOf(options);
    // One client per admin API, made on first use. Clients hold no connection (one per call), so closing is forgetting.
    const clients = new Map<string, CaddyClient>();
    const clientOf = (url: string): CaddyClient => {
      let client = clients.get(url);
      if (!client) clients.set(url, (client = createCaddyClient({ adminUrl: url, timeoutMs: options.adminTimeoutMs })));
      return client;
    };
    services.onClose(() => clients.clear());
    // The kernel parsed `state.target.options` with targetSchema; without a target, the plugin's Caddy.
    const adminFor = (state: RenderRoutesState) => adminOf(options, state.target?.options as CaddyTarget | undefined);

    hooks.renderRoutes.for('caddy').tapPromise({ name: 'edge.caddy', stage: 0 }, async (state) => ({
      ...state,
      // Each Caddy keeps its admin API where it is: a config naming another address would move it.
      output: renderCaddyConfig(state.routes, { ...renderOptions, adminListen: adminFor(state).adminListen }, state.certificates),
    }));
    // Delivery after every decorator: POST /load; a 400 throws a CaddyAdminError and the old config stays.
    // A dry run reads the running config and diffs it, loading nothing.
    hooks.renderRoutes.for('caddy').tapPromise({ name: 'edge.caddy', stage: DELIVERY_STAGE }, async (state) => {
      if (!state.dryRun && !state.deliver) return state;
      const { adminUrl } = adminFor(state);
      if (state.dryRun) return { ...state, preview: await previewCaddyConfig(clientOf(adminUrl), state.output) };
      await pushCaddyConfig(clientOf(adminUrl), state.output);
      return { ...state, delivered: { at: new Date(), detail: `loaded into ${adminUrl}` } };
    });
    if (options.delegateCertificates) {
      hooks.issueCert.tapPromise('edge.caddy', async () => ({ kind: 'delegated', by: 'edge.caddy', message: 'Caddy obtains certificates on demand' }));
    }
  },
});
