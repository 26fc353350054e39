import { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import type { AwilixContainer } from 'awilix';
import { ROUTES } from './api/routes.ts';
import type { Cradle } from './container.ts';
import { errorMiddleware } from './errors/middleware.ts';
import { authenticate } from './http/authenticate.ts';
import { consoleAssets } from './http/console-assets.ts';
import { widgetCors } from './http/cors.ts';
import { jsonBody } from './http/body.ts';
import { edgeEndpoints } from './http/edge.ts';
import { edgeAsk } from './http/edge-ask.ts';
import { buildOpenApi } from './http/openapi.ts';
import { requestContext } from './http/request-context.ts';
import { widgetAssets } from './http/widget-assets.ts';
import { mountRoutes } from './http/route.ts';

/**
 * Koa with the on-demand TLS gate in front: `callback()` answers `/edge/ask` itself (edge-ask.ts) and hands every
 * other request to Koa, so the server and the tests (which drive `app.callback()`) take the same path.
 */
class PorticoApp extends Koa {
  readonly #ask: ReturnType<typeof edgeAsk>;

  constructor(options: { proxy: boolean }, ask: ReturnType<typeof edgeAsk>) {
    super(options);
    this.#ask = ask;
  }

  override callback(): ReturnType<Koa['callback']> {
    const koa = super.callback();
    const ask = this.#ask;
    return (req, res) => (req instanceof IncomingMessage && res instanceof ServerResponse && ask.handle(req, res) ? Promise.resolve() : koa(req, res));
  }
}

/** Build the Koa application. It never listens: main.ts does, and tests drive `app.callback()`. */
export function createApp(container: AwilixContainer<Cradle>): Koa {
  const { logger, orm, version, config } = container.cradle;
  const app = new PorticoApp({ proxy: config.http.trustProxy }, edgeAsk(container.cradle));
  const router = new Router();

  // A browser opening Portico's URL gets the console (consoleAssets); anything else finds where to go here.
  router.get('/', (ctx) => {
    ctx.body = { name: 'Portico', version, console: '/', openapi: '/v1/openapi.json', ready: '/readyz', widget: '/widget/manifest.json' };
  });
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = await readiness(container);
    ctx.status = Object.values(checks).every((c) => c === 'ok') ? 200 : 503;
    ctx.body = ctx.status === 200 ? { status: 'ready', checks } : { error: { code: 'NOT_READY', message: 'Not ready', details: checks } };
  });
  let openapi: unknown;
  router.get('/v1/openapi.json', (ctx) => {
    openapi ??= buildOpenApi(ROUTES, { version, serverUrl: config.http.publicUrl });
    ctx.body = openapi;
  });
  mountRoutes(router, ROUTES, container);

  app.use(errorMiddleware());
  app.use(edgeEndpoints(container.cradle));
  app.use(requestContext({ logger, orm }));
  app.use(widgetAssets({ distDir: config.widget.distDir }));
  app.use(consoleAssets({ distDir: config.console.distDir }));
  app.use(widgetCors({ routes: ROUTES, widgetService: container.cradle.widgetService }));
  app.use(jsonBody({ limit: '256kb' }));
  app.use(authenticate(container.cradle));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

async function readiness(container: AwilixContainer<Cradle>): Promise<Record<string, string>> {
  const { orm, boss, routeTable } = container.cradle;
  // A route table known to miss changes (listener lost or deaf, not reloaded yet) would answer edges from old data.
  const checks: Record<string, string> = { routeTable: routeTable.stale ? 'stale' : 'ok' };
  try {
    await orm.em.fork().getConnection().execute('select 1');
    checks.database = 'ok';
  } catch {
    checks.database = 'unreachable';
  }
  try {
    await boss.getQueue('domain.verify');
    checks.jobs = 'ok';
  } catch {
    checks.jobs = 'unreachable';
  }
  return checks;
}
