import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOSTNAME_REASONS, isApex, normalizeHostname, registrableDomain, type HostnameReason } from './hostname.ts';

/** Corpus lines: comments start with #; each entry is two JSON-ish tokens (a bare reason or a JSON string, then a JSON string). */
function corpus(name: string): Array<[string, string]> {
  const text = readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+|"(?:[^"\\]|\\.)*")\s+("(?:[^"\\]|\\.)*")$/.exec(line);
      if (!match) throw new Error(`${name}: cannot read line ${JSON.stringify(line)}`);
      const first = match[1]!.startsWith('"') ? (JSON.parse(match[1]!) as string) : match[1]!;
      return [first, JSON.parse(match[2]!) as string];
    });
}

const bad = corpus('bad-hostnames.txt') as Array<[HostnameReason, string]>;
const good = corpus('good-hostnames.txt');

function reasonOf(input: string, options?: { allowWildcard?: boolean }): unknown {
  try {
    normalizeHostname(input, options);
  } catch (error) {
    expect(error).toMatchObject({ code: 'HOSTNAME_INVALID', details: { hostname: input } });
    return (error as { details: { reason: string } }).details.reason;
  }
  return 'accepted';
}

describe('normalizeHostname: bad corpus', () => {
  it('is large and covers every reason code', () => {
    expect(bad.length).toBeGreaterThanOrEqual(60);
    expect(new Set(bad.map(([reason]) => reason))).toEqual(new Set(HOSTNAME_REASONS));
  });

  it.each(bad.map(([reason, input]) => [JSON.stringify(input), reason, input] as const))('refuses %s (%s)', (_, reason, input) => {
    expect(reasonOf(input)).toBe(reason);
  });

  it('refuses every entry but the well-formed wildcards when wildcards are allowed', () => {
    for (const [reason, input] of bad) {
      if (reason === 'wildcard_not_allowed') expect(normalizeHostname(input, { allowWildcard: true })).toBe(input.toLowerCase());
      else expect(reasonOf(input, { allowWildcard: true }), JSON.stringify(input)).toBe(reason);
    }
  });
});

describe('normalizeHostname: good corpus', () => {
  it('has the IDN, case, trailing-dot and private-suffix cases', () => {
    expect(good.length).toBeGreaterThanOrEqual(20);
    expect(good).toContainEqual(['bücher.example', 'xn--bcher-kva.example']);
    expect(good).toContainEqual(['foo.github.io', 'foo.github.io']);
  });

  it.each(good)('normalises %j to %j', (input, expected) => {
    expect(normalizeHostname(input)).toBe(expected);
    // Normalising twice changes nothing: stored hostnames can be fed back in.
    expect(normalizeHostname(expected)).toBe(expected);
  });
});

describe('wildcards', () => {
  it('accepts a whole leftmost * label over an ownable name when allowed, normalising the rest', () => {
    expect(normalizeHostname('*.Bücher.example.', { allowWildcard: true })).toBe('*.xn--bcher-kva.example');
    expect(normalizeHostname('*.foo.github.io', { allowWildcard: true })).toBe('*.foo.github.io');
    expect(reasonOf('*.example.com')).toBe('wildcard_not_allowed');
  });

  it('reports what is wrong with the base name of a wildcard', () => {
    expect(reasonOf('*.under_score.example.com', { allowWildcard: true })).toBe('label_invalid');
    expect(reasonOf('*.shop.localhost', { allowWildcard: true })).toBe('reserved');
    expect(reasonOf('*.kawasaki.jp', { allowWildcard: true })).toBe('wildcard_invalid');
  });
});

describe('docs/reference/hostnames.md', () => {
  it('explains every reason code', () => {
    const doc = readFileSync(new URL('../../../../../docs/reference/hostnames.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...HOSTNAME_REASONS].sort());
  });
});

describe('registrableDomain and isApex', () => {
  it('finds the registrable domain with private suffixes honoured', () => {
    expect(registrableDomain('shop.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('docs.foo.github.io')).toBe('foo.github.io');
    expect(registrableDomain('*.shop.example.com')).toBe('example.com');
    expect(registrableDomain('co.uk')).toBeNull();
  });

  it('tells an apex from a subdomain', () => {
    expect(isApex('example.co.uk')).toBe(true);
    expect(isApex('foo.github.io')).toBe(true);
    expect(isApex('shop.example.co.uk')).toBe(false);
    expect(isApex('*.example.com')).toBe(false);
    expect(isApex('xn--bcher-kva.example')).toBe(true);
  });
});
