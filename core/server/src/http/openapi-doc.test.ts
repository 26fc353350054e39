import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApiDoc } from './openapi-doc.ts';

describe('committed OpenAPI document', () => {
  it('is exactly what the routes describe (run `npm run docs:generate` after changing a route)', () => {
    const doc = readFileSync(new URL('../../../../docs/reference/openapi.json', import.meta.url), 'utf8');
    expect(doc).toBe(renderOpenApiDoc());
  });
});
