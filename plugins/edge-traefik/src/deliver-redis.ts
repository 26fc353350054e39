/**
 * Delivery to Traefik's Redis KV provider: the diff between what this deliverer last applied and the new KV
 * map, in one MULTI (SET and DEL together, so Traefik never reads half a change). On first use the keys under
 * the prefix are read with SCAN, so a restarted Portico still only touches what changed. Knows nothing of the
 * kernel. Traefik sees changes only with keyspace notifications on (`notify-keyspace-events KEA`). A preview (dry
 * run) always reads Redis afresh and leaves what this deliverer remembers alone.
 */
import { Redis } from 'ioredis';
import { diffKv, type KvDiff } from './kv.ts';

export interface RedisDeliveryOptions {
  url: string;
  /** Traefik's `rootKey`. */
  prefix: string;
  /** Longest wait to connect and for each command. Default 10000 ms. */
  timeoutMs?: number;
}

export interface RedisDeliverer {
  /**
   * Applies `next` (a `flattenToKv` map); resolves with the diff that was written. `reread`: diff against what Redis
   * holds now (SCAN), not what this deliverer last applied — what another writer changed meanwhile is put right.
   */
  apply(next: ReadonlyMap<string, string>, reread?: boolean): Promise<KvDiff>;
  /**
   * Writes `diff` over what this deliverer last applied (one MULTI), for a caller that knows the difference itself.
   * Resolves `false`, writing nothing, when it holds no applied state (never applied, or the last write failed):
   * the caller applies the whole map instead.
   */
  applyDiff(diff: KvDiff): Promise<boolean>;
  /** The diff `apply(next)` would write, against the keys Redis holds now (read with SCAN); writes nothing. */
  preview(next: ReadonlyMap<string, string>): Promise<KvDiff>;
  close(): Promise<void>;
}

const CHUNK = 1000;

export function createRedisDeliverer({ url, prefix, timeoutMs = 10_000 }: RedisDeliveryOptions): RedisDeliverer {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 1 });
  // A lost connection reaches the caller as the failed command's error (and the reconcile's status); not as noise on stderr.
  redis.on('error', () => undefined);
  let applied: Map<string, string> | undefined;

  async function readExisting(): Promise<Map<string, string>> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}/*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    const existing = new Map<string, string>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const slice = keys.slice(i, i + CHUNK);
      const values = await redis.mget(...slice);
      slice.forEach((key, j) => existing.set(key, values[j] ?? ''));
    }
    return existing;
  }

  /** One MULTI; on failure what Redis holds is unknown, so it is read again before the next write. */
  async function write(diff: KvDiff): Promise<void> {
    if (diff.set.size === 0 && diff.del.length === 0) return;
    const multi = redis.multi();
    // Chunked: one MSET/DEL with 100,000 arguments would overflow the call stack when spread.
    const pairs = [...diff.set];
    for (let i = 0; i < pairs.length; i += CHUNK) multi.mset(...pairs.slice(i, i + CHUNK).flat());
    for (let i = 0; i < diff.del.length; i += CHUNK) multi.del(...diff.del.slice(i, i + CHUNK));
    let results: Awaited<ReturnType<typeof multi.exec>>;
    try {
      results = await multi.exec();
    } catch (error) {
      applied = undefined;
      throw error;
    }
    const failed = (results ?? []).find(([err]) => err);
    if (failed?.[0]) {
      applied = undefined;
      throw failed[0];
    }
  }

  const connected = async () => {
    if (redis.status === 'wait') await redis.connect();
  };

  return {
    async preview(next) {
      await connected();
      return diffKv(await readExisting(), next);
    },
    async apply(next, reread = false) {
      await connected();
      if (reread) applied = undefined;
      applied ??= await readExisting();
      const diff = diffKv(applied, next);
      await write(diff);
      applied = new Map(next);
      return diff;
    },
    async applyDiff(diff) {
      if (applied === undefined) return false;
      await connected();
      await write(diff);
      for (const key of diff.del) applied.delete(key);
      for (const [key, value] of diff.set) applied.set(key, value);
      return true;
    },
    async close() {
      if (redis.status !== 'end' && redis.status !== 'wait') await redis.quit();
      else redis.disconnect();
    },
  };
}
