import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QUEUES } from './queues.ts';

// Where the contract and the architecture page say which job calls a hook, they name real queues.
const FILES = ['../../../kernel/src/hooks.ts', '../../../../docs/architecture.md'];

describe('queue names in the docs', () => {
  it.each(FILES)('%s names only queues that exist', (file) => {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8').replace(/\n\s*\*?\s*/g, ' ');
    const named = [...text.matchAll(/`([a-z-]+\.[a-z-]+)` jobs?\b/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !(name in QUEUES))).toEqual([]);
  });
});
