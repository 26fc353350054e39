import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderProviderMatrixDoc, repositoryProviders } from './provider-matrix-doc.ts';

describe('docs/reference/dns-providers.md', () => {
  it('is exactly what the providers describe (run `npm run docs:generate` after changing a provider)', async () => {
    expect(readFileSync(new URL('../../../../../docs/reference/dns-providers.md', import.meta.url), 'utf8')).toBe(renderProviderMatrixDoc(await repositoryProviders()));
  });

  it('has a row for every DNS provider plugin folder', async () => {
    const folders = readdirSync(new URL('../../../../../plugins/', import.meta.url)).filter((name) => name.startsWith('dns-'));
    const rows = await repositoryProviders();
    expect([...new Set(rows.map((row) => row.folder))].sort()).toEqual(folders.sort());
    for (const row of rows.filter((r) => r.provider.setup === 'api')) expect(row.provider.permissions?.length, `${row.folder}: a credential's permissions`).toBeGreaterThan(0);
  });
});
