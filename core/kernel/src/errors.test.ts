import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNEL_ERROR_CODES, KernelError, isKernelError } from './errors.ts';

describe('KERNEL_ERROR_CODES', () => {
  it('maps registration errors to 500, unknown keys to 400, no detection to 404, no answer to 502', () => {
    const statuses = Object.fromEntries(Object.entries(KERNEL_ERROR_CODES).map(([code, { status }]) => [code, status]));
    expect(statuses).toEqual({
      PLUGIN_MALFORMED: 500,
      PLUGIN_ID_INVALID: 500,
      PLUGIN_DUPLICATE: 500,
      PLUGIN_KERNEL_INCOMPATIBLE: 500,
      PLUGIN_DEPENDENCY_MISSING: 500,
      PLUGIN_OPTIONS_INVALID: 500,
      PLUGIN_APPLY_TIMEOUT: 500,
      PLUGIN_API_INCOMPATIBLE: 500,
      PLUGIN_APPLY_FAILED: 500,
      VERIFY_METHOD_UNKNOWN: 400,
      DNS_PROVIDER_UNKNOWN: 400,
      DNS_PROVIDER_NO_API: 400,
      DNS_CREDENTIALS_INVALID: 400,
      EDGE_UNKNOWN: 400,
      EDGE_TARGET_INVALID: 400,
      EDGE_NOT_DELIVERED: 502,
      EDGE_NOT_SERVED: 404,
      PROVIDER_NOT_DETECTED: 404,
      NO_CERT_ISSUER: 502,
      HOOK_NO_ANSWER: 502,
    });
  });

  it('describes each code in one sentence', () => {
    for (const { description } of Object.values(KERNEL_ERROR_CODES)) {
      expect(description).toMatch(/^[A-Z].*\.$/);
      expect(description).not.toMatch(/\.\s/);
    }
  });

  it('lists exactly the codes the kernel source raises', () => {
    const dir = new URL('.', import.meta.url);
    const source = readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'errors.ts')
      .map((file) => readFileSync(new URL(file, dir), 'utf8'))
      .join('\n');
    const raised = new Set([...source.matchAll(/KernelError\(\s*'([A-Z_]+)'/g)].map((m) => m[1]));
    raised.add('PLUGIN_MALFORMED'); // raised through checks.ts's malformed() helper
    expect([...raised].sort()).toEqual(Object.keys(KERNEL_ERROR_CODES).sort());
  });
});

describe('KernelError', () => {
  it('carries code, details and cause', () => {
    const cause = new Error('inner');
    const error = new KernelError('HOOK_NO_ANSWER', 'nothing', { details: { hook: 'verify' }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'KernelError', code: 'HOOK_NO_ANSWER', message: 'nothing', details: { hook: 'verify' }, cause });
    expect(isKernelError(error, 'HOOK_NO_ANSWER')).toBe(true);
    expect(isKernelError(error, 'EDGE_UNKNOWN')).toBe(false);
    expect('details' in new KernelError('EDGE_UNKNOWN', 'x')).toBe(false);
  });
});
