/**
 * The pretend SaaS ("Acme Sites") on a second origin: its settings page embeds the Connect widget with one script
 * tag, exactly as a SaaS would, and its backend hands the page widget tokens (`POST /api/widget-token`). The DNS
 * panel standing in for the customer's DNS provider is served here too (dns-panel.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Router from '@koa/router';
import coBody from 'co-body';
import Koa from 'koa';
import { escapeHtml, pageShell } from './html.ts';

export const DEFAULT_TOKEN_TTL_SECONDS = 600;
export const MAX_TOKEN_TTL_SECONDS = 3600;
const SCRIPT_FILE = 'portico-connect.js';

export interface WidgetScript {
  version: string;
  integrity: string;
}

export interface HostPageOptions {
  /** Where browsers reach Portico (the widget's script and API). */
  porticoUrl: string;
  /** The built widget (`manifest.json` inside); read on every page view, so a rebuild shows at the next reload. */
  widgetDistDir: string;
  /** Issues a widget token for the demo customer (the SaaS server's job). */
  issueToken(ttlSeconds: number): Promise<{ token: string; expiresAt: Date }>;
  /** Extra routes on the same origin (the DNS panel). */
  routes?(router: Router): void;
}

/** The script tag's version and integrity from the built widget's manifest; undefined when it is not built. */
export async function readWidgetScript(distDir: string): Promise<WidgetScript | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(distDir, 'manifest.json'), 'utf8')) as { version?: unknown; files?: Record<string, { integrity?: unknown }> };
    const integrity = manifest.files?.[SCRIPT_FILE]?.integrity;
    if (typeof manifest.version !== 'string' || typeof integrity !== 'string') return undefined;
    return { version: manifest.version, integrity };
  } catch {
    return undefined;
  }
}

/** `?ttl=` as whole seconds within the token limits, else the default. */
export function ttlOf(raw: unknown): number {
  const ttl = Number(raw);
  return Number.isInteger(ttl) && ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS ? ttl : DEFAULT_TOKEN_TTL_SECONDS;
}

/**
 * A POST that a browser sent from another site is refused: the panel and the token endpoint act for the demo's
 * customer, so only this origin's own pages (or tools that send no Origin, like curl) may use them.
 */
export function sameOriginOnly(): Koa.Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    const site = ctx.get('sec-fetch-site');
    if (ctx.method === 'POST' && ((origin && origin !== `${ctx.protocol}://${ctx.get('host')}`) || (site && site !== 'same-origin' && site !== 'none'))) {
      ctx.status = 403;
      ctx.body = { error: { code: 'FORBIDDEN', message: 'Only pages of this origin may do that.' } };
      return;
    }
    await next();
  };
}

export function createHostPageApp(options: HostPageOptions): Koa {
  const app = new Koa();
  const router = new Router();
  const portico = new URL(options.porticoUrl).origin;

  router.get('/', async (ctx) => {
    const widget = await readWidgetScript(options.widgetDistDir);
    const nonce = randomBytes(16).toString('base64');
    ctx.set(
      'content-security-policy',
      [
        "default-src 'self'",
        `script-src 'nonce-${nonce}' ${portico}`,
        `connect-src 'self' ${portico}`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    ctx.set('cache-control', 'no-store');
    ctx.type = 'html';
    ctx.body = settingsPage({ porticoUrl: options.porticoUrl.replace(/\/$/, ''), widget, nonce, query: ctx.query });
  });

  router.post('/api/widget-token', async (ctx) => {
    let body: Record<string, unknown> = {};
    if (ctx.is('json')) {
      try {
        body = ((await coBody.json(ctx.req, { limit: '4kb' })) as Record<string, unknown> | null) ?? {};
      } catch {
        ctx.status = 400;
        ctx.body = { error: { code: 'VALIDATION_FAILED', message: 'The body must be JSON: { "ttl": <seconds> }.' } };
        return;
      }
    }
    const { token, expiresAt } = await options.issueToken(ttlOf(body.ttl ?? ctx.query.ttl));
    ctx.set('cache-control', 'no-store');
    ctx.body = { token, expiresAt: expiresAt.toISOString() };
  });

  // Browsers ask for it on every page; an empty answer keeps 404s out of the console.
  router.get('/favicon.ico', (ctx) => {
    ctx.status = 204;
  });
  options.routes?.(router);
  app.use(sameOriginOnly());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

export interface HostPage {
  server: Server;
  /** `http://127.0.0.1:<port>` (no trailing slash): also the origin the project allows. */
  origin: string;
  stop(): Promise<void>;
}

/** Listen on `port`; when it is taken, on a free port (the banner prints the URL). */
export async function startHostPage(app: Koa, host: string, port: number): Promise<HostPage> {
  const server = createServer(app.callback());
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    await listen(0);
  }
  const bound = (server.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    origin: `http://${shown}:${bound}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const LOCALES = ['en', 'de'];
const THEMES = ['light', 'dark', 'auto'];

function settingsPage(input: { porticoUrl: string; widget: WidgetScript | undefined; nonce: string; query: Record<string, string | string[] | undefined> }): string {
  const one = (name: string) => {
    const value = input.query[name];
    return typeof value === 'string' ? value : undefined;
  };
  const domain = one('domain')?.slice(0, 253);
  const locale = LOCALES.includes(one('locale') ?? '') ? one('locale') : undefined;
  const theme = THEMES.includes(one('theme') ?? '') ? one('theme') : undefined;
  const attrs = [`api-base="${escapeHtml(input.porticoUrl)}"`, domain ? `domain="${escapeHtml(domain)}"` : '', locale ? `locale="${locale}"` : '', theme ? `theme="${theme}"` : ''].filter(Boolean).join(' ');
  const settings = JSON.stringify({ ttl: ttlOf(one('ttl')), open: one('open') === '1' }).replace(/</g, '\\u003c');
  const widget = input.widget
    ? `<script src="${escapeHtml(input.porticoUrl)}/widget/v${escapeHtml(input.widget.version)}/${SCRIPT_FILE}" integrity="${escapeHtml(input.widget.integrity)}" crossorigin="anonymous"></script>`
    : `<p class="notice" role="alert">The widget is not built yet: run <code>npm run build:widget</code> and reload this page.</p>`;
  const main = `
    <nav class="crumbs" aria-label="Breadcrumb"><a href="/">Settings</a> › <span aria-current="page">Custom domain</span></nav>
    <h1>Custom domain</h1>
    <p class="lead">Serve your Acme Sites site on your own domain, like <code>shop.example.com</code>. We check that the
      domain is yours, set up its DNS records with you and get its HTTPS certificate.</p>
    <section class="card" aria-labelledby="domains-title">
      <div class="card-head">
        <h2 id="domains-title">Your domains</h2>
        <button type="button" id="connect" class="primary">Connect a domain</button>
      </div>
      <ul id="domains" class="domains"><li class="empty">No custom domain yet.</li></ul>
      <div id="widget-box" class="widget-box" hidden>
        <portico-connect ${attrs}></portico-connect>
      </div>
    </section>
    <section class="card" aria-labelledby="log-title">
      <h2 id="log-title">Event log</h2>
      <p class="hint">What the widget told this page (<code>portico:*</code> events).</p>
      <ol id="event-log" class="log" aria-live="polite"></ol>
    </section>
    ${widget}
    <script nonce="${input.nonce}">window.__acmeSettings = ${settings};</script>
    <script nonce="${input.nonce}">${PAGE_SCRIPT}</script>`;
  return pageShell({ title: 'Custom domain · Settings · Acme Sites', brand: 'Acme Sites', nav: SETTINGS_NAV, main, css: PAGE_CSS });
}

const SETTINGS_NAV = `
  <nav class="side" aria-label="Settings">
    <a href="/">General</a><a href="/">Team</a><a href="/">Billing</a><a href="/" aria-current="page">Custom domain</a>
  </nav>`;

const PAGE_CSS = `
  .card-head{display:flex;justify-content:space-between;align-items:center;gap:1rem}
  .domains{list-style:none;padding:0;margin:.5rem 0}
  .domains li{padding:.5rem 0;border-top:1px solid #e5e7eb}
  .domains li.empty{color:#6b7280;border:0}
  .widget-box{margin-top:1rem;border-top:1px solid #e5e7eb;padding-top:1rem}
  .log{font:13px/1.5 ui-monospace,monospace;max-height:16rem;overflow:auto;padding-left:1.5rem}
  .notice{background:#fef3c7;border:1px solid #f59e0b;padding:.75rem;border-radius:6px}`;

// The page's own script: what a SaaS writes around the widget. Tokens come from the SaaS's backend, never the page.
const PAGE_SCRIPT = `
(() => {
  const settings = window.__acmeSettings;
  const el = document.querySelector('portico-connect');
  const box = document.getElementById('widget-box');
  const log = document.getElementById('event-log');
  const domains = document.getElementById('domains');
  const write = (text) => {
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    log.append(li);
    log.scrollTop = log.scrollHeight;
  };
  async function freshToken() {
    const response = await fetch('/api/widget-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ttl: settings.ttl }) });
    if (!response.ok) throw new Error('token request failed: ' + response.status);
    const { token, expiresAt } = await response.json();
    write('token issued, valid until ' + new Date(expiresAt).toLocaleTimeString());
    return token;
  }
  async function open() {
    try {
      el.token = await freshToken();
      box.hidden = false;
    } catch (error) {
      write('error: ' + error.message);
    }
  }
  document.getElementById('connect').addEventListener('click', open);
  el.addEventListener('portico:token-expired', async (event) => {
    write('portico:token-expired ' + JSON.stringify(event.detail));
    try { el.token = await freshToken(); } catch (error) { write('error: ' + error.message); }
  });
  el.addEventListener('portico:connected', (event) => {
    write('portico:connected ' + JSON.stringify(event.detail));
    const { hostname, url, status } = event.detail || {};
    domains.querySelector('.empty')?.remove();
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.href = url || ('https://' + hostname);
    link.textContent = hostname;
    li.append(link, document.createTextNode(' — ' + status));
    domains.append(li);
  });
  el.addEventListener('portico:close', (event) => {
    write('portico:close ' + JSON.stringify(event.detail));
    box.hidden = true;
  });
  el.addEventListener('portico:error', (event) => write('portico:error ' + JSON.stringify(event.detail)));
  if (settings.open) open();
})();`;
