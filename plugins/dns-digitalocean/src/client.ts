/**
 * A DigitalOcean DNS client over the documented API v2 (`/v2/domains`, `/v2/domains/{domain}/records`), in
 * Portico's record set form. It knows nothing of the kernel beyond its types and error kinds: every failure is a
 * `DigitalOceanDnsError` with a `kind`.
 *
 * The official SDK (`@digitalocean/dots` 1.19.0, a Kiota client) can take a local base URL but is not used: it
 * ships its TypeScript sources without declarations, so importing it type-checks 524 of its files under this
 * repository's compiler settings (217 errors), and its default middleware retries 429 and 5xx answers itself,
 * sleeping for `Retry-After`, where Portico's job layer must decide. Plain `fetch` (the kernel's `services.fetch`)
 * with a timeout and the caller's signal on every request does what the plugin needs.
 *
 * The token travels only in the `Authorization` header to `baseURL`; a `links.pages.next` URL is never fetched
 * as given (only its `page` number is used), so the token cannot be sent to another host.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromData, fromRelativeName, normalName, toData, toRelativeName, toTtl } from './content.ts';
import { DigitalOceanDnsError, errorFromResponse, redact } from './errors.ts';

export { decodeTxt, fromData, fromRelativeName, normalName, toData, toRelativeName } from './content.ts';
export { DigitalOceanDnsError, errorFromResponse, parseRetryAfter, retryAfterOf } from './errors.ts';

export const DIGITALOCEAN_API_URL = 'https://api.digitalocean.com';

export interface DigitalOceanClientOptions {
  /** A personal access token, sent as `Authorization: Bearer`. */
  token: string;
  /** Default `https://api.digitalocean.com` (paths start with `/v2`). */
  baseURL?: string;
  /** Longest wait for one request, body included. Default 15000. */
  timeoutMs?: number;
  /** Items asked for per page (DigitalOcean: default 20, at most 200). Default 200. */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

/** A record as the API returns it. */
export interface DigitalOceanApiRecord {
  id: number;
  type: string;
  name: string;
  data: string;
  ttl: number;
  priority?: number | null;
}

export interface DigitalOceanZone {
  /** Lower case, no trailing dot. */
  name: string;
  /** The apex NS records, lower case, no trailing dot. */
  nameservers: string[];
}

/** A record set in Portico's form, with the DigitalOcean records (ids) behind it. */
export interface DigitalOceanRecordSet extends RecordSet {
  records: Array<{ id: number; value: string }>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

interface Page {
  links?: { pages?: { next?: string; last?: string } };
  meta?: { total?: number };
}

const TYPES: ReadonlySet<string> = new Set<RecordType>(['A', 'AAAA', 'CNAME', 'TXT']);
const MAX_PAGES = 10_000;

export type DigitalOceanDnsClient = ReturnType<typeof createDigitalOceanClient>;

export function createDigitalOceanClient(options: DigitalOceanClientOptions) {
  const { token } = options;
  const base = (options.baseURL ?? DIGITALOCEAN_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 200;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  async function request<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<T | undefined> {
    const call = `${method} ${path.replace(/\?.*$/, '')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      // The caller gave up: its AbortError passes through untouched.
      if (signal?.aborted) throw signal.reason ?? error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
      throw new DigitalOceanDnsError('transient', redact(`DigitalOcean ${call}: ${why}`, token));
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers, token);
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new DigitalOceanDnsError('transient', `DigitalOcean ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** Every item of a paged list: follows `links.pages.next` (its page number only) until there is none. */
  async function readPages<T>(path: string, key: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    const sep = path.includes('?') ? '&' : '?';
    let page = 1;
    for (let count = 0; count < MAX_PAGES; count++) {
      const answer = await request<Page & Record<string, unknown>>('GET', `${path}${sep}page=${page}&per_page=${perPage}`, signal);
      const list = answer?.[key];
      if (!Array.isArray(list)) throw new DigitalOceanDnsError('transient', `DigitalOcean GET ${path.replace(/\?.*$/, '')}: the answer has no ${key} list`);
      items.push(...(list as T[]));
      const next = answer?.links?.pages?.next;
      const nextPage = next ? Number(new URL(next, 'http://x').searchParams.get('page')) : NaN;
      if (!Number.isInteger(nextPage) || nextPage <= page || list.length === 0) return items;
      page = nextPage;
    }
    throw new DigitalOceanDnsError('transient', `DigitalOcean GET ${path}: more than ${MAX_PAGES} pages`);
  }

  const domainPath = (zone: string) => `/v2/domains/${encodeURIComponent(normalName(zone))}`;

  async function listRecords(zone: string, filter: { type?: string; name?: string } = {}, { signal }: CallOptions = {}): Promise<DigitalOceanApiRecord[]> {
    const query = new URLSearchParams();
    if (filter.type) query.set('type', filter.type);
    if (filter.name) query.set('name', normalName(filter.name));
    const qs = query.toString();
    return readPages<DigitalOceanApiRecord>(`${domainPath(zone)}/records${qs ? `?${qs}` : ''}`, 'domain_records', signal);
  }

  return {
    /** `GET /v2/domains`, all pages: the domains this token can see. */
    async listZones({ signal }: CallOptions = {}): Promise<string[]> {
      const domains = await readPages<{ name: string }>('/v2/domains', 'domains', signal);
      return domains.map((d) => normalName(d.name));
    },

    /** `GET /v2/domains/{domain}` and its apex NS records; `not_found` when the token cannot see it. */
    async getZone(zone: string, { signal }: CallOptions = {}): Promise<DigitalOceanZone> {
      const name = normalName(zone);
      const answer = await request<{ domain?: { name?: string } }>('GET', domainPath(name), signal);
      if (normalName(answer?.domain?.name ?? '') !== name) throw new DigitalOceanDnsError('transient', `DigitalOcean GET /v2/domains/${name}: the answer is not that domain`);
      const ns = await listRecords(name, { type: 'NS', name }, { signal });
      return { name, nameservers: ns.filter((r) => fromRelativeName(r.name, name) === name).map((r) => normalName(r.data)).sort() };
    },

    listRecords,

    /** The zone's A, AAAA, CNAME and TXT record sets (all pages), with the record ids behind each. */
    async getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<DigitalOceanRecordSet[]> {
      const apex = normalName(zone);
      const sets = new Map<string, DigitalOceanRecordSet>();
      for (const record of await listRecords(apex, {}, { signal })) {
        if (!TYPES.has(record.type)) continue;
        const name = fromRelativeName(record.name, apex);
        const value = fromData(record.type, record.data, apex);
        const key = `${name} ${record.type}`;
        const set = sets.get(key) ?? { name, type: record.type as RecordType, ttl: record.ttl, values: [], records: [] };
        set.values.push(value);
        set.records.push({ id: record.id, value });
        sets.set(key, set);
      }
      return [...sets.values()];
    },

    /** `POST /v2/domains/{domain}/records`. */
    async createRecord(zone: string, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<DigitalOceanApiRecord> {
      const body = { type: record.type, name: toRelativeName(record.name, zone), data: toData(record.type, record.value), ttl: toTtl(record.ttl) };
      const answer = await request<{ domain_record: DigitalOceanApiRecord }>('POST', `${domainPath(zone)}/records`, signal, body);
      return answer!.domain_record;
    },

    /** `PUT /v2/domains/{domain}/records/{id}`. */
    async updateRecord(zone: string, id: number, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<void> {
      const body = { type: record.type, name: toRelativeName(record.name, zone), data: toData(record.type, record.value), ttl: toTtl(record.ttl) };
      await request('PUT', `${domainPath(zone)}/records/${id}`, signal, body);
    },

    /** `DELETE /v2/domains/{domain}/records/{id}`. Deleting what is already gone succeeds. */
    async deleteRecord(zone: string, id: number, { signal }: CallOptions = {}): Promise<void> {
      try {
        await request('DELETE', `${domainPath(zone)}/records/${id}`, signal);
      } catch (error) {
        if (error instanceof DigitalOceanDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
