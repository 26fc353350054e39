import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { OWNERSHIP_CHALLENGE_PATH, previewRoute, type Kernel, type ServedConfig } from '@portico/kernel';
import type { Context, Next } from 'koa';
import type { PorticoConfig } from '../config/schema.ts';
import type { CertificateService } from '../modules/certificates/service.ts';
import type { Metrics } from '../modules/metrics/registry.ts';
import type { RouteTable } from '../modules/routing/route-table.ts';

const CHALLENGE_PATH = '/.well-known/acme-challenge/';
/** `GET /edge/<edge>/config`: the configuration of an edge that pulls it (its plugin's descriptor says `served`). */
const SERVED_PATH = /^\/edge\/([a-z0-9-]+)\/config$/;

/**
 * Endpoints the edges call, mounted before sessions, body parsing and request logging. The hottest of them,
 * `GET /edge/ask` (the on-demand TLS gate), is answered before Koa (edge-ask.ts).
 *
 * `GET /edge/resolve?host=&path=&scheme=` — for edges that look routes up per request: the kernel's preview of
 * the request (proxy target, redirect, refusal, not found), as JSON; needs `edgeApi.resolveToken` as a Bearer
 * token, and is off (404) without one.
 *
 * `GET /.well-known/acme-challenge/<token>` — HTTP-01 answers while Portico's own ACME issuer runs (edges forward
 * the path to Portico).
 *
 * `GET /.well-known/portico-challenge/<token>` — the ownership challenge of a hostname verified by a file, for edges
 * that cannot answer it themselves (their plugins forward the path here with the Host): 200 with the token only
 * when the Host's own routes in the table carry exactly that token, 404 otherwise (so nothing of a pending or
 * foreign claim is ever served).
 *
 * `GET /edge/<edge>/config` — the configuration of an edge that pulls it, for every edge plugin whose descriptor
 * says `served`, as the plugin serialises it (`Kernel.serveRoutes`) with an ETag, 304 while nothing changed; behind
 * the same edge token.
 *
 * `GET /metrics` — Prometheus text format (modules/metrics/registry.ts); concurrent scrapes share one read. Serve
 * it to your scraper only: bind Portico to a private address or put the path behind your proxy's access rules.
 */
interface EdgeDeps {
  routeTable: RouteTable;
  metrics: Metrics;
  config: PorticoConfig;
  certificateService: CertificateService;
  kernel: Kernel;
}

export function edgeEndpoints({ routeTable, metrics, config, certificateService, kernel }: EdgeDeps) {
  const token = config.edgeApi.resolveToken ? Buffer.from(`Bearer ${config.edgeApi.resolveToken}`) : undefined;
  const authorised = (header: string | undefined) => {
    const given = Buffer.from(header ?? '');
    return token !== undefined && given.length === token.length && timingSafeEqual(given, token);
  };
  // Edges that pull their configuration poll: render once per route-table version and set
  // of supplied certificates (polls arriving meanwhile share that one render), answer 304 while both stay the same.
  // Each render is given what changed since the last one, so the plugin re-renders only that.
  const served = new Map<string, { key: string; version: number; rendered: Promise<ServedConfig> }>();
  const servedConfig = async (edge: string): Promise<ServedConfig> => {
    const key = `${routeTable.version}:${await certificateService.suppliedStamp()}`;
    const last = served.get(edge);
    if (last?.key === key) return last.rendered;
    const version = routeTable.version;
    const changes = last === undefined ? undefined : routeTable.changesSince(last.version);
    const routes = routeTable.routes();
    // One render at a time per edge (the plugin keeps its render between them): a newer one waits for the last.
    const rendered = (last?.rendered.catch(() => undefined) ?? Promise.resolve())
      .then(() => certificateService.supplied())
      .then((certificates) => kernel.serveRoutes(edge, { routes, certificates, version, ...(changes ? { changes } : {}) }))
      .then(({ body, contentType, etag }) => ({ body, contentType, etag }));
    served.set(edge, { key, version, rendered });
    // A failed render is not kept: the next poll renders whole.
    rendered.catch(() => {
      if (served.get(edge)?.rendered === rendered) served.delete(edge);
    });
    return rendered;
  };
  // Scrapes arriving while one is read share its answer: a burst of requests costs one set of gauge queries.
  let scraping: Promise<string> | undefined;
  const scrape = (): Promise<string> =>
    (scraping ??= metrics.registry.metrics().finally(() => {
      scraping = undefined;
    }));
  const servedEdge = (path: string): string | undefined => {
    const edge = SERVED_PATH.exec(path)?.[1];
    return edge !== undefined && kernel.descriptors.edges.some((d) => d.edge === edge && d.served) ? edge : undefined;
  };

  return async function edge(ctx: Context, next: Next): Promise<void> {
    const pulled = token === undefined ? undefined : servedEdge(ctx.path);
    if (pulled !== undefined) {
      if (!authorised(ctx.get('authorization'))) {
        ctx.status = 401;
        ctx.body = { error: { code: 'UNAUTHENTICATED', message: 'Send the edge token: Authorization: Bearer <edgeApi.resolveToken>.' } };
        return;
      }
      const { body, etag, contentType } = await servedConfig(pulled);
      ctx.set('ETag', etag);
      if (ctx.get('if-none-match') === etag) {
        ctx.status = 304;
        return;
      }
      ctx.type = contentType;
      if (typeof body === 'string') ctx.body = body;
      else {
        // Pieces kept encoded by the plugin go out one after another, never copied into one buffer.
        ctx.length = body.reduce((sum, piece) => sum + piece.byteLength, 0);
        ctx.body = Readable.from(body, { objectMode: false });
      }
      return;
    }
    if (ctx.path.startsWith(CHALLENGE_PATH) && ctx.method === 'GET') {
      const answer = await certificateService.challengeAnswer(ctx.path.slice(CHALLENGE_PATH.length));
      ctx.status = answer === undefined ? 404 : 200;
      ctx.type = 'text/plain';
      ctx.body = answer ?? 'unknown token';
      return;
    }
    if (ctx.path.startsWith(OWNERSHIP_CHALLENGE_PATH) && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      const requested = ctx.path.slice(OWNERSHIP_CHALLENGE_PATH.length);
      const host = ctx.hostname.toLowerCase().replace(/\.$/, '');
      const routes = routeTable.routesFor(host).filter((r) => r.hostname === host);
      const answer = routes.find((r) => r.ownershipChallenge?.token === requested)?.ownershipChallenge?.token;
      ctx.status = answer === undefined ? 404 : 200;
      ctx.type = 'text/plain';
      ctx.body = answer ?? 'not found';
      return;
    }
    if (ctx.path === '/edge/resolve' && token !== undefined) {
      if (!authorised(ctx.get('authorization'))) {
        ctx.status = 401;
        ctx.body = { error: { code: 'UNAUTHENTICATED', message: 'Send the edge token: Authorization: Bearer <edgeApi.resolveToken>.' } };
        return;
      }
      const host = String(ctx.query.host ?? '').toLowerCase();
      const scheme = ctx.query.scheme === 'http' ? 'http' : 'https';
      const preview = previewRoute(routeTable.routesFor(host.replace(/:\d+$/, '')), { scheme, hostname: host, path: String(ctx.query.path ?? '/') });
      ctx.status = preview.outcome === 'invalid' ? 400 : preview.outcome === 'not_found' ? 404 : 200;
      ctx.body = preview;
      return;
    }
    if (ctx.path === '/metrics' && ctx.method === 'GET') {
      ctx.type = metrics.registry.contentType;
      ctx.body = await scrape();
      return;
    }
    return next();
  };
}
