import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x.yaml', 'a\n', 'a\n')).toBe('');
    expect(unifiedDiff('x.yaml', undefined, undefined)).toBe('');
  });

  it('shows a changed line with context', () => {
    expect(unifiedDiff('x.yaml', 'a\nb\nc\n', 'a\nB\nc\n')).toBe('--- a/x.yaml\n+++ b/x.yaml\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  });

  it('shows added and removed files against /dev/null', () => {
    expect(unifiedDiff('x.yaml', undefined, 'a\n')).toBe('--- /dev/null\n+++ b/x.yaml\n@@ -0,0 +1,1 @@\n+a\n');
    expect(unifiedDiff('x.yaml', 'a\n', undefined)).toBe('--- a/x.yaml\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('x.yaml', 'a\nb\n', 'a\nc')).toContain('\\ No newline at end of file\n');
  });

  it('keeps hunks small in a large file', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);
    const changed = lines.map((l, i) => (i === 5000 ? 'changed' : l));
    const diff = unifiedDiff('big.yaml', `${lines.join('\n')}\n`, `${changed.join('\n')}\n`);
    expect(diff.split('\n').filter((l) => l.startsWith('-') || l.startsWith('+'))).toEqual(['--- a/big.yaml', '+++ b/big.yaml', '-line 5000', '+changed']);
  });
});
