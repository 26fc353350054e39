/**
 * Traefik's KV layout (Redis, etcd, Consul, ZooKeeper providers): one key per leaf of the dynamic
 * configuration, `<rootKey>/http/routers/<name>/rule`, array items by index (`…/entryPoints/0`), every value a
 * string. An empty object (`tls: {}`) is a key with an empty value, as Traefik's KV decoder reads it. Pure.
 */
import type { TraefikConfig } from './render.ts';

export const DEFAULT_ROOT_KEY = 'traefik';

export function flattenToKv(config: TraefikConfig, prefix = DEFAULT_ROOT_KEY): Map<string, string> {
  const out = flattenValue(config, prefix);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The keys of one value under `key` (`…/http/routers/<name>` for one router), in the layout above, unsorted. */
export function flattenValue(value: unknown, key: string, out = new Map<string, string>()): Map<string, string> {
  const walk = (at: string, item: unknown): void => {
    if (item === undefined || item === null) return;
    if (Array.isArray(item)) {
      item.forEach((child, i) => walk(`${at}/${i}`, child));
      return;
    }
    if (typeof item === 'object') {
      const entries = Object.entries(item as Record<string, unknown>);
      if (entries.length === 0) out.set(at, '');
      for (const [name, child] of entries) walk(`${at}/${name}`, child);
      return;
    }
    out.set(at, String(item));
  };
  walk(key, value);
  return out;
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
