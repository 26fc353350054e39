import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import getPort from 'get-port';
import { getMemoryDnsInstance, type MemoryZones } from '@portico/dns-memory';
import { WidgetToken } from '../../core/server/src/modules/widget/entity.ts';
import { createOrganizationWithUser, keyCaller, sessionCaller, type Caller } from '../../core/server/test/factories.ts';
import { signIn, startTestPortico, type TestPortico } from '../../core/server/test/helpers.ts';
import { REPO_ROOT } from './browser.ts';

/** The credential the in-memory DNS provider accepts in these tests (the customer "creates" it at their provider). */
export const MEMORY_TOKEN = 'memory-token-widget-browser-3e9a';

const DIST = join(REPO_ROOT, 'widget/dist');

interface DistManifest {
  version: string;
  files: Record<string, { integrity: string; bytes: number; gzipBytes: number }>;
}

/** What the host page asks for: the token's limits and the element's attributes. */
export interface HostPageOptions {
  /** Token: the only hostname the customer may connect (with `includeSubdomains`, the names under it too). */
  hostname?: string;
  includeSubdomains?: boolean;
  /** Token: the SaaS's reference for its customer (default `customer-1`). */
  customerRef?: string;
  /** Token lifetime in seconds (30…3600; default 600). */
  ttl?: number;
  /** Element attributes. */
  domain?: string;
  domainId?: string;
  locale?: 'en' | 'de';
  theme?: 'light' | 'dark' | 'auto';
  /**
   * Page: on `portico:token-expired`, wait for the test to call `window.porticoHandToken()` instead of handing a
   * fresh token over at once (so the expired overlay can be seen).
   */
  manualToken?: boolean;
  /** Load the ES module build (`<script type="module">`) instead of the classic script. */
  module?: boolean;
  /** Replace the script tag's integrity with a wrong (well-formed) hash: the browser must refuse the script. */
  tamperIntegrity?: boolean;
}

export interface HostPage {
  /** The page's origin (`http://127.0.0.1:<port>`). */
  origin: string;
  /** The page URL embedding the widget with `options`. */
  url(options?: HostPageOptions): string;
  /** Tokens this host page issued, newest last. */
  issued: string[];
  close(): Promise<void>;
}

export interface StackDomain {
  id: string;
  hostname: string;
  status: string;
  statusMessage: string | null;
  customerRef: string | null;
  instructions: Array<{ name: string; type: string; value: string }>;
}

export interface WidgetStack {
  portico: TestPortico;
  /** Where the browser reaches Portico (the widget's `api-base`). */
  apiUrl: string;
  /** Where the page loads the script from (Portico's versioned path when it serves the widget). */
  scriptUrl: string;
  integrity: string;
  organizationId: string;
  projectId: string;
  /** The organization's owner, signed in (the SaaS team in the console). */
  owner: Caller;
  /** The SaaS's server: an API key with `widget-tokens:write`. */
  key: Caller;
  /** The allowed host page (the SaaS's settings page) and one on an origin the project does not list. */
  host: HostPage;
  refusedHost: HostPage;
  zone: string;
  /** The in-memory DNS provider's zones: tests edit them as a customer edits their DNS panel. */
  zones(): MemoryZones;
  /** The domain with exactly this hostname, as the SaaS team sees it (undefined while there is none). */
  domainByHostname(hostname: string): Promise<StackDomain | undefined>;
  /**
   * Publishes the domain's DNS instructions in the zone, as the customer does in their DNS panel. `tamper`
   * changes each value (a typo: the records are there, but wrong).
   */
  publishInstructions(hostname: string, options?: { tamper?: boolean }): Promise<StackDomain>;
  /**
   * Stores a DNS credential for the customer the way the widget does (`POST /v1/widget/dns-credentials` with a
   * widget token, from the host page's origin), so a journey can start with automatic setup ready.
   */
  storeCustomerCredential(options: { provider: string; credentials: Record<string, unknown>; customerRef?: string }): Promise<{ id: string }>;
  /** Makes every widget token of this project expire now (as if the customer left the page open too long). */
  expireTokens(): Promise<void>;
  stop(): Promise<void>;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A real Portico listening on a free port of 127.0.0.1 (its own database, the in-memory DNS provider serving
 * `zone` on another free port, DNS TXT verification, fast jobs), an organization whose project allows the host
 * page's origin, an API key for tokens, and two host pages on their own free ports (second origins): the allowed
 * one and a refused one.
 */
export async function startWidgetStack(options: {
  zone: string;
  /** Record sets the test zone starts with. */
  records?: Array<{ name: string; type: string; ttl?: number; values: string[] }>;
  /** More zones the in-memory DNS serves. */
  zones?: Array<{ name: string; records?: unknown[] }>;
  /** More plugins (after dns-memory and verify-dns-txt). */
  plugins?: Array<{ package: string; options?: unknown }>;
  /** The API's and the DNS server's ports, when the test needs them before Portico starts (an edge's ask URL). */
  ports?: { api: number; dns: number };
  /** More Portico config (top-level keys replace the stack's: `edges`, `routing`, …). */
  config?: Record<string, unknown>;
}): Promise<WidgetStack> {
  const { zone } = options;
  const apiPort = options.ports?.api ?? (await getPort({ host: '127.0.0.1' }));
  const dnsPort = options.ports?.dns ?? (await getPort({ host: '127.0.0.1' }));
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const portico = await startTestPortico({
    http: { host: '127.0.0.1', port: apiPort, publicUrl: apiUrl },
    dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
    routing: { cnameTarget: 'edge.portico.test', ipv4: ['192.0.2.80'] },
    dnsSetup: { propagationIntervalSeconds: 0.2, applyRetryBaseSeconds: 0.5 },
    widget: { distDir: DIST },
    plugins: [
      { package: '@portico/dns-memory', options: { token: MEMORY_TOKEN, serve: { port: dnsPort }, zones: [{ name: zone, records: options.records ?? [] }, ...(options.zones ?? [])] } },
      { package: '@portico/verify-dns-txt' },
      ...(options.plugins ?? []),
    ],
    ...options.config,
  });
  const stops: Array<() => Promise<void>> = [() => portico.stop()];
  try {
    const api = createServer(portico.app!.callback());
    await listen(api, apiPort);
    stops.unshift(() => close(api));

    const org = await createOrganizationWithUser(portico, { role: 'owner' });
    const owner = sessionCaller(await signIn(portico, org.email, org.password));
    const created = await owner.post(`/v1/organizations/${org.organizationId}/api-keys`, { name: 'saas-backend', scopes: ['widget-tokens:write', 'domains:read', 'domains:write', 'projects:read', 'projects:write'] });
    if (created.status !== 201) throw new Error(`api key: ${created.status} ${JSON.stringify(created.body)}`);
    const key = keyCaller(portico, created.body.secret as string);

    // The page loads the widget from Portico's versioned path with the build's SRI hash, as a SaaS embeds it.
    const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as DistManifest;
    const scriptUrl = `${apiUrl}/widget/v${manifest.version}/portico-connect.js`;
    const scripts = {
      classic: { url: scriptUrl, integrity: manifest.files['portico-connect.js'].integrity },
      module: { url: `${apiUrl}/widget/v${manifest.version}/portico-connect.mjs`, integrity: manifest.files['portico-connect.mjs'].integrity },
    };

    const issued: string[] = [];
    const issue = async (query: URLSearchParams) => {
      const body: Record<string, unknown> = { projectId: org.projectId, customerRef: query.get('customerRef') ?? 'customer-1' };
      if (query.get('hostname')) body.hostname = query.get('hostname');
      if (query.get('includeSubdomains') === '1') body.includeSubdomains = true;
      if (query.get('ttl')) body.expiresInSeconds = Number(query.get('ttl'));
      const res = await key.post('/v1/widget-tokens', body);
      if (res.status !== 201) throw new Error(`widget token: ${res.status} ${JSON.stringify(res.body)}`);
      issued.push(res.body.token);
      return res.body.token as string;
    };
    const startHost = async (): Promise<HostPage> => {
      const server = createServer((req, res) => {
        hostPage(req, res, { apiUrl, scripts, issue }).catch((error: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
        });
      });
      const address = await listen(server, 0);
      const origin = `http://127.0.0.1:${address.port}`;
      stops.unshift(() => close(server));
      return {
        origin,
        issued,
        url: (o: HostPageOptions = {}) => {
          const query = new URLSearchParams();
          for (const [name, value] of Object.entries(o)) if (value !== undefined) query.set(name, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
          return `${origin}/settings/domains?${query}`;
        },
        close: () => close(server),
      };
    };
    const host = await startHost();
    const refusedHost = await startHost();
    const settings = await owner.patch(`/v1/projects/${org.projectId}/widget`, { allowedOrigins: [host.origin] });
    if (settings.status !== 200) throw new Error(`widget settings: ${settings.status} ${JSON.stringify(settings.body)}`);

    const domainByHostname = async (hostname: string) => {
      const res = await owner.get(`/v1/organizations/${org.organizationId}/domains?q=${encodeURIComponent(hostname)}`);
      if (res.status !== 200) throw new Error(`domains: ${res.status} ${JSON.stringify(res.body)}`);
      return (res.body.data as StackDomain[]).find((d) => d.hostname === hostname);
    };

    return {
      portico,
      apiUrl,
      scriptUrl,
      integrity: manifest.files['portico-connect.js'].integrity,
      organizationId: org.organizationId,
      projectId: org.projectId,
      owner,
      key,
      host,
      refusedHost,
      zone,
      zones: () => getMemoryDnsInstance()!.zones,
      domainByHostname,
      async publishInstructions(hostname: string, { tamper = false } = {}) {
        const listed = await domainByHostname(hostname);
        if (!listed) throw new Error(`publishInstructions: no domain ${hostname}`);
        const domain = (await owner.get(`/v1/domains/${listed.id}`)).body as StackDomain;
        const sets = new Map<string, { name: string; type: 'A' | 'AAAA' | 'CNAME' | 'TXT'; ttl: number; values: string[] }>();
        for (const record of domain.instructions) {
          if (!['A', 'AAAA', 'CNAME', 'TXT'].includes(record.type)) continue;
          const key = `${record.name} ${record.type}`;
          const value = tamper ? `${record.value}-typo` : record.value;
          const set = sets.get(key) ?? { name: record.name, type: record.type as 'TXT', ttl: 300, values: [] };
          set.values.push(value);
          sets.set(key, set);
        }
        getMemoryDnsInstance()!.zones.apply({ zone, upsert: [...sets.values()], remove: [] });
        return domain;
      },
      async storeCustomerCredential({ provider, credentials, customerRef = 'customer-1' }) {
        const token = await issue(new URLSearchParams({ customerRef }));
        const res = await portico.http.post('/v1/widget/dns-credentials').set('authorization', `Bearer ${token}`).set('origin', host.origin).send({ provider, credentials });
        if (res.status !== 201) throw new Error(`widget dns credential: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body as { id: string };
      },
      async expireTokens() {
        await portico.container.cradle.orm.em.fork().nativeUpdate(WidgetToken, { project: org.projectId }, { expiresAt: new Date(Date.now() - 1000) });
      },
      async stop() {
        for (const stop of stops.splice(0)) await stop().catch(() => {});
      },
    };
  } catch (error) {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
    throw error;
  }
}

/**
 * The SaaS's settings page: its server asks Portico for a widget token, then the page embeds the widget with one
 * script tag (SRI + crossorigin) and hands a fresh token over when the widget says its token expired. Events the
 * widget dispatches are kept in `window.porticoEvents` for the tests.
 */
async function hostPage(req: IncomingMessage, res: ServerResponse, ctx: { apiUrl: string; scripts: Record<'classic' | 'module', { url: string; integrity: string }>; issue: (query: URLSearchParams) => Promise<string> }) {
  const url = new URL(req.url ?? '/', 'http://host.invalid');
  const query = url.searchParams;
  if (req.method === 'POST' && url.pathname === '/api/widget-token') {
    const token = await ctx.issue(query);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ token }));
    return;
  }
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'GET' || url.pathname !== '/settings/domains') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  // A well-formed sha384 of something else: the browser must refuse to run the script.
  const script = query.get('module') === '1' ? ctx.scripts.module : ctx.scripts.classic;
  const integrity = query.get('tamperIntegrity') === '1' ? `sha384-${Buffer.alloc(48, 7).toString('base64')}` : script.integrity;
  const attributes: Record<string, string> = { 'api-base': ctx.apiUrl };
  for (const [param, attribute] of [['domain', 'domain'], ['domainId', 'domain-id'], ['locale', 'locale'], ['theme', 'theme']]) {
    if (query.get(param)) attributes[attribute] = query.get(param)!;
  }
  const tokenQuery = new URLSearchParams();
  for (const name of ['hostname', 'includeSubdomains', 'customerRef', 'ttl']) if (query.get(name)) tokenQuery.set(name, query.get(name)!);
  const html = `<!doctype html>
<html lang="${escape(query.get('locale') ?? 'en')}">
<head>
<meta charset="utf-8">
<title>Acme Shops — Custom domain</title>
<style>body { font-family: system-ui, sans-serif; margin: 0; background: ${query.get('theme') === 'dark' ? '#111827' : '#f3f4f6'}; color: ${query.get('theme') === 'dark' ? '#f9fafb' : '#111827'}; } main { max-width: 720px; margin: 24px auto; padding: 0 16px; }</style>
<script${query.get('module') === '1' ? ' type="module"' : ''} src="${escape(script.url)}" integrity="${escape(integrity)}" crossorigin="anonymous"></script>
</head>
<body>
<main>
<h1>Custom domain</h1>
<div id="slot"></div>
</main>
<script type="module">
  window.porticoEvents = [];
  const attributes = ${JSON.stringify(attributes)};
  const tokenUrl = ${JSON.stringify(`/api/widget-token?${tokenQuery}`)};
  const freshToken = async () => (await (await fetch(tokenUrl, { method: 'POST' })).json()).token;
  const el = document.createElement('portico-connect');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  for (const type of ['portico:connected', 'portico:error', 'portico:close', 'portico:token-expired']) {
    el.addEventListener(type, (event) => window.porticoEvents.push({ type, detail: event.detail }));
  }
  window.porticoHandToken = async () => { el.token = await freshToken(); };
  if (!${JSON.stringify(query.get('manualToken') === '1')}) el.addEventListener('portico:token-expired', () => window.porticoHandToken());
  el.setAttribute('token', await freshToken());
  document.getElementById('slot').append(el);
  window.porticoReady = true;
</script>
</body>
</html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

function listen(server: Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
