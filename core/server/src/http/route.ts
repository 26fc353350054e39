import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { AwilixContainer } from 'awilix';
import { AppError } from '../errors/app-error.ts';
import type { Cradle } from '../container.ts';
import { normalizeHostname } from '../modules/domains/hostname.ts';
import { widgetMayConnect } from '../modules/widget/scope.ts';
import type { Principal } from './principal.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * One API route, declared once: the router mounts it and the OpenAPI document is generated from the same
 * zod schemas. `auth: 'public'` routes need nothing; others need a principal (session cookie or API key);
 * `scope` is the API-key scope the route requires (sessions are checked by role inside the handler's service).
 *
 * A widget token reaches only the routes that say so: `auth: 'widget'` (widget tokens only) or `widget` on a
 * `principal` route (the widget's journey: check, add, read, verify, set up). Every other route refuses it with
 * WIDGET_ROUTE_REFUSED; the same declaration gives those routes CORS (http/cors.ts) and marks them in OpenAPI.
 */
export interface RouteDef<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth: 'public' | 'principal' | 'session' | 'widget';
  scope?: string;
  /**
   * A `principal` route a widget token may call too. `hostname` names the body's hostname: a widget token must be
   * allowed to connect it (WIDGET_HOSTNAME_REFUSED otherwise).
   */
  widget?: true | { hostname(body: z.output<B>): string };
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of the success body; `null` for an empty one (or for a body that is not JSON, see below). */
  response: R | null;
  /**
   * The media type of a success body that is not JSON (`text/event-stream` for a stream the handler writes itself);
   * OpenAPI lists it as the success response's content, with `responseDescription` describing the body.
   */
  responseContentType?: string;
  /** What the success response holds; OpenAPI's description of it ("Success" when omitted). */
  responseDescription?: string;
  status?: number;
  handler(input: HandlerInput<P, Q, B>): Promise<z.input<R> | void> | z.input<R> | void;
}

export interface HandlerInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  principal: Principal;
  cradle: Cradle;
  ctx: Context;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any, any>;

export function defineRoute<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodUndefined, R extends z.ZodType = z.ZodType>(
  def: RouteDef<P, Q, B, R>,
): RouteDef<P, Q, B, R> {
  return def;
}

/** Whether a widget token may call the route. */
export const isWidgetRoute = (route: AnyRoute): boolean => route.auth === 'widget' || (route.auth === 'principal' && route.widget !== undefined);

/** Koa paths use `:id` (and `\\:` for a literal colon, as in `/v1/domains\\:check`); OpenAPI uses `{id}`. */
export const toOpenApiPath = (path: string): string => path.replace(/(?<!\\):(\w+)/g, '{$1}').replace(/\\:/g, ':');

export function mountRoutes(router: Router, routes: AnyRoute[], container: AwilixContainer<Cradle>): void {
  for (const route of routes) {
    router[route.method](route.path, async (ctx: Context) => {
      const principal = ctx.state.principal as Principal | undefined;
      if (principal?.kind === 'widget' && !isWidgetRoute(route)) {
        throw new AppError('WIDGET_ROUTE_REFUSED', 'A widget token cannot call this route; call it from your server with an API key.');
      }
      if (route.auth !== 'public') {
        if (!principal) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key (Authorization: Bearer …).');
        if (route.auth === 'session' && principal.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'This route needs a console session.');
        if (route.auth === 'widget' && principal.kind !== 'widget') throw new AppError('UNAUTHENTICATED', 'This route needs a widget token.');
        if (route.scope && principal.kind === 'api_key' && !principal.scopes.includes(route.scope)) {
          throw new AppError('API_KEY_SCOPE_MISSING', `This API key lacks the scope ${route.scope}.`, { scope: route.scope });
        }
      }
      if (route.body && ctx.request.length && !ctx.is('application/json')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
      }
      const input = {
        params: parsePart('params', route.params, ctx.params),
        query: parsePart('query', route.query, ctx.query),
        body: parsePart('body', route.body, (ctx.request as { body?: unknown }).body),
        principal: principal as Principal,
        cradle: container.cradle,
        ctx,
      };
      if (principal?.kind === 'widget' && typeof route.widget === 'object') {
        const hostname = normalizeHostname(route.widget.hostname(input.body));
        if (!widgetMayConnect(principal, hostname)) {
          throw new AppError('WIDGET_HOSTNAME_REFUSED', `This widget session may connect ${principal.hostname}${principal.includeSubdomains ? ' and names under it' : ''} only.`, {
            hostname,
            allowed: principal.hostname,
            includeSubdomains: principal.includeSubdomains,
          });
        }
      }
      const result = await route.handler(input);
      ctx.status = route.status ?? (result === undefined ? 204 : 200);
      if (result !== undefined) ctx.body = route.response ? route.response.parse(result) : result;
      // An answer without a body has none (Koa would otherwise send the status text, e.g. "Accepted", as plain text).
      else if (ctx.status !== 204 && ctx.body === undefined) ctx.body = '';
    });
  }
}

/**
 * Where a string (a value or an object key) holding U+0000 is, as a dotted path (`''` for the value itself), or
 * undefined. PostgreSQL text and jsonb cannot hold NUL, and no field of the API means one. Iterative: a deeply
 * nested body cannot exhaust the stack.
 */
function nulPath(value: unknown): string | undefined {
  interface Node {
    value: unknown;
    key?: string;
    parent?: Node;
  }
  const pathOf = (node: Node | undefined, last?: string): string => {
    const keys = last === undefined ? [] : [last];
    for (let at = node; at?.key !== undefined; at = at.parent) keys.unshift(at.key);
    return keys.join('.');
  };
  const pending: Node[] = [{ value }];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (typeof node.value === 'string') {
      if (node.value.includes('\u0000')) return pathOf(node);
    } else if (node.value !== null && typeof node.value === 'object') {
      for (const [key, inner] of Object.entries(node.value)) {
        if (key.includes('\u0000')) return pathOf(node, key.replaceAll('\u0000', '\\u0000'));
        pending.push({ value: inner, key, parent: node });
      }
    }
  }
  return undefined;
}

function parsePart(part: string, schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  const nul = nulPath(value);
  if (nul !== undefined) {
    const message = 'must not contain the NUL character (U+0000)';
    throw new AppError('VALIDATION_FAILED', `Invalid ${part}: ${nul || part} ${message}`, { issues: [{ in: part, path: nul, message }] });
  }
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (parsed.success) return parsed.data;
  throw new AppError('VALIDATION_FAILED', `Invalid ${part}: ${parsed.error.issues[0]?.path.join('.') || part} ${parsed.error.issues[0]?.message ?? ''}`.trim(), {
    issues: parsed.error.issues.map((i) => ({ in: part, path: i.path.join('.'), message: i.message })),
  });
}
