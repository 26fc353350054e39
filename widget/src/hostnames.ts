/** Hostnames as people read them: the API stores A-labels (`xn--…`); the widget shows Unicode. */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;

function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / points);
  let k = 0;
  while (delta > ((BASE - T_MIN) * T_MAX) >> 1) {
    delta = Math.floor(delta / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * delta) / (delta + SKEW));
}

function digit(code: number): number {
  if (code >= 48 && code < 58) return code - 22; // 0-9 → 26-35
  if (code >= 65 && code < 91) return code - 65; // A-Z
  if (code >= 97 && code < 123) return code - 97; // a-z
  return BASE;
}

/** RFC 3492 decoding of one label's Punycode part; throws on malformed input. */
export function decodePunycode(input: string): string {
  const output: number[] = [];
  const basic = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(basic, 0); j++) output.push(input.charCodeAt(j));
  let n = 128;
  let bias = 72;
  let i = 0;
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length; ) {
    const oldi = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (index >= input.length) throw new RangeError('punycode: truncated');
      const d = digit(input.charCodeAt(index++));
      if (d >= BASE) throw new RangeError('punycode: bad digit');
      i += d * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (d < t) break;
      w *= BASE - t;
    }
    bias = adapt(i - oldi, output.length + 1, oldi === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** `xn--mnchen-3ya.example` → `münchen.example`; labels that do not decode are kept as they are. */
export function toUnicode(hostname: string): string {
  return hostname
    .split('.')
    .map((label) => {
      if (!/^xn--/i.test(label)) return label;
      try {
        return decodePunycode(label.slice(4).toLowerCase());
      } catch {
        return label;
      }
    })
    .join('.');
}

/** A record's host as a DNS panel wants it: relative to the zone, `@` for the zone apex. */
export function relativeHost(name: string, zone: string | null): string {
  const fqdn = name.replace(/\.$/, '').toLowerCase();
  const apex = zone?.replace(/\.$/, '').toLowerCase();
  if (!apex) return fqdn;
  if (fqdn === apex) return '@';
  return fqdn.endsWith(`.${apex}`) ? fqdn.slice(0, -(apex.length + 1)) : fqdn;
}
