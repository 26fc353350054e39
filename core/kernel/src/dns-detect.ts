/**
 * Which DNS provider serves a zone, from its nameservers: every enabled provider's `nameservers` hints first,
 * then the table of well-known providers that have no plugin (so people still learn who hosts their DNS and
 * where to add records by hand). Patterns match whole labels: `*` stands for exactly one label, so
 * `*.ns.cloudflare.com` matches `nora.ns.cloudflare.com` and never `evilns.cloudflare.com`.
 */
import type { ProviderDetection } from './hooks.ts';
import { WELL_KNOWN_PROVIDERS } from './well-known-providers.ts';

export interface NameserverHints {
  provider: string;
  displayName: string;
  setup: ProviderDetection['setup'];
  nameservers: readonly string[];
}

const normal = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One label against one pattern label: `*` alone is any label; `awsdns-*` is a prefix within the label. */
function labelMatches(label: string, pattern: string | undefined): boolean {
  if (pattern === undefined) return false;
  if (pattern === '*') return label.length > 0;
  if (!pattern.includes('*')) return label === pattern;
  return new RegExp(`^${pattern.split('*').map(escape).join('[a-z0-9-]*')}$`).test(label);
}

/**
 * Whether `host` matches `pattern` label by label: `*` is one label, a `*` inside a label (`awsdns-*`) any run of
 * letters, digits and hyphens, and a leading `**` one or more labels.
 */
export function matchesPattern(host: string, pattern: string): boolean {
  const hostLabels = normal(host).split('.');
  const patternLabels = normal(pattern).split('.');
  if (patternLabels[0] === '**') {
    const rest = patternLabels.slice(1);
    if (hostLabels.length <= rest.length) return false;
    const tail = hostLabels.slice(hostLabels.length - rest.length);
    return tail.every((label, i) => labelMatches(label, rest[i]));
  }
  if (hostLabels.length !== patternLabels.length) return false;
  return hostLabels.every((label, i) => labelMatches(label, patternLabels[i]));
}

/** Confidence from the share of the zone's nameservers a provider's patterns matched (Charon's thresholds). */
export function confidenceOf(share: number): ProviderDetection['confidence'] {
  if (share >= 0.8) return 'high';
  if (share >= 0.5) return 'medium';
  return 'low';
}

/**
 * Every provider whose patterns match at least one of `nameservers`, best first (installed providers before
 * well-known ones at equal share). A zone on two providers yields two candidates: multi-provider, not unknown.
 */
export function matchNameservers(nameservers: readonly string[], installed: readonly NameserverHints[]): ProviderDetection[] {
  const servers = [...new Set(nameservers.map(normal))].filter(Boolean);
  if (servers.length === 0) return [];
  const installedIds = new Set(installed.map((p) => p.provider));
  const pool: Array<NameserverHints & { installed: boolean }> = [
    ...installed.map((p) => ({ ...p, installed: true })),
    ...WELL_KNOWN_PROVIDERS.filter((p) => !installedIds.has(p.provider)).map((p) => ({ ...p, setup: 'manual' as const, installed: false })),
  ];
  const found: Array<ProviderDetection & { share: number; installed: boolean }> = [];
  for (const hints of pool) {
    const evidence: string[] = [];
    for (const server of servers) {
      const pattern = hints.nameservers.find((p) => matchesPattern(server, p));
      if (pattern) evidence.push(`nameserver ${server} matches ${pattern}`);
    }
    if (evidence.length === 0) continue;
    const share = evidence.length / servers.length;
    found.push({ provider: hints.provider, displayName: hints.displayName, setup: hints.setup, confidence: confidenceOf(share), evidence, share, installed: hints.installed });
  }
  found.sort((a, b) => b.share - a.share || Number(b.installed) - Number(a.installed));
  return found.map(({ share: _share, installed: _installed, ...detection }) => detection);
}
