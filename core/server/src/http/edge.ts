import type { Context, Next } from 'koa';
import type { RouteTable } from '../modules/routing/route-table.ts';

const HOSTNAME = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Endpoints the edges call, mounted before sessions, body parsing and request logging: every new TLS handshake
 * for an unknown name reaches `/edge/ask`, so it does one Map lookup and answers with a few bytes.
 *
 * `GET /edge/ask?domain=<host>` — Caddy's on-demand TLS gate: 200 only for a host that is verified, routed and
 * served over HTTPS; 404 for everything else; 400 for a missing or malformed name.
 */
export function edgeEndpoints({ routeTable }: { routeTable: RouteTable }) {
  return async function edge(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/edge/ask') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = 'method not allowed';
      return;
    }
    const raw = ctx.query.domain;
    const host = typeof raw === 'string' ? raw.toLowerCase().replace(/\.$/, '') : '';
    if (host.length === 0 || host.length > 253 || !HOSTNAME.test(host)) {
      ctx.status = 400;
      ctx.body = 'malformed domain';
      return;
    }
    const allowed = routeTable.allowsCertificate(host);
    ctx.status = allowed ? 200 : 404;
    ctx.body = allowed ? 'ok' : 'not served here';
  };
}
