import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EDGE_FIXTURE_ROUTES } from './conformance/edge-fixture.ts';
import { emitYaml } from './yaml-emit.ts';

// Strings that some YAML reader would take for something else if written plain.
const TRICKY = [
  '', ' ', ' lead', 'trail ', 'yes', 'No', 'ON', 'off', 'y', 'n', 'null', '~', 'true', 'False', '.inf', '-.inf', '.nan',
  '10', '-1', '+1', '.5', '1e3', '0x1f', '0o17', '10.0.0.7', '12:30', '1_000', '- a', '-a', '? q', ':x', 'a: b', 'a:', 'a #b', '#c',
  '&anchor', '*alias', '!tag', '|', '>', "'q'", '"q"', '%YAML', '@x', '`x`', '[a]', '{a}', ',', 'a,b', 'tab\there', 'bell\u0007',
  'line\nbreak', 'two\n\n', 'ends\n', 'no-end\nx', '\nleading-newline', '\n  indented-first', 'a\n  b', 'cr\r\nlf', '\u2028', 'é ü 中文', '${1}',
  '^/?(.*)$', 'Host(`a.test`) && !Host(`b.test`)', 'http://portico:4000', '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n',
];

/** A small seeded generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

// Characters that decide quoting (indicators, spaces, breaks, digits, controls, non-ASCII) and ordinary ones.
const ALPHABET = [...'abcXYZ019_-./:# ?,[]{}&*!|>\'"%@`~+=$^()\\\t\n\r'].concat(['\u0000', '\u0007', '\u0085', '\u00a0', '\u2028', '\ufeff', 'é', '中', '😀']);

function randomString(next: () => number): string {
  if (next() < 0.3) return TRICKY[Math.floor(next() * TRICKY.length)]!;
  let text = '';
  for (let i = Math.floor(next() * 8); i > 0; i--) text += ALPHABET[Math.floor(next() * ALPHABET.length)]!;
  return text;
}

function randomValue(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 0 && pick < 0.25) return Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.1 ? undefined : randomValue(next, depth - 1)));
  if (depth > 0 && pick < 0.5) {
    const map: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 4); i > 0; i--) map[randomString(next)] = next() < 0.1 ? undefined : randomValue(next, depth - 1);
    return map;
  }
  if (pick < 0.75) return randomString(next);
  if (pick < 0.85) return [0, -1, 42, 2.5, -0.125, 1e21, 123456789012, -0][Math.floor(next() * 8)];
  if (pick < 0.95) return [true, false, null][Math.floor(next() * 3)];
  return new Date(Date.UTC(2026, 0, 1 + Math.floor(next() * 365)));
}

/** What a reader must get back: `undefined` members and items left out, dates as ISO strings, `-0` as `0`. */
function asRead(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(asRead);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, asRead(v)]));
  return Object.is(value, -0) ? 0 : value;
}

describe('emitYaml', () => {
  it('gives text a YAML 1.2 reader reads back as the value (random values, a seed per case)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed);
      const value = next() < 0.8 ? randomValue(next, 4) : [randomValue(next, 3)];
      if (value === null || typeof value !== 'object' || value instanceof Date) continue;
      const sortKeys = next() < 0.8;
      expect(parse(emitYaml(value, { sortKeys })), `seed ${seed}`).toEqual(asRead(value));
    }
  });

  it('writes every tricky string so that a YAML reader reads it back unchanged', () => {
    for (const text of TRICKY) {
      expect(parse(emitYaml({ value: text })), JSON.stringify(text)).toEqual({ value: text });
      expect(parse(emitYaml({ list: [text, { [text || 'k']: text }] })), JSON.stringify(text)).toEqual({ list: [text, { [text || 'k']: text }] });
      if (text !== '') expect(parse(emitYaml({ [text]: 1 })), `key ${JSON.stringify(text)}`).toEqual({ [text]: 1 });
    }
  });

  it('round-trips nested mappings, sequences, empty collections, numbers, booleans and nulls, keys sorted', () => {
    const value = { b: [1, 2.5, -3, true, null, [], {}, [[1, 2], []], [{ x: 1, y: [{ z: 'q' }] }]], a: { nested: { deeper: {} }, list: [] }, c: { skipped: undefined, kept: 0 } };
    const text = emitYaml(value);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(text.indexOf('a:')).toBeLessThan(text.indexOf('b:'));
    expect(emitYaml(value)).toBe(text);
    expect(parse(emitYaml(EDGE_FIXTURE_ROUTES))).toEqual(JSON.parse(JSON.stringify(EDGE_FIXTURE_ROUTES)));
  });

  it('indents a value to sit under a parent written elsewhere, and keeps plain what needs no quotes', () => {
    expect(emitYaml({ name: { rule: 'Host(`a.test`)', priority: 2, entryPoints: ['web'] } }, { indent: 4 })).toBe(
      '    name:\n      entryPoints:\n        - web\n      priority: 2\n      rule: Host(`a.test`)\n',
    );
    expect(emitYaml({ pem: 'a\nb\n' })).toBe('pem: |\n  a\n  b\n');
    expect(emitYaml({})).toBe('{}\n');
  });
});
