/**
 * YAML for edge configurations, written straight from JSON-like values: block style, two-space indent, sequences
 * indented under their key, keys sorted (by default) so equal values give equal bytes. An order of magnitude
 * faster than a general YAML library on large configurations (perf/README.md), and what every edge plugin emits.
 *
 * Rules that keep the text unambiguous for YAML 1.1 and 1.2 readers (Traefik, Kubernetes, Argo CD, kubectl):
 * a string is written plain only when no reader could take it for anything else — not empty, no leading or trailing
 * space, no indicator first, no `: ` or ` #`, no control character, not a word some reader takes for a boolean or
 * null (`yes`, `off`, `~`…), not starting like a number; otherwise it is double-quoted (JSON's escapes are YAML's).
 * A multi-line string is a literal block (`|`, `|-` or `|+` by its trailing newlines), so PEM blocks stay readable
 * and `redactPrivateKeys` finds them. `undefined` members are left out, as in JSON.
 */

export interface EmitYamlOptions {
  /** Sort mapping keys at every level (default true). */
  sortKeys?: boolean;
  /** Spaces before every line (default 0): a value emitted to sit under a parent written elsewhere. */
  indent?: number;
}

const SPECIAL_WORD = /^(?:true|false|yes|no|on|off|y|n|null|~|\.inf|[-+]\.inf|\.nan)$/i;
const INDICATOR_FIRST = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
const NUMBER_LIKE = /^[-+]?\.?\d/;
// Control characters are exactly what this pattern finds: a plain or literal scalar must not hold any.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function plain(text: string): boolean {
  return (
    text.length > 0 &&
    !INDICATOR_FIRST.test(text) &&
    !NUMBER_LIKE.test(text) &&
    !SPECIAL_WORD.test(text) &&
    !/\s$/.test(text) &&
    !text.includes(': ') &&
    !text.endsWith(':') &&
    !text.includes(' #') &&
    !CONTROL.test(text)
  );
}

/** A literal block fits: lines of printable text, the first not starting with a space. */
function literal(text: string): boolean {
  return text.includes('\n') && !/^\n*[ \t]/.test(text) && !CONTROL.test(text.replaceAll('\n', ''));
}

function scalar(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = String(value);
  return plain(text) ? text : JSON.stringify(text);
}

function block(text: string, pad: string): string {
  const body = text.replace(/\n+$/, '');
  const trailing = text.length - body.length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const lines = (trailing > 1 ? text.slice(0, -1) : body).split('\n').map((line) => (line === '' ? '' : `${pad}${line}`));
  return `|${chomp}\n${lines.join('\n')}`;
}

const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

/** `value` as YAML lines, each starting with `indent` spaces; a scalar value is one line without its key. */
function lines(value: unknown, indent: number, sortKeys: boolean, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined) continue;
      if (isMap(item) && Object.values(item).some((v) => v !== undefined)) {
        const start = out.length;
        lines(item, indent + 2, sortKeys, out);
        out[start] = `${pad}- ${out[start]!.slice(indent + 2)}`;
      } else if (Array.isArray(item) && item.length > 0) {
        out.push(`${pad}-`);
        lines(item, indent + 2, sortKeys, out);
      } else out.push(`${pad}- ${inline(item, indent + 2)}`);
    }
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, child] of entries) {
    const name = scalar(key);
    if (isMap(child) && Object.values(child).some((v) => v !== undefined)) {
      out.push(`${pad}${name}:`);
      lines(child, indent + 2, sortKeys, out);
    } else if (Array.isArray(child) && child.some((v) => v !== undefined)) {
      out.push(`${pad}${name}:`);
      lines(child, indent + 2, sortKeys, out);
    } else out.push(`${pad}${name}: ${inline(child, indent + 2)}`);
  }
}

/** A value that fits after `key: ` or `- `: a scalar, an empty collection, or a literal block. */
function inline(value: unknown, indent: number): string {
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'string' && literal(value)) return block(value, ' '.repeat(indent));
  return scalar(value);
}

/** `value` (a mapping or a sequence of JSON-like values) as YAML text ending in a newline. */
export function emitYaml(value: unknown, options: EmitYamlOptions = {}): string {
  const indent = options.indent ?? 0;
  if (!isMap(value) && !Array.isArray(value)) return `${' '.repeat(indent)}${inline(value, indent)}\n`;
  const out: string[] = [];
  lines(value, indent, options.sortKeys ?? true, out);
  return out.length === 0 ? `${' '.repeat(indent)}${Array.isArray(value) ? '[]' : '{}'}\n` : `${out.join('\n')}\n`;
}
