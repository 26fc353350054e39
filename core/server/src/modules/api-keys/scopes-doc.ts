import { ROUTES } from '../../api/routes.ts';
import { toOpenApiPath, type AnyRoute } from '../../http/route.ts';
import { API_KEY_SCOPES } from './service.ts';

const line = (route: AnyRoute) => `- \`${route.method.toUpperCase()} ${toOpenApiPath(route.path)}\` — ${route.summary}`;
const byPath = (a: AnyRoute, b: AnyRoute) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method);

/**
 * docs/reference/api-keys.md, rendered from `API_KEY_SCOPES` and the route definitions (`npm run docs:generate`
 * writes it; a test compares): what each scope lets a key call, what any key may call, and what no key may.
 */
export function renderApiKeyScopesDoc(): string {
  const keyed = ROUTES.filter((route) => route.auth === 'principal');
  const sections = API_KEY_SCOPES.flatMap((scope) => [`### \`${scope}\``, '', ...keyed.filter((route) => route.scope === scope).sort(byPath).map(line), '']);
  const unscoped = keyed.filter((route) => route.scope === undefined).sort(byPath).map(line);
  const sessionOnly = ROUTES.filter((route) => route.auth === 'session').sort(byPath).map(line);
  return [
    '# API keys and their scopes',
    '',
    'An API key (`Authorization: Bearer pk_<prefix>_<secret>`) belongs to one organization, optionally to one of its',
    'projects, and carries scopes: each route a key may call names the one scope it needs, and a key without it gets',
    '403 `API_KEY_SCOPE_MISSING`. Scopes add to what the key may reach, never beyond its organization (or its project:',
    'a project-bound key gets 404 for the others). Keys are created and revoked from a console session',
    '(`POST /v1/organizations/{organizationId}/api-keys`), shown once, and take effect at once when revoked. This page',
    'is generated from `API_KEY_SCOPES` (`core/server/src/modules/api-keys/service.ts`) and the route definitions by',
    '`npm run docs:generate`; a test fails when they differ. The OpenAPI document lists the same scope on each',
    "operation's `apiKey` security requirement.",
    '',
    '## Scopes',
    '',
    ...sections,
    '## Any key, whatever its scopes',
    '',
    ...unscoped,
    '',
    '## A console session only (no key)',
    '',
    ...sessionOnly,
    '',
  ].join('\n');
}
