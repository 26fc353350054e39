import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from './errors-doc.ts';
import { ERROR_CODES, statusOf } from './registry.ts';

describe('error registry', () => {
  it('is documented exactly in docs/reference/errors.md (run `npm run docs:generate` after changing it)', () => {
    const doc = readFileSync(new URL('../../../../docs/reference/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc());
  });

  it('maps every code to an HTTP error status', () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(statusOf(code)).toBe(status);
    }
  });
});
