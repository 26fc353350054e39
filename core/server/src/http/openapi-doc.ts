import { readFileSync } from 'node:fs';
import { ROUTES } from '../api/routes.ts';
import { buildOpenApi } from './openapi.ts';

const serverPackage = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * The committed OpenAPI document (docs/reference/openapi.json): the same document `GET /v1/openapi.json` serves,
 * without a server URL, as stable JSON. The console's typed client is generated from it.
 */
export function renderOpenApiDoc(): string {
  return `${JSON.stringify(buildOpenApi(ROUTES, { version: serverPackage.version }), null, 2)}\n`;
}
