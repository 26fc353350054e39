/**
 * A Hetzner DNS client over the documented DNS Console API (`/api/v1/zones`, `/api/v1/records`), in Portico's
 * record set form. Hetzner publishes no JavaScript SDK for it. It knows nothing of the kernel beyond its types and
 * error kinds: every failure is a `HetznerDnsError` with a `kind`.
 *
 * The token travels only in the `Auth-API-Token` header to `baseURL`.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromRelativeName, fromValue, normalName, toRelativeName, toValue } from './content.ts';
import { errorFromResponse, HetznerDnsError, redact } from './errors.ts';

export { decodeTxt, encodeTxt, fromRelativeName, fromValue, normalName, toRelativeName, toValue } from './content.ts';
export { errorFromResponse, HetznerDnsError, parseRetryAfter, retryAfterOf } from './errors.ts';

export const HETZNER_DNS_API_URL = 'https://dns.hetzner.com/api/v1';

export interface HetznerClientOptions {
  /** A DNS Console API token, sent as `Auth-API-Token`. */
  token: string;
  /** Default `https://dns.hetzner.com/api/v1`. */
  baseURL?: string;
  /** Longest wait for one request, body included. Default 15000. */
  timeoutMs?: number;
  /** Items asked for per page (zones: at most 100). Default 100. */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

/** A record as the API returns it. */
export interface HetznerApiRecord {
  id: string;
  zone_id: string;
  type: string;
  name: string;
  value: string;
  /** Absent when the record uses the zone's default TTL. */
  ttl?: number;
}

export interface HetznerZone {
  id: string;
  /** Lower case, no trailing dot. */
  name: string;
  /** The nameservers Hetzner reports for the zone (`ns`), lower case. */
  nameservers: string[];
  /** The zone's default TTL. */
  ttl?: number;
}

/** A record set in Portico's form, with the Hetzner records (ids) behind it. */
export interface HetznerRecordSet extends RecordSet {
  records: Array<{ id: string; value: string }>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

interface Pagination {
  page?: number;
  per_page?: number;
  last_page?: number;
  next_page?: number | null;
}

interface ApiZone {
  id: string;
  name: string;
  ns?: string[];
  ttl?: number;
}

const TYPES: ReadonlySet<string> = new Set<RecordType>(['A', 'AAAA', 'CNAME', 'TXT']);
const MAX_PAGES = 10_000;
const DEFAULT_TTL = 86_400;

export type HetznerDnsClient = ReturnType<typeof createHetznerClient>;

export function createHetznerClient(options: HetznerClientOptions) {
  const { token } = options;
  const base = (options.baseURL ?? HETZNER_DNS_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 100;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  // One client serves one credential: caching zones by name for its lifetime is safe.
  const zones = new Map<string, HetznerZone>();

  async function request<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<T | undefined> {
    const call = `${method} ${path.replace(/\?.*$/, '')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { 'auth-api-token': token, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      // The caller gave up: its AbortError passes through untouched.
      if (signal?.aborted) throw signal.reason ?? error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
      throw new HetznerDnsError('transient', redact(`Hetzner DNS ${call}: ${why}`, token));
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers, token);
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new HetznerDnsError('transient', `Hetzner DNS ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** Every item of a paged list: follows `meta.pagination.last_page`, else reads until a page comes back short. */
  async function readPages<T>(path: string, key: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    const sep = path.includes('?') ? '&' : '?';
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await request<{ meta?: { pagination?: Pagination } } & Record<string, unknown>>('GET', `${path}${sep}page=${page}&per_page=${perPage}`, signal);
      const list = answer?.[key];
      if (!Array.isArray(list)) throw new HetznerDnsError('transient', `Hetzner DNS GET ${path.replace(/\?.*$/, '')}: the answer has no ${key} list`);
      items.push(...(list as T[]));
      const pagination = answer?.meta?.pagination;
      const more = typeof pagination?.last_page === 'number' ? page < pagination.last_page : list.length >= (pagination?.per_page ?? perPage);
      if (!more || list.length === 0) return items;
    }
    throw new HetznerDnsError('transient', `Hetzner DNS GET ${path}: more than ${MAX_PAGES} pages`);
  }

  const toZone = (zone: ApiZone): HetznerZone => ({ id: zone.id, name: normalName(zone.name), nameservers: (zone.ns ?? []).map(normalName).sort(), ttl: zone.ttl });

  async function getZone(zone: string, { signal }: CallOptions = {}): Promise<HetznerZone> {
    const name = normalName(zone);
    const cached = zones.get(name);
    if (cached) return cached;
    let found: HetznerZone | undefined;
    try {
      const answer = await request<{ zones?: ApiZone[] }>('GET', `/zones?name=${encodeURIComponent(name)}`, signal);
      found = (answer?.zones ?? []).map(toZone).find((z) => z.name === name);
    } catch (error) {
      if (!(error instanceof HetznerDnsError && error.kind === 'not_found')) throw error;
    }
    if (!found) throw new HetznerDnsError('not_found', `Hetzner DNS has no zone ${name} that this API token can see`, { status: 404 });
    zones.set(name, found);
    return found;
  }

  const body = (zone: HetznerZone, record: { name: string; type: RecordType; value: string; ttl: number }) => ({
    zone_id: zone.id,
    type: record.type,
    name: toRelativeName(record.name, zone.name),
    value: toValue(record.type, record.value),
    ttl: Math.max(1, Math.round(record.ttl)),
  });

  return {
    /** `GET /zones`, all pages: the zones this token can see. */
    async listZones({ signal }: CallOptions = {}): Promise<HetznerZone[]> {
      return (await readPages<ApiZone>('/zones', 'zones', signal)).map(toZone);
    },

    /** `GET /zones?name=`: the zone by name; `not_found` when the token cannot see it. */
    getZone,

    /** `GET /records?zone_id=`, all pages. */
    async listRecords(zone: string, { signal }: CallOptions = {}): Promise<HetznerApiRecord[]> {
      const { id } = await getZone(zone, { signal });
      return readPages<HetznerApiRecord>(`/records?zone_id=${encodeURIComponent(id)}`, 'records', signal);
    },

    /** The zone's A, AAAA, CNAME and TXT record sets (all pages), with the record ids behind each. */
    async getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<HetznerRecordSet[]> {
      const info = await getZone(zone, { signal });
      const sets = new Map<string, HetznerRecordSet>();
      for (const record of await readPages<HetznerApiRecord>(`/records?zone_id=${encodeURIComponent(info.id)}`, 'records', signal)) {
        if (!TYPES.has(record.type)) continue;
        const name = fromRelativeName(record.name, info.name);
        const value = fromValue(record.type, record.value, info.name);
        const key = `${name} ${record.type}`;
        const set = sets.get(key) ?? { name, type: record.type as RecordType, ttl: record.ttl ?? info.ttl ?? DEFAULT_TTL, values: [], records: [] };
        set.values.push(value);
        set.records.push({ id: record.id, value });
        sets.set(key, set);
      }
      return [...sets.values()];
    },

    /** `POST /records`. */
    async createRecord(zone: string, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<HetznerApiRecord> {
      const info = await getZone(zone, { signal });
      const answer = await request<{ record: HetznerApiRecord }>('POST', '/records', signal, body(info, record));
      return answer!.record;
    },

    /** `PUT /records/{id}`: replaces the record. */
    async updateRecord(zone: string, id: string, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<void> {
      const info = await getZone(zone, { signal });
      await request('PUT', `/records/${encodeURIComponent(id)}`, signal, body(info, record));
    },

    /** `DELETE /records/{id}`. Deleting what is already gone succeeds. */
    async deleteRecord(_zone: string, id: string, { signal }: CallOptions = {}): Promise<void> {
      try {
        await request('DELETE', `/records/${encodeURIComponent(id)}`, signal);
      } catch (error) {
        if (error instanceof HetznerDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
