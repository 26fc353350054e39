/**
 * Internationalised hostnames: the API stores them in their ASCII (punycode) form, `xn--bcher-kva.example`; the
 * console shows the Unicode form beside it, `bücher.example`. Decoding follows RFC 3492; a label that does not
 * decode is shown as it is.
 */
const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

function digit(code: number): number {
  if (code >= 48 && code <= 57) return code - 22; // 0-9 → 26-35
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 97; // a-z
  return BASE;
}

/** The Unicode text of a punycode label (without `xn--`); throws when it is not valid punycode. */
export function decodePunycode(input: string): string {
  const output: number[] = [];
  const basic = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(basic, 0); j++) {
    if (input.charCodeAt(j) >= 0x80) throw new RangeError('not basic');
    output.push(input.charCodeAt(j));
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length; ) {
    const oldi = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (index >= input.length) throw new RangeError('truncated');
      const d = digit(input.charCodeAt(index++));
      if (d >= BASE) throw new RangeError('bad digit');
      i += d * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (d < t) break;
      w *= BASE - t;
      if (!Number.isSafeInteger(i) || !Number.isSafeInteger(w)) throw new RangeError('overflow');
    }
    const points = output.length + 1;
    bias = adapt(i - oldi, points, oldi === 0);
    n += Math.floor(i / points);
    i %= points;
    if (n > 0x10ffff) throw new RangeError('out of range');
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** The Unicode form of a hostname, or null when it has no punycode label (nothing else to show). */
export function unicodeHostname(hostname: string): string | null {
  if (!/(^|\.)xn--/i.test(hostname)) return null;
  const labels = hostname.split('.').map((label) => {
    if (!/^xn--/i.test(label)) return label;
    try {
      return decodePunycode(label.slice(4).toLowerCase());
    } catch {
      return label;
    }
  });
  const unicode = labels.join('.');
  return unicode === hostname ? null : unicode;
}
