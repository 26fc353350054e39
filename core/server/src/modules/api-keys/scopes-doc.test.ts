import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderApiKeyScopesDoc } from './scopes-doc.ts';
import { API_KEY_SCOPES } from './service.ts';

describe('docs/reference/api-keys.md', () => {
  it('is exactly what the scopes and routes say (run `npm run docs:generate` after changing either)', () => {
    expect(readFileSync(new URL('../../../../../docs/reference/api-keys.md', import.meta.url), 'utf8')).toBe(renderApiKeyScopesDoc());
  });

  it('lists at least one route for every scope', () => {
    const doc = renderApiKeyScopesDoc();
    for (const scope of API_KEY_SCOPES) expect(doc.split(`### \`${scope}\`\n\n`)[1]?.startsWith('- `'), scope).toBe(true);
  });
});
