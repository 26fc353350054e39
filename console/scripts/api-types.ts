/**
 * Generates the console's API types from the committed OpenAPI document:
 *
 *   docs/reference/openapi.json → console/src/api/schema.d.ts   (openapi-typescript: paths, components)
 *
 *   npm run -w @portico/console api:types
 *
 * A test (src/api/schema.test.ts) fails when the file is not what this script writes, so the types never drift from
 * the server. Run `npm run docs:generate` first when a route changed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const OPENAPI_DOC = fileURLToPath(new URL('../../docs/reference/openapi.json', import.meta.url));
export const SCHEMA_FILE = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));

const HEADER = '// Generated from docs/reference/openapi.json by console/scripts/api-types.ts; do not edit.\n/* eslint-disable */\n';

/** The text of schema.d.ts for the document as it is now. */
export async function renderApiTypes(): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const document = JSON.parse(await readFile(OPENAPI_DOC, 'utf8')) as Record<string, unknown>;
  const ast = await openapiTS(document as never, { alphabetize: true, defaultNonNullable: true });
  return HEADER + astToString(ast);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(SCHEMA_FILE, await renderApiTypes());
  console.log(`wrote ${SCHEMA_FILE}`);
}
