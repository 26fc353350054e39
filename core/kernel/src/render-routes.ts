/**
 * What the `renderRoutes` hook carries (hooks.ts): the routes an edge renders, the state its waterfall passes from
 * the edge plugin's render (stage 0) through decorators to its delivery (`DELIVERY_STAGE`), the change set of an
 * incremental render, and the configuration an edge pulls.
 */

/** One hostname (optionally with a path prefix) routed to an upstream service. */
export interface Route {
  hostname: string;
  /** Path prefix on the public side, `/` for the whole host. */
  basePath: string;
  upstream: { host: string; port: number; path?: string };
  stripPath: boolean;
  protocol: 'https' | 'http' | 'both' | 'redirect-to-https';
  /**
   * The status of the HTTP → HTTPS redirect (`redirect-to-https`): 301 or 308, both permanent and keeping path and
   * query; 308 also keeps the method and body. Absent: `REDIRECT_STATUS` (308). Edges that cannot answer it say so.
   */
  redirectStatus?: 301 | 308;
  /**
   * Whose route this is: the organization's and the project's slugs (file-name safe: `a-z`, `0-9`, `-`). Edges
   * that split their configuration by tenant (one Traefik file per project, one GitOps file per tenant) group by
   * it; a route without it belongs to no tenant (renderers use `default`). Routing never depends on it.
   */
  tenant?: RouteTenant;
  /**
   * Portico's ownership challenge of this route's hostname, for a hostname whose ownership is re-confirmed by
   * fetching `/.well-known/portico-challenge/<token>` from it (the `http-file` method's watch). Once the hostname
   * points at the edge, that fetch reaches the edge: the edge answers exactly that path with `token` as
   * `text/plain`, before any redirect or refusal, never forwarding it to the upstream (outcome
   * `ownership_challenge` of `previewRoute`; path from `ownershipChallengePath`). So the watch passes while the
   * hostname's DNS points at the edge and fails once it points elsewhere. The token is public (it is what the
   * customer published). Only on routes of a routed, verified hostname; never on a wildcard route.
   *
   * @example { hostname: 'shop.example.com', …, ownershipChallenge: { token: '5f0c…e1' } }
   */
  ownershipChallenge?: { token: string };
}

/** The owner of a route: `{ organization: 'acme', project: 'storefront' }`. */
export interface RouteTenant {
  organization: string;
  project: string;
}

/** What a dry run of a delivery found: what a push would change at the edge, nothing pushed. */
export interface DeliveryPreview {
  /** Whether a push would change anything at the edge. */
  changed: boolean;
  /** A unified diff (files, keys or JSON lines) of current → rendered, `''` when unchanged. */
  diff: string;
  /** One line for people: `2 files would change`, `3 keys set, 1 deleted`. */
  summary: string;
}

export interface RenderRoutesState {
  edge: string;
  /**
   * The routes to render, each one checked by the kernel (`checkRoute` in routing.ts): a malformed route (an
   * upstream host that is no host, a path that is no path…) never reaches a renderer; the kernel leaves it out and
   * reports it to the caller (`skipped` of `deployRoutes` / `previewDeploy`), so one bad route never fails a
   * delivery for every other one. Shared by every edge rendering the same table version: read it, never edit it.
   */
  routes: Route[];
  /**
   * The rendered configuration. `undefined` on entry; the edge plugin's tap (stage 0) renders it; later taps
   * (positive stages) decorate it and return the new state.
   */
  output: unknown;
  /**
   * Set by the kernel for `Kernel.deployRoutes`: push `output` to the edge. The edge plugin's delivery tap, at a
   * stage after every decorator (`DELIVERY_STAGE`), pushes and sets `delivered`; a refused push throws.
   * Without it (`renderRoutes`: previews, snapshots) nothing leaves the process.
   */
  deliver?: boolean;
  /** Set by the delivery tap once the edge accepted `output`. */
  delivered?: { at: Date; detail?: string };
  /**
   * Set by the kernel for `Kernel.serveRoutes`: the edge pulls its configuration from Portico (Traefik's HTTP
   * provider) rather than being pushed to. The edge plugin's delivery tap serialises `output` into `served`.
   */
  serve?: boolean;
  /** Set by the delivery tap for `serve`: the body Portico answers the edge's poll with. */
  served?: ServedConfig;
  /**
   * Set by the kernel for `Kernel.previewDeploy` (`deliver` is false then): a delivery tap that can tell what a
   * push would change reads the edge's current state, compares it with `output` and sets `preview`, writing
   * nothing. A tap that cannot leaves `preview` unset, and the caller shows the rendered output instead.
   */
  dryRun?: boolean;
  preview?: DeliveryPreview;
  /**
   * Which configured edge this render is for (`edges[].id` in the server) and its target options, parsed with the
   * edge descriptor's `target` schema (`undefined` when the plugin declares none). Delivery taps deliver there.
   */
  target?: { id: string; options: unknown };
  /**
   * Certificates Portico obtained itself (`cert.acme`) for hostnames in `routes`, for edges that serve supplied
   * certificates rather than obtaining their own (Caddy `load_pem`, Traefik `tls.certificates`). Set by the server's
   * reconcile, one entry per certificate, sorted by first hostname; each covers only hostnames of its own
   * organization's claim. `privateKeyPem` is unsealed in memory for this render only: a tap must never log it, and a
   * dry run must redact it (`redactPrivateKeys`) before it shows a diff. Absent or empty: no supplied certificates,
   * and an edge that obtains certificates itself (on demand) does so for every name.
   *
   * @example
   * [{ hostnames: ['shop.example.com'], certificatePem: '-----BEGIN CERTIFICATE-----…', privateKeyPem: '-----BEGIN PRIVATE KEY-----…', notAfter: new Date('2027-03-01') }]
   */
  certificates?: SuppliedCertificate[];
  /**
   * Which version of the route table `routes` is (the server's table counts up with every change it takes in).
   * Absent where the caller has none (snapshots, previews of a hand-made table).
   */
  version?: number;
  /**
   * What changed since the table this target last received (`changes.since`), when the caller knows it: the
   * hostnames whose routes differ between that version and `version`, and their routes now. An edge plugin that
   * kept its render of version `changes.since` for this target may render just those hosts (and whatever depends on
   * them) and deliver just the difference; it must end with exactly what a render of the whole `routes` gives, and
   * render whole whenever it kept nothing for `changes.since`. A plugin that ignores it renders `routes`, as always.
   * `routes` stays the complete table. The kernel leaves it out when the edge has decorators (taps between stage 0
   * and `DELIVERY_STAGE`): a decorator sees, and may change, one whole configuration.
   */
  changes?: RouteChanges;
}

/** What changed in the route table between two versions (`RenderRoutesState.changes`). */
export interface RouteChanges {
  /** The version the edge last received; `RenderRoutesState.version` is the one being rendered. */
  since: number;
  /** Hostnames (exact, or wildcards `*.example.com`) added, changed or removed since then, each once. */
  hosts: string[];
  /** The routes of `hosts` now, checked like `routes` (a removed host has none). */
  routes: Route[];
}

/** A configuration an edge pulls from Portico (`Kernel.serveRoutes`). */
export interface ServedConfig {
  /**
   * A text, or its encoded bytes in pieces sent one after another: a large body kept as encoded pieces is served
   * without being encoded or copied into one buffer again (`servedText` joins it back, for tests and tools).
   */
  body: string | readonly Uint8Array[];
  contentType: string;
  /**
   * The entity tag of `body`: equal configurations give equal tags in every Portico process. Weak (`W/"…"`) when
   * two bodies of one configuration may differ in bytes (members in another order).
   */
  etag: string;
}

/** A served body as one text (pieces decoded as UTF-8). */
export function servedText(body: ServedConfig['body']): string {
  return typeof body === 'string' ? body : Buffer.concat(body).toString('utf8');
}

/** A certificate an edge is given to serve (see `RenderRoutesState.certificates`). */
export interface SuppliedCertificate {
  /** The names it is served for (its subject alternative names that have routes): `shop.example.com`, `*.shop.example.com`. */
  hostnames: string[];
  /** The leaf first, then the intermediates (PEM). */
  certificatePem: string;
  /** The leaf's private key (PEM). */
  privateKeyPem: string;
  notAfter: Date;
}

/** The stage edge plugins deliver at: after rendering (0) and any decoration (1–999). */
export const DELIVERY_STAGE = 1000;

