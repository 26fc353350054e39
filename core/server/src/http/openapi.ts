import { createDocument } from 'zod-openapi';
import { ERROR_CODES } from '../errors/registry.ts';
import { z } from 'zod';
import { isWidgetRoute, toOpenApiPath, type AnyRoute } from './route.ts';

const errorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [string, ...string[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

/**
 * Who may call a route: an API key with the scope the route needs (listed on `apiKey`); widget routes list the
 * widget token (`x-portico-widget: true` marks them too).
 */
function securityOf(route: AnyRoute): Array<Record<string, string[]>> {
  if (route.auth === 'public') return [];
  if (route.auth === 'session') return [{ session: [] }];
  if (route.auth === 'widget') return [{ widgetToken: [] }];
  return [{ session: [] }, { apiKey: route.scope ? [route.scope] : [] }, ...(isWidgetRoute(route) ? [{ widgetToken: [] }] : [])];
}

/** The OpenAPI 3.1 document, generated from the same route definitions the router mounts. */
export function buildOpenApi(routes: AnyRoute[], info: { version: string; serverUrl?: string }): ReturnType<typeof createDocument> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const status = String(route.status ?? (route.response ? 200 : 204));
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      security: securityOf(route),
      ...(isWidgetRoute(route) ? { 'x-portico-widget': true } : {}),
      ...(route.params || route.query
        ? { requestParams: { ...(route.params ? { path: route.params } : {}), ...(route.query ? { query: route.query } : {}) } }
        : {}),
      ...(route.body ? { requestBody: { content: { 'application/json': { schema: route.body } } } } : {}),
      responses: {
        [status]: {
          description: route.responseDescription ?? 'Success',
          ...(route.response ? { content: { 'application/json': { schema: route.response } } } : {}),
          ...(!route.response && route.responseContentType ? { content: { [route.responseContentType]: { schema: z.string() } } } : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: errorBody } } },
      },
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: { title: 'Portico API', version: info.version },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'portico_session' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer pk_…`' },
        widgetToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A widget token (`Authorization: Bearer wt_…`, from POST /v1/widget-tokens), sent from a page of one of its project’s allowed origins. Only operations marked `x-portico-widget` accept it.',
        },
      },
    },
    paths: paths as never,
  });
}
