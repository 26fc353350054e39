import type { Context, Next } from 'koa';
import { AppError } from '../errors/app-error.ts';
import type { WidgetService } from '../modules/widget/service.ts';
import { isWidgetRoute, toOpenApiPath, type AnyRoute } from './route.ts';

const ALLOWED_HEADERS = 'authorization, content-type';
/** Headers the widget reads from answers: when to retry a rate-limited check, and the id to quote to support. */
const EXPOSED_HEADERS = 'retry-after, x-request-id';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Each widget route's path as a pattern, with the methods the widget may use on it. */
function widgetPaths(routes: AnyRoute[]): Array<{ pattern: RegExp; methods: string[] }> {
  const byPath = new Map<string, string[]>();
  for (const route of routes.filter(isWidgetRoute)) {
    const path = toOpenApiPath(route.path);
    byPath.set(path, [...(byPath.get(path) ?? []), route.method.toUpperCase()]);
  }
  return [...byPath].map(([path, methods]) => {
    const source = path
      .split(/(\{\w+\})/)
      .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return { pattern: new RegExp(`^${source}$`), methods };
  });
}

/**
 * CORS for the widget's routes and for no other: the answer names the exact page origin, and only when some
 * project lists it among its allowed origins (a preflight carries no token, so it cannot say which project; the
 * token on the real request is then held to its own project's origins by the authenticate middleware). Never
 * with credentials: the widget sends its token in `Authorization`, and cookies stay out of cross-origin calls.
 * A preflight from any other origin is refused with WIDGET_ORIGIN_REFUSED and no CORS headers, so the browser
 * sends nothing.
 */
export function widgetCors({ routes, widgetService }: { routes: AnyRoute[]; widgetService: Pick<WidgetService, 'anyProjectAllows'> }) {
  const paths = widgetPaths(routes);
  return async function cors(ctx: Context, next: Next): Promise<void> {
    const origin = ctx.get('origin');
    const match = origin ? paths.find((p) => p.pattern.test(ctx.path)) : undefined;
    if (!match) return next();
    ctx.vary('Origin');
    const preflight = ctx.method === 'OPTIONS' && ctx.get('access-control-request-method') !== '';
    const allowed = await widgetService.anyProjectAllows(origin);
    if (preflight) {
      if (!allowed) throw new AppError('WIDGET_ORIGIN_REFUSED', `This page (${origin}) is not an allowed origin of any project.`, { origin });
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Methods', match.methods.join(', '));
      ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      ctx.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      ctx.status = 204;
      return;
    }
    if (allowed) {
      // Set before the route runs, so error answers (expired token, refused origin) are readable by the widget too.
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    return next();
  };
}
