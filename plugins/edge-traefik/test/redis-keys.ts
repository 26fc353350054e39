import type { Redis as RedisClient } from 'ioredis';

/** Every key under `prefix` with its value, sorted by key: what a Traefik reading that root key sees. */
export async function keysOf(client: RedisClient, prefix: string): Promise<Map<string, string>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}/*`, 'COUNT', 5000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  keys.sort();
  const out = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const slice = keys.slice(i, i + 1000);
    const values = await client.mget(...slice);
    slice.forEach((key, j) => out.set(key, values[j] ?? ''));
  }
  return out;
}
