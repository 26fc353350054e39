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
// Control characters are exactly what this pattern finds: a plain or literal scalar must not hold any.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** What may not start a plain scalar: YAML's indicators and `\s`. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

/** Exactly the characters of a regular expression's `\s`. */
function isSpace(c: number): boolean {
  return (
    c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

const isControl = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Most names, hostnames and paths: nothing in them a reader could take for an indicator or a number. */
const SIMPLE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

/** Whether `text` can be written plain (the rules above): the common shape by one pattern, the rest in one pass. */
function plain(text: string): boolean {
  if (SIMPLE.test(text)) return !(text.length <= 5 && SPECIAL_WORD.test(text));
  const length = text.length;
  if (length === 0) return false;
  const first = text.charCodeAt(0);
  if (INDICATORS.has(first) || isSpace(first) || isDigit(first)) return false;
  // Starting like a number: `+1`, `+.5`, `.5` (a digit or `-` first is refused above).
  if (first === 0x2b || first === 0x2e) {
    const next = length > 1 ? text.charCodeAt(1) : -1;
    if (isDigit(next) || (first === 0x2b && next === 0x2e && length > 2 && isDigit(text.charCodeAt(2)))) return false;
  }
  if (length <= 5 && SPECIAL_WORD.test(text)) return false;
  const last = text.charCodeAt(length - 1);
  if (isSpace(last) || last === 0x3a) return false;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x7f ? c <= 0x1f : isControl(c)) return false;
    if (c === 0x3a ? text.charCodeAt(i + 1) === 0x20 : c === 0x20 && text.charCodeAt(i + 1) === 0x23) return false;
  }
  return true;
}

/** A literal block fits: lines of printable text, the first not starting with a space. */
function literal(text: string): boolean {
  return text.includes('\n') && !/^\n*[ \t]/.test(text) && !CONTROL.test(text.replaceAll('\n', ''));
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return plain(value) ? value : JSON.stringify(value);
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

const PADS: string[] = [];
const padOf = (indent: number) => (PADS[indent] ??= ' '.repeat(indent));

/** Whether a mapping has a member that is not `undefined` (it is written as lines, not `{}`). */
function hasMembers(value: Record<string, unknown>): boolean {
  for (const key in value) if (Object.hasOwn(value, key) && value[key] !== undefined) return true;
  return false;
}

function hasItems(value: readonly unknown[]): boolean {
  for (const item of value) if (item !== undefined) return true;
  return false;
}

function sortedKeys(value: Record<string, unknown>, sortKeys: boolean): string[] {
  const keys = Object.keys(value);
  if (!sortKeys) return keys;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return keys;
}

/**
 * `value` as YAML lines pushed onto `out` piece by piece (joined once at the end: no string per line), each line
 * ending in a newline and starting with `indent` spaces, except the first, which starts with `first` (a sequence
 * item's `- `); a scalar value is one line without its key.
 */
function lines(value: unknown, indent: number, first: string, sortKeys: boolean, out: string[]): void {
  const pad = padOf(indent);
  let lead = first;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined) continue;
      if (isMap(item) && hasMembers(item)) lines(item, indent + 2, lead + '- ', sortKeys, out);
      else if (Array.isArray(item) && hasItems(item)) {
        out.push(lead, '-\n');
        lines(item, indent + 2, padOf(indent + 2), sortKeys, out);
      } else out.push(lead, '- ', inline(item, indent + 2), '\n');
      lead = pad;
    }
    return;
  }
  const map = value as Record<string, unknown>;
  for (const key of sortedKeys(map, sortKeys)) {
    const child = map[key];
    if (child === undefined) continue;
    const name = scalar(key);
    if (isMap(child) ? hasMembers(child) : Array.isArray(child) && hasItems(child)) {
      out.push(lead, name, ':\n');
      lines(child, indent + 2, padOf(indent + 2), sortKeys, out);
    } else out.push(lead, name, ': ', inline(child, indent + 2), '\n');
    lead = pad;
  }
}

/** A value that fits after `key: ` or `- `: a scalar, an empty collection, or a literal block. */
function inline(value: unknown, indent: number): string {
  if (typeof value === 'string') return value.includes('\n') && literal(value) ? block(value, padOf(indent)) : scalar(value);
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  return scalar(value);
}

/** `value` (a mapping or a sequence of JSON-like values) as YAML text ending in a newline. */
export function emitYaml(value: unknown, options: EmitYamlOptions = {}): string {
  const indent = options.indent ?? 0;
  const pad = padOf(indent);
  if (!isMap(value) && !Array.isArray(value)) return `${pad}${inline(value, indent)}\n`;
  const out: string[] = [];
  lines(value, indent, pad, options.sortKeys ?? true, out);
  return out.length === 0 ? `${pad}${Array.isArray(value) ? '[]' : '{}'}\n` : out.join('');
}
