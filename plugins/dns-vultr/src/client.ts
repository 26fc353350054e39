/**
 * A Vultr DNS client over the documented API v2 (`/v2/domains`, `/v2/domains/{dns-domain}/records`), in Portico's
 * record set form. It knows nothing of the kernel beyond its types and error kinds: every failure is a
 * `VultrDnsError` with a `kind`.
 *
 * The official SDK (`@vultr/vultr-node` 2.8.0) takes a base URL but is not used: it fetches through its own
 * `node-fetch` with no timeout and no abort signal, and it resolves (does not throw) failed calls with an
 * `Error` holding only the status text, so neither the status nor `Retry-After` reaches the caller.
 *
 * The API key travels only in the `Authorization` header to `baseURL`.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromData, fromRelativeName, normalName, toData, toRelativeName } from './content.ts';
import { errorFromResponse, redact, VultrDnsError } from './errors.ts';

export { decodeTxt, encodeTxt, fromData, fromRelativeName, normalName, toData, toRelativeName } from './content.ts';
export { errorFromResponse, parseRetryAfter, RATE_LIMIT_WINDOW_SECONDS, VultrDnsError } from './errors.ts';

export const VULTR_API_URL = 'https://api.vultr.com/v2';

export interface VultrClientOptions {
  /** The account's (or a user's) API key, sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Default `https://api.vultr.com/v2`. */
  baseURL?: string;
  /** Longest wait for one request, body included. Default 15000. */
  timeoutMs?: number;
  /** Items asked for per page (Vultr: default 100, at most 500). Default 500. */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

/** A record as the API returns it. */
export interface VultrApiRecord {
  id: string;
  type: string;
  name: string;
  data: string;
  priority?: number;
  ttl: number;
}

export interface VultrZone {
  /** Lower case, no trailing dot. */
  name: string;
  /** The apex NS records, lower case. */
  nameservers: string[];
}

/** A record set in Portico's form, with the Vultr records (ids) behind it. */
export interface VultrRecordSet extends RecordSet {
  records: Array<{ id: string; value: string }>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

const TYPES: ReadonlySet<string> = new Set<RecordType>(['A', 'AAAA', 'CNAME', 'TXT']);
const MAX_PAGES = 10_000;

export type VultrDnsClient = ReturnType<typeof createVultrClient>;

export function createVultrClient(options: VultrClientOptions) {
  const { apiKey } = options;
  const base = (options.baseURL ?? VULTR_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 500;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  async function request<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<T | undefined> {
    const call = `${method} ${path.replace(/\?.*$/, '')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      // The caller gave up: its AbortError passes through untouched.
      if (signal?.aborted) throw signal.reason ?? error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
      throw new VultrDnsError('transient', redact(`Vultr ${call}: ${why}`, apiKey));
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers, apiKey);
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new VultrDnsError('transient', `Vultr ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** Every item of a cursor-paged list: follows `meta.links.next` until it is empty. */
  async function readPages<T>(path: string, key: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let cursor = '';
    for (let count = 0; count < MAX_PAGES; count++) {
      const query = new URLSearchParams({ per_page: String(perPage), ...(cursor ? { cursor } : {}) });
      const answer = await request<{ meta?: { links?: { next?: string } } } & Record<string, unknown>>('GET', `${path}?${query}`, signal);
      const list = answer?.[key];
      if (!Array.isArray(list)) throw new VultrDnsError('transient', `Vultr GET ${path}: the answer has no ${key} list`);
      items.push(...(list as T[]));
      const next = answer?.meta?.links?.next ?? '';
      if (!next || next === cursor || list.length === 0) return items;
      cursor = next;
    }
    throw new VultrDnsError('transient', `Vultr GET ${path}: more than ${MAX_PAGES} pages`);
  }

  const domainPath = (zone: string) => `/domains/${encodeURIComponent(normalName(zone))}`;
  const listRecords = (zone: string, { signal }: CallOptions = {}) => readPages<VultrApiRecord>(`${domainPath(zone)}/records`, 'records', signal);
  const body = (zone: string, record: { name: string; type: RecordType; value: string; ttl: number }) => ({
    name: toRelativeName(record.name, zone),
    data: toData(record.type, record.value),
    ttl: Math.max(1, Math.round(record.ttl)),
  });

  return {
    /** `GET /domains`, all pages: the domains this key can see. */
    async listZones({ signal }: CallOptions = {}): Promise<string[]> {
      return (await readPages<{ domain: string }>('/domains', 'domains', signal)).map((d) => normalName(d.domain));
    },

    /** `GET /domains/{dns-domain}` and its apex NS records; `not_found` when the key cannot see it. */
    async getZone(zone: string, { signal }: CallOptions = {}): Promise<VultrZone> {
      const name = normalName(zone);
      const answer = await request<{ domain?: { domain?: string } }>('GET', domainPath(name), signal);
      if (normalName(answer?.domain?.domain ?? '') !== name) throw new VultrDnsError('transient', `Vultr GET /domains/${name}: the answer is not that domain`);
      const records = await listRecords(name, { signal });
      return { name, nameservers: records.filter((r) => r.type === 'NS' && fromRelativeName(r.name, name) === name).map((r) => normalName(r.data)).sort() };
    },

    listRecords,

    /** The zone's A, AAAA, CNAME and TXT record sets (all pages), with the record ids behind each. */
    async getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<VultrRecordSet[]> {
      const apex = normalName(zone);
      const sets = new Map<string, VultrRecordSet>();
      for (const record of await listRecords(apex, { signal })) {
        if (!TYPES.has(record.type)) continue;
        const name = fromRelativeName(record.name, apex);
        const value = fromData(record.type, record.data);
        const key = `${name} ${record.type}`;
        const set = sets.get(key) ?? { name, type: record.type as RecordType, ttl: record.ttl, values: [], records: [] };
        set.values.push(value);
        set.records.push({ id: record.id, value });
        sets.set(key, set);
      }
      return [...sets.values()];
    },

    /** `POST /domains/{dns-domain}/records`. */
    async createRecord(zone: string, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<VultrApiRecord> {
      const answer = await request<{ record: VultrApiRecord }>('POST', `${domainPath(zone)}/records`, signal, { type: record.type, ...body(zone, record) });
      return answer!.record;
    },

    /** `PATCH /domains/{dns-domain}/records/{record-id}`: name, data and TTL. */
    async updateRecord(zone: string, id: string, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<void> {
      await request('PATCH', `${domainPath(zone)}/records/${encodeURIComponent(id)}`, signal, body(zone, record));
    },

    /** `DELETE /domains/{dns-domain}/records/{record-id}`. Deleting what is already gone succeeds. */
    async deleteRecord(zone: string, id: string, { signal }: CallOptions = {}): Promise<void> {
      try {
        await request('DELETE', `${domainPath(zone)}/records/${encodeURIComponent(id)}`, signal);
      } catch (error) {
        if (error instanceof VultrDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
