import { ERROR_CODES } from './registry.ts';

/** docs/reference/errors.md, rendered from the registry (`npm run docs:generate` writes it; a test compares). */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, { status, description }]) => `| \`${code}\` | ${status} | ${description} |`);
  return [
    '# Error codes',
    '',
    'Every error response has the body `{ "error": { "code", "message", "details"? } }`. Clients branch on `code`,',
    'never on `message` (its wording may change). Codes are never reused or renamed. This page is generated from',
    'the error registry (`core/server/src/errors/registry.ts`, which includes the kernel’s codes) by',
    '`npm run docs:generate`; a test fails when the two differ.',
    '',
    '| code | HTTP status | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
