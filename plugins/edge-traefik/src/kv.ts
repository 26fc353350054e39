/**
 * Traefik's KV layout (Redis, etcd, Consul, ZooKeeper providers): one key per leaf of the dynamic
 * configuration, `<rootKey>/http/routers/<name>/rule`, array items by index (`…/entryPoints/0`), every value a
 * string. An empty object (`tls: {}`) is a key with an empty value, as Traefik's KV decoder reads it. Pure.
 */
import type { TraefikConfig } from './render.ts';

export const DEFAULT_ROOT_KEY = 'traefik';

export function flattenToKv(config: TraefikConfig, prefix = DEFAULT_ROOT_KEY): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(`${key}/${i}`, item));
      return;
    }
    if (typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) out.set(key, '');
      for (const [name, child] of entries) walk(`${key}/${name}`, child);
      return;
    }
    out.set(key, String(value));
  };
  walk(prefix, config);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface KvDiff {
  /** Keys to write: new, or with another value. */
  set: Map<string, string>;
  /** Keys to delete: present before, absent after. Sorted. */
  del: string[];
}

/** What turns `before` into `after`, touching only the keys that differ. */
export function diffKv(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): KvDiff {
  const set = new Map<string, string>();
  for (const [key, value] of after) if (before.get(key) !== value) set.set(key, value);
  const del = [...before.keys()].filter((key) => !after.has(key)).sort();
  return { set, del };
}

/**
 * A diff for people (dry runs): `+ key = value` for every key set, `- key` for every key deleted, one per line,
 * sorted by key; `''` when nothing changes.
 */
export function formatKvDiff({ set, del }: KvDiff): string {
  const lines: [string, string][] = [...[...set].map(([key, value]): [string, string] => [key, `+ ${key} = ${value}`]), ...del.map((key): [string, string] => [key, `- ${key}`])];
  return lines
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, line]) => `${line}\n`)
    .join('');
}
