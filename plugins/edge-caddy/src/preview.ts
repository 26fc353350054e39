/**
 * Dry run of a Caddy delivery: read the running config (`GET /config/`) and diff it against the rendered one,
 * both pretty-printed with keys sorted at every level (array order kept: it is meaningful in Caddy), so the diff
 * shows only real changes. Never loads anything.
 */
import type { CaddyClient } from './client.ts';
import { redactPrivateKeys, unifiedDiff } from '@portico/kernel';

/** What a push would change (the kernel's `DeliveryPreview`). */
export interface CaddyPreview {
  changed: boolean;
  /** Unified diff of the running config → the rendered one (`caddy.json`), `''` when equal. */
  diff: string;
  /** Which top-level sections would change: `would change apps.http, apps.tls`. */
  summary: string;
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, child]) => [key, sortDeep(child)]),
    );
  }
  return value;
}

/** Pretty JSON with sorted keys, as the diff compares it. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortDeep(value ?? null), null, 2)}\n`;
}

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** `apps.<name>` for every app that differs, and every other top-level key (`admin`, `storage`, …) that does. */
export function changedSections(before: unknown, after: unknown): string[] {
  const [a, b] = [record(before), record(after)];
  const differs = (x: unknown, y: unknown) => canonicalJson(x) !== canonicalJson(y);
  const keys = (x: Record<string, unknown>, y: Record<string, unknown>) => [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  const sections = keys(a, b).filter((key) => key !== 'apps' && differs(a[key], b[key]));
  const [appsA, appsB] = [record(a.apps), record(b.apps)];
  sections.push(...keys(appsA, appsB).filter((app) => differs(appsA[app], appsB[app])).map((app) => `apps.${app}`));
  return sections.sort();
}

export async function previewCaddyConfig(client: CaddyClient, config: unknown): Promise<CaddyPreview> {
  const { config: running } = await client.getConfig();
  // Supplied certificates' keys are redacted on both sides: a changed key shows as a changed fingerprint.
  const before = redactPrivateKeys(canonicalJson(running));
  const after = redactPrivateKeys(canonicalJson(config));
  if (before === after) return { changed: false, diff: '', summary: 'no change' };
  const diff = unifiedDiff('caddy.json', running === null ? undefined : before, after);
  const sections = changedSections(running, config);
  return { changed: true, diff, summary: `would change ${sections.length > 0 ? sections.join(', ') : 'the config'}` };
}
