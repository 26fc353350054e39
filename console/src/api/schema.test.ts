// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderApiTypes, SCHEMA_FILE } from '../../scripts/api-types';

describe('generated API types', () => {
  it('are what openapi-typescript makes of docs/reference/openapi.json (run `npm run -w @portico/console api:types`)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await renderApiTypes());
  });
});
