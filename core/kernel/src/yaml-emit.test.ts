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

describe('emitYaml', () => {
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
