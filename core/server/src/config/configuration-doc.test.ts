import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configSchema } from './schema.ts';

// docs/reference/configuration.md is written for people (defaults explained, links), so it is not generated; this
// keeps it and the schema saying the same fields: every field of the schema is documented (itself, or an object
// above it that the table describes whole), and every field the table names exists.

const DOC = new URL('../../../../docs/reference/configuration.md', import.meta.url);

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every path of the schema (`http.port`, `edges[].probe.connect`), objects included, and which are leaves. */
function schemaPaths(schema: z.ZodType, path = '', out = new Map<string, boolean>()): Map<string, boolean> {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return schemaPaths(def.innerType!, path, out);
    case 'pipe':
      return schemaPaths(def.in!, path, out);
    case 'array':
      if (path) out.set(`${path}[]`, false);
      return schemaPaths(def.element!, `${path}[]`, out);
    case 'object':
      if (path) out.set(path, false);
      for (const [key, value] of Object.entries(def.shape!)) schemaPaths(value, path ? `${path}.${key}` : key, out);
      return out;
    default:
      out.set(path, true);
      return out;
  }
}

/**
 * The fields the table's first column names: `a.b`, several separated by commas, `.c` short for a sibling of the
 * field before it (`onDemandTls.perWildcard`, `.perWildcardWindowHours`).
 */
function documentedPaths(markdown: string): string[] {
  const section = markdown.slice(0, markdown.indexOf('| variable |'));
  const out: string[] = [];
  for (const line of section.split('\n')) {
    const cell = /^\| ((?:`[^`]+`(?:, )?)+) \|/.exec(line)?.[1];
    if (!cell) continue;
    let last = '';
    for (const [, name] of cell.matchAll(/`([^`]+)`/g)) {
      const path = name!.startsWith('.') ? `${last.slice(0, last.lastIndexOf('.'))}${name}` : name!;
      out.push(path);
      last = path;
    }
  }
  return out;
}

describe('docs/reference/configuration.md', () => {
  const paths = schemaPaths(configSchema);
  const documented = documentedPaths(readFileSync(DOC, 'utf8'));
  const normalise = (path: string) => path.replace(/\[\]$/, '');

  it('reads a table of fields', () => {
    expect(documented.length).toBeGreaterThan(50);
  });

  it('names only fields the schema has', () => {
    const known = new Set([...paths.keys()].flatMap((path) => [path, normalise(path)]));
    expect(documented.filter((path) => !known.has(path) && !known.has(normalise(path)))).toEqual([]);
  });

  it('documents every field of the schema, itself or an object above it', () => {
    const covered = (path: string) => {
      for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
        if (documented.includes(p) || documented.includes(normalise(p)) || documented.includes(`${normalise(p)}[]`)) return true;
      }
      return false;
    };
    const leaves = [...paths].filter(([, leaf]) => leaf).map(([path]) => path);
    expect(leaves.filter((path) => !covered(path))).toEqual([]);
  });
});
