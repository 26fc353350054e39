/**
 * A Cloudflare DNS client over the official SDK (`cloudflare`), in Portico's record set form. It knows nothing of
 * the kernel beyond its types and error kinds: every failure is a `CloudflareDnsError` with a `kind`.
 *
 * Writes go through `POST /zones/{zone_id}/dns_records/batch`, which Cloudflare runs in one database transaction:
 * "If any of the individual action fails, no changes are applied and the API returns the first error it
 * encountered" (https://developers.cloudflare.com/dns/manage-dns-records/how-to/batch-record-changes/).
 * The SDK never retries (`maxRetries: 0`): the kernel's job layer does, knowing `Retry-After` and the error kind.
 */
import Cloudflare from 'cloudflare';
import type { RecordBatchParams } from 'cloudflare/resources/dns/records';
import type { PluginLogger } from '@portico/kernel';
import { normalName } from './content.ts';
import { CloudflareDnsError, classify, forbidden, redact } from './errors.ts';
import { batchFor, groupRecords, operationCount, setKey, type CloudflareApiRecord, type CloudflareRecordSet, type RecordSetWrite } from './records.ts';

export { decodeTxt, encodeTxt, fromContent, toContent, toCloudflareTtl } from './content.ts';
export { CloudflareDnsError, CONFLICT_CODES, parseRetryAfter } from './errors.ts';
export { batchFor, groupRecords } from './records.ts';
export type { BatchBody, CloudflareApiRecord, CloudflareRecord, CloudflareRecordSet, RecordSetWrite } from './records.ts';

export const CLOUDFLARE_API_URL = 'https://api.cloudflare.com/client/v4';

export interface CloudflareClientOptions {
  /** An API token (not a Global API Key), sent as `Authorization: Bearer`. */
  apiToken: string;
  /** The zone's id: skips the lookup by name (`GET /zones?name=`), so the token needs no Zone → Zone → Read. */
  zoneId?: string;
  /** Default `https://api.cloudflare.com/client/v4`. */
  baseURL?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  /** Records asked for per page when listing a zone. Default 100 (Cloudflare's own default). */
  perPage?: number;
  /** Most record operations one batch may carry (Cloudflare: 200 on Free zones, 3,500 on paid plans). Default 200. */
  maxBatchSize?: number;
  fetch?: typeof globalThis.fetch;
  /** Receives the SDK's own warnings. */
  logger?: PluginLogger;
}

export interface CloudflareZone {
  id: string;
  /** Lower case, no trailing dot. */
  name: string;
  /** The nameservers Cloudflare assigned, lower case. */
  nameservers: string[];
  status?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CloudflareDnsClient {
  /** `GET /user/tokens/verify`: the token's id and status; `auth` when Cloudflare refuses it. */
  verifyToken(options?: CallOptions): Promise<{ id: string; status: string; expiresOn?: string }>;
  /** The token is active and can read what Portico needs: its zones, or the records of `zoneId`. */
  verify(options?: CallOptions): Promise<{ zones?: string[]; message: string }>;
  /** Every zone the token can see (`GET /zones`, all pages). */
  listZones(options?: CallOptions): Promise<CloudflareZone[]>;
  /** The zone by name (`GET /zones?name=`, or `GET /zones/{zoneId}`); `not_found` when the token cannot see it. */
  getZone(zone: string, options?: CallOptions): Promise<CloudflareZone>;
  /** Every A, AAAA, CNAME and TXT record set of the zone (all pages), with the records and ids behind each. */
  getRecordSets(zone: string, options?: CallOptions): Promise<CloudflareRecordSet[]>;
  /**
   * Write record sets in one batch, all or nothing, against the records last read with `getRecordSets` (read now
   * if they were not). `comment` goes on every record written.
   */
  applyChanges(zone: string, writes: readonly RecordSetWrite[], options?: CallOptions & { comment?: string }): Promise<void>;
}

const ZONES_PER_PAGE = 50;
const MAX_PAGES = 10_000;

interface Page<T> {
  result: T[];
  result_info?: { page?: number; per_page?: number; total_pages?: number };
}

export function createCloudflareClient(options: CloudflareClientOptions): CloudflareDnsClient {
  const { apiToken, zoneId, perPage = 100, maxBatchSize = 200 } = options;
  const log = options.logger;
  const say = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string) => log?.[level](`cloudflare SDK: ${redact(message, apiToken)}`);
  const sdk = new Cloudflare({
    apiToken,
    // Named explicitly so CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL and CLOUDFLARE_BASE_URL in the environment change nothing.
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: options.baseURL ?? CLOUDFLARE_API_URL,
    timeout: options.timeoutMs ?? 15_000,
    maxRetries: 0,
    fetch: options.fetch,
    logLevel: 'warn',
    logger: { error: say('error'), warn: say('warn'), info: say('info'), debug: say('debug') },
  });
  const zoneIds = new Map<string, string>();
  const lastRead = new Map<string, Map<string, CloudflareRecordSet>>();

  const tokenStatus = async (signal?: AbortSignal): Promise<string | undefined> => {
    try {
      return (await sdk.user.tokens.verify({ signal })).status;
    } catch (error) {
      const failure = classify(error, 'verify the API token', apiToken, signal);
      return failure instanceof CloudflareDnsError && (failure.kind === 'auth' || failure.status === 403) ? 'refused' : undefined;
    }
  };

  async function call<T>(what: string, fn: () => PromiseLike<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const failure = classify(error, what, apiToken, signal);
      if (failure instanceof CloudflareDnsError && failure.status === 403) throw forbidden(failure, await tokenStatus(signal));
      throw failure;
    }
  }

  /** Every item of a paged list: follows `result_info.total_pages`, else reads until a page comes back short. */
  async function readPages<T>(what: string, size: number, fetchPage: (page: number) => PromiseLike<Page<T>>, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { result, result_info: info = {} } = await call(what, () => fetchPage(page), signal);
      items.push(...result);
      const more = typeof info.total_pages === 'number' ? page < info.total_pages : result.length >= (info.per_page ?? size);
      if (!more || result.length === 0) return items;
    }
    throw new CloudflareDnsError('transient', `Cloudflare ${what}: more than ${MAX_PAGES} pages`);
  }

  const toZone = (zone: { id: string; name: string; name_servers?: string[]; status?: string }): CloudflareZone => ({
    id: zone.id,
    name: normalName(zone.name),
    nameservers: (zone.name_servers ?? []).map(normalName),
    status: zone.status,
  });

  async function verifyToken({ signal }: CallOptions = {}): Promise<{ id: string; status: string; expiresOn?: string }> {
    try {
      const token = await sdk.user.tokens.verify({ signal });
      return { id: token.id, status: token.status, ...(token.expires_on ? { expiresOn: token.expires_on } : {}) };
    } catch (error) {
      const failure = classify(error, 'verify the API token', apiToken, signal);
      throw failure instanceof CloudflareDnsError && failure.status === 403 ? forbidden(failure, 'refused') : failure;
    }
  }

  async function listZones({ signal }: CallOptions = {}): Promise<CloudflareZone[]> {
    const zones = await readPages('list zones', ZONES_PER_PAGE, (page) => sdk.zones.list({ page, per_page: ZONES_PER_PAGE }, { signal }), signal);
    return zones.map(toZone);
  }

  async function getZone(zone: string, { signal }: CallOptions = {}): Promise<CloudflareZone> {
    const name = normalName(zone);
    if (zoneId !== undefined) {
      try {
        const found = toZone(await call('read the zone', () => sdk.zones.get({ zone_id: zoneId }, { signal }), signal));
        if (found.name !== name) throw new CloudflareDnsError('not_found', `Cloudflare zone id ${zoneId} is ${found.name}, not ${name}`);
        return found;
      } catch (error) {
        // A token with DNS rights only may not read the zone; the credential vouches for the id.
        if (error instanceof CloudflareDnsError && error.kind === 'permission') return { id: zoneId, name, nameservers: [] };
        throw error;
      }
    }
    const page = await call('find the zone', () => sdk.zones.list({ name, per_page: ZONES_PER_PAGE }, { signal }), signal);
    const found = page.result.map(toZone).find((z) => z.name === name);
    if (!found) {
      throw new CloudflareDnsError('not_found', `Cloudflare has no zone ${name} that this API token can see (add it to the token's Zone Resources)`);
    }
    zoneIds.set(name, found.id);
    return found;
  }

  const zoneIdOf = async (zone: string, signal?: AbortSignal): Promise<string> =>
    zoneId ?? zoneIds.get(normalName(zone)) ?? (await getZone(zone, { signal })).id;

  async function getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<CloudflareRecordSet[]> {
    const name = normalName(zone);
    const id = await zoneIdOf(name, signal);
    const records = await readPages<CloudflareApiRecord>(
      'list DNS records',
      perPage,
      (page) => sdk.dns.records.list({ zone_id: id, page, per_page: perPage }, { signal }) as PromiseLike<Page<CloudflareApiRecord>>,
      signal,
    );
    const sets = groupRecords(records).filter((set) => set.name === name || set.name.endsWith(`.${name}`));
    lastRead.set(name, new Map(sets.map((set) => [setKey(set.name, set.type), set])));
    return sets;
  }

  return {
    verifyToken,

    async verify({ signal } = {}) {
      const token = await verifyToken({ signal });
      if (token.status !== 'active') throw new CloudflareDnsError('auth', `Cloudflare API token ${token.id} is ${token.status}`);
      if (zoneId !== undefined) {
        await call('list DNS records', () => sdk.dns.records.list({ zone_id: zoneId, per_page: 5 }, { signal }), signal);
        return { message: `Cloudflare API token ${token.id} is active and reads the records of zone ${zoneId}` };
      }
      const zones = await listZones({ signal });
      if (zones.length === 0) {
        throw new CloudflareDnsError('permission', 'The Cloudflare API token is active but sees no zone: give it Zone → Zone → Read and Zone → DNS → Edit on the zones Portico manages');
      }
      return { zones: zones.map((z) => z.name), message: `Cloudflare API token ${token.id} is active and sees ${zones.length} zone(s)` };
    },

    listZones,
    getZone,
    getRecordSets,

    async applyChanges(zone, writes, { signal, comment } = {}) {
      const name = normalName(zone);
      const id = await zoneIdOf(name, signal);
      if (!lastRead.has(name)) await getRecordSets(name, { signal });
      const body = batchFor(writes, lastRead.get(name)!, comment);
      const count = operationCount(body);
      if (count === 0) return;
      if (count > maxBatchSize) {
        throw new CloudflareDnsError(
          'validation',
          `This change needs ${count} Cloudflare record operations, more than one batch may carry (maxBatchSize ${maxBatchSize}; Cloudflare allows 200 on Free zones, 3,500 on paid plans)`,
        );
      }
      // Record ids change with a write: the next write reads again.
      lastRead.delete(name);
      await call('batch DNS record changes', () => sdk.dns.records.batch({ zone_id: id, ...body } as RecordBatchParams, { signal }), signal);
    },
  };
}
