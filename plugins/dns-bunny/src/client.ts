/**
 * A Bunny DNS client over the bunny.net core API (https://docs.bunny.net/reference/bunnynet-api-overview), in
 * Portico's record set form. bunny.net keeps no official SDK for DNS ("We currently do not maintain an official API
 * library"), so this calls the documented HTTP API with `fetch`. It knows nothing of the kernel beyond its types and
 * error kinds: every failure is a `BunnyDnsError` with a `kind`.
 *
 * Calls: `GET /dnszone` (paged: `page`, `perPage`, `search`; `HasMoreItems`), `GET /dnszone/{id}` (the zone with
 * its records), `PUT /dnszone/{zoneId}/records` (add), `POST /dnszone/{zoneId}/records/{id}` (update) and
 * `DELETE /dnszone/{zoneId}/records/{id}`. Records are single and addressed by numeric id; each keeps a `Comment`.
 * Every call is bounded by `timeoutMs`; nothing retries.
 */
import type { ProviderChange, ProviderRecordSet, RecordType } from '@portico/kernel';
import { BunnyDnsError, errorFromResponse } from './errors.ts';

export { BunnyDnsError, parseRetryAfter } from './errors.ts';

export const BUNNY_API_URL = 'https://api.bunny.net';
/** bunny.net's record type numbers (the `Type` enum of the API's record model). */
export const BUNNY_TYPES: Readonly<Record<RecordType, number>> = { A: 0, AAAA: 1, CNAME: 2, TXT: 3 };
const TYPE_OF = new Map(Object.entries(BUNNY_TYPES).map(([name, number]) => [number, name as RecordType]));
const MAX_PAGES = 10_000;
/** Failures about the call rather than one change: thrown, so the job layer stops or retries the whole apply. */
const CALL_LEVEL = new Set(['auth', 'permission', 'rate_limit', 'transient']);

export interface BunnyClientOptions {
  /** The account API key, sent as the `AccessKey` header. */
  accessKey: string;
  /** Default `https://api.bunny.net`. */
  baseURL?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  /** Zones per page when listing or searching zones (bunny.net allows 5 to 1000). Default 1000. */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface BunnyApiRecord {
  Id: number;
  Type: number;
  Name: string;
  Value: string;
  Ttl: number;
  Comment?: string | null;
}

export interface BunnyApiZone {
  Id: number;
  Domain: string;
  Nameserver1?: string | null;
  Nameserver2?: string | null;
  Records?: BunnyApiRecord[];
}

export interface BunnyZone {
  id: string;
  name: string;
  nameservers: string[];
}

/** A record set with the bunny.net records behind it. */
export interface BunnyRecordSet extends ProviderRecordSet {
  records: BunnyApiRecord[];
}

export interface BunnyDnsClient {
  listZones(options?: CallOptions): Promise<BunnyZone[]>;
  getZone(zone: string, options?: CallOptions): Promise<BunnyZone>;
  getRecordSets(zone: string, options?: CallOptions): Promise<BunnyRecordSet[]>;
  /** Record by record; one result per change. `comment` goes on every record written. */
  applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], options?: CallOptions & { comment?: string }): Promise<Array<Error | undefined>>;
}

export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** `shop.example.com` in `example.com` → `shop`; the apex → `` (bunny.net's apex name). */
export function toRelative(name: string, zone: string): string {
  const n = normalName(name);
  const z = normalName(zone);
  if (n === z) return '';
  if (!n.endsWith(`.${z}`)) throw new BunnyDnsError('validation', `${n} is not inside the zone ${z}`);
  return n.slice(0, -(z.length + 1));
}

export const fromRelative = (name: string, zone: string): string => {
  const n = normalName(name ?? '');
  return n === '' || n === '@' ? normalName(zone) : `${n}.${normalName(zone)}`;
};

export function fromValue(type: RecordType, value: string): string {
  if (type === 'CNAME') return normalName(value);
  if (type === 'AAAA') return value.toLowerCase();
  return value;
}

/** Records grouped by name and type; a set's comment is its records' one shared comment, else none. */
export function groupRecords(records: readonly BunnyApiRecord[], zone: string): BunnyRecordSet[] {
  const sets = new Map<string, BunnyRecordSet>();
  for (const record of records) {
    const type = TYPE_OF.get(record.Type);
    if (!type) continue;
    const name = fromRelative(record.Name, zone);
    const key = `${name} ${type}`;
    const set = sets.get(key) ?? { name, type, ttl: record.Ttl, values: [], records: [] };
    set.values.push(fromValue(type, record.Value));
    set.records.push(record);
    sets.set(key, set);
  }
  for (const set of sets.values()) {
    const comments = new Set(set.records.map((r) => r.Comment ?? ''));
    const [only] = comments;
    if (comments.size === 1 && only) set.comment = only;
  }
  return [...sets.values()];
}

export function createBunnyClient(options: BunnyClientOptions): BunnyDnsClient {
  const baseURL = (options.baseURL ?? BUNNY_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 1000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const zoneIds = new Map<string, string>();

  async function call<T>(what: string, method: string, path: string, init: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}): Promise<T | undefined> {
    const url = new URL(`${baseURL}${path}`);
    for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, value);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers: { AccessKey: options.accessKey, accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      if (timeout.aborted) throw new BunnyDnsError('transient', `bunny.net ${what}: no answer in ${timeoutMs} ms`);
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new BunnyDnsError('transient', `bunny.net ${what}: could not reach the API: ${cause}`);
    }
    if (!response.ok) throw errorFromResponse(what, response.status, response.statusText, text, response.headers);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new BunnyDnsError('transient', `bunny.net ${what}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  const toZone = (zone: BunnyApiZone): BunnyZone => ({
    id: String(zone.Id),
    name: normalName(zone.Domain),
    nameservers: [zone.Nameserver1, zone.Nameserver2].filter((ns): ns is string => typeof ns === 'string' && ns !== '').map(normalName),
  });

  async function zonePages(search: string | undefined, signal?: AbortSignal): Promise<BunnyApiZone[]> {
    const zones: BunnyApiZone[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = { page: String(page), perPage: String(perPage), ...(search ? { search } : {}) };
      const answer = await call<{ Items?: BunnyApiZone[]; HasMoreItems?: boolean }>('list DNS zones', 'GET', '/dnszone', { query, signal });
      if (!answer || !Array.isArray(answer.Items)) throw new BunnyDnsError('transient', 'bunny.net list DNS zones: the answer has no Items');
      zones.push(...answer.Items);
      if (!answer.HasMoreItems || answer.Items.length === 0) return zones;
    }
    throw new BunnyDnsError('transient', `bunny.net list DNS zones: more than ${MAX_PAGES} pages`);
  }

  async function getZone(zone: string, { signal }: CallOptions = {}): Promise<BunnyZone> {
    const name = normalName(zone);
    const found = (await zonePages(name, signal)).map(toZone).find((z) => z.name === name);
    if (!found) throw new BunnyDnsError('not_found', `bunny.net has no DNS zone ${name} in the account of this API key`);
    zoneIds.set(name, found.id);
    return found;
  }

  const zoneIdOf = async (zone: string, signal?: AbortSignal): Promise<string> => zoneIds.get(normalName(zone)) ?? (await getZone(zone, { signal })).id;

  async function getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<BunnyRecordSet[]> {
    const id = await zoneIdOf(zone, signal);
    const answer = await call<BunnyApiZone>('read the zone', 'GET', `/dnszone/${id}`, { signal });
    if (!answer || !Array.isArray(answer.Records)) throw new BunnyDnsError('transient', 'bunny.net read the zone: the answer has no Records');
    return groupRecords(answer.Records, zone);
  }

  return {
    async listZones({ signal } = {}) {
      return (await zonePages(undefined, signal)).map(toZone);
    },
    getZone,
    getRecordSets,
    async applyChanges(zone, changes, { signal, comment } = {}) {
      const id = await zoneIdOf(zone, signal);
      // The ids of the records behind each set, read now: updates keep or reuse them.
      const current = new Map((await getRecordSets(zone, { signal })).map((set) => [`${set.name} ${set.type}`, set.records]));
      const results: Array<Error | undefined> = [];
      for (const { action, set } of changes) {
        try {
          const name = toRelative(set.name, zone);
          const existing = [...(current.get(`${normalName(set.name)} ${set.type}`) ?? [])];
          const wanted = action === 'delete' ? [] : set.values;
          const record = (value: string) => ({ Type: BUNNY_TYPES[set.type], Name: name, Value: value, Ttl: set.ttl, Comment: comment ?? '' });
          // A record whose value stays is kept (rewritten only when its comment or TTL must change).
          const kept = existing.filter((r) => wanted.includes(fromValue(set.type, r.Value)));
          const spare = existing.filter((r) => !kept.includes(r));
          for (const r of kept) {
            if ((r.Comment ?? '') !== (comment ?? '') || r.Ttl !== set.ttl) {
              await call('update a record', 'POST', `/dnszone/${id}/records/${r.Id}`, { body: { ...record(r.Value), Id: r.Id }, signal });
            }
          }
          for (const value of wanted.filter((v) => !kept.some((r) => fromValue(set.type, r.Value) === v))) {
            const reuse = spare.shift();
            if (reuse) await call('update a record', 'POST', `/dnszone/${id}/records/${reuse.Id}`, { body: { ...record(value), Id: reuse.Id }, signal });
            else await call('add a record', 'PUT', `/dnszone/${id}/records`, { body: record(value), signal });
          }
          for (const r of spare) {
            try {
              await call('delete a record', 'DELETE', `/dnszone/${id}/records/${r.Id}`, { signal });
            } catch (error) {
              // Already gone is what a delete wants.
              if (!(error instanceof BunnyDnsError && error.status === 404)) throw error;
            }
          }
          results.push(undefined);
        } catch (error) {
          if (!(error instanceof BunnyDnsError) || CALL_LEVEL.has(error.kind)) throw error;
          results.push(error);
        }
      }
      return results;
    },
  };
}
