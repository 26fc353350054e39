/**
 * A Name.com DNS client over the documented API v4 (`/v4/domains`, `/v4/domains/{domainName}/records`), in
 * Portico's record set form. It knows nothing of the kernel beyond its types and error kinds: every failure is a
 * `NamecomDnsError` with a `kind`.
 *
 * Name.com publishes no official JavaScript SDK, so this is plain `fetch`: HTTP Basic authentication with the
 * account's username and an API token, every request bounded by `timeoutMs` and the caller's signal, never
 * retried (the kernel's job layer retries).
 *
 * API reference: https://www.name.com/api-docs (overview: errors, pagination with `perPage`/`page` answered by
 * `nextPage`/`lastPage`), https://www.name.com/api-docs/DNS (records), https://www.name.com/api-docs/Domains.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromAnswer, fromHost, normalName, toAnswer, toHost, toNamecomTtl } from './content.ts';
import { errorFromResponse, NamecomDnsError, redact } from './errors.ts';

export { fromAnswer, fromHost, NAMECOM_MIN_TTL, normalName, toAnswer, toHost, toNamecomTtl } from './content.ts';
export { errorFromResponse, NamecomDnsError, parseRetryAfter, RATE_LIMIT_WINDOW_SECONDS, secondsUntilReset } from './errors.ts';

export const NAMECOM_API_URL = 'https://api.name.com';

export interface NamecomClientOptions {
  /** The Name.com account username (the test environment's is the username with `-test`). */
  username: string;
  /** An API token of that account. */
  token: string;
  /** Default `https://api.name.com` (the test environment is `https://api.dev.name.com`). */
  baseURL?: string;
  /** Longest wait for one request, body included. Default 15000. */
  timeoutMs?: number;
  /** Items asked for per page (Name.com's default is 1000). Default 1000. */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

/** A record as the API returns it (fields at their default value are left out of the JSON). */
export interface NamecomApiRecord {
  id: number;
  domainName?: string;
  host?: string;
  fqdn?: string;
  type: string;
  answer: string;
  ttl?: number;
  priority?: number;
}

export interface NamecomZone {
  /** Lower case, no trailing dot. */
  name: string;
  /** The domain's delegation at the registry, lower case. */
  nameservers: string[];
}

/** A record set in Portico's form, with the Name.com records (ids) behind it. */
export interface NamecomRecordSet extends RecordSet {
  records: Array<{ id: number; value: string }>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

const TYPES: ReadonlySet<string> = new Set<RecordType>(['A', 'AAAA', 'CNAME', 'TXT']);
const MAX_PAGES = 10_000;

export type NamecomDnsClient = ReturnType<typeof createNamecomClient>;

export function createNamecomClient(options: NamecomClientOptions) {
  const { username, token } = options;
  const base = (options.baseURL ?? NAMECOM_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 1000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const basic = Buffer.from(`${username}:${token}`).toString('base64');
  const secrets = [token, basic];

  async function request<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<T | undefined> {
    const call = `${method} ${path.replace(/\?.*$/, '')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        // POST and PUT must say `application/json`, or Name.com answers 403.
        headers: { authorization: `Basic ${basic}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      // The caller gave up: its AbortError passes through untouched.
      if (signal?.aborted) throw signal.reason ?? error;
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${cause})`;
      throw new NamecomDnsError('transient', redact(`Name.com ${call}: ${why}`, secrets));
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers, secrets);
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new NamecomDnsError('transient', `Name.com ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** Every item of a paged list: asks `page` 1, 2, … while the answer names a `nextPage`. */
  async function readPages<T>(path: string, key: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let page = 1;
    for (let count = 0; count < MAX_PAGES; count++) {
      const answer = await request<{ nextPage?: number } & Record<string, unknown>>('GET', `${path}?perPage=${perPage}&page=${page}`, signal);
      // Name.com leaves out empty lists, as it leaves out every field at its default value.
      const list = answer?.[key] ?? [];
      if (!Array.isArray(list)) throw new NamecomDnsError('transient', `Name.com GET ${path}: the answer's ${key} is not a list`);
      items.push(...(list as T[]));
      const next = answer?.nextPage;
      if (typeof next !== 'number' || next <= page || list.length === 0) return items;
      page = next;
    }
    throw new NamecomDnsError('transient', `Name.com GET ${path}: more than ${MAX_PAGES} pages`);
  }

  const domainPath = (zone: string) => `/v4/domains/${encodeURIComponent(normalName(zone))}`;
  const listRecords = (zone: string, { signal }: CallOptions = {}) => readPages<NamecomApiRecord>(`${domainPath(zone)}/records`, 'records', signal);
  const body = (zone: string, record: { name: string; type: RecordType; value: string; ttl: number }) => ({
    host: toHost(record.name, zone),
    type: record.type,
    answer: toAnswer(record.type, record.value),
    ttl: toNamecomTtl(record.ttl),
  });

  return {
    /** `GET /v4/hello`: the username the credential authenticates as. */
    async hello({ signal }: CallOptions = {}): Promise<string> {
      const answer = await request<{ username?: string }>('GET', '/v4/hello', signal);
      return answer?.username ?? '';
    },

    /** `GET /v4/domains`, all pages: the domains of the account. */
    async listZones({ signal }: CallOptions = {}): Promise<string[]> {
      return (await readPages<{ domainName: string }>('/v4/domains', 'domains', signal)).map((d) => normalName(d.domainName));
    },

    /** `GET /v4/domains/{domainName}`: the domain and its nameservers; `not_found` when the account has no such domain. */
    async getZone(zone: string, { signal }: CallOptions = {}): Promise<NamecomZone> {
      const name = normalName(zone);
      const answer = await request<{ domainName?: string; nameservers?: string[] }>('GET', domainPath(name), signal);
      if (normalName(answer?.domainName ?? '') !== name) throw new NamecomDnsError('transient', `Name.com GET /v4/domains/${name}: the answer is not that domain`);
      return { name, nameservers: (answer?.nameservers ?? []).map(normalName).sort() };
    },

    listRecords,

    /** The zone's A, AAAA, CNAME and TXT record sets (all pages), with the record ids behind each. */
    async getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<NamecomRecordSet[]> {
      const apex = normalName(zone);
      const sets = new Map<string, NamecomRecordSet>();
      for (const record of await listRecords(apex, { signal })) {
        if (!TYPES.has(record.type)) continue;
        const name = fromHost(record.host, apex);
        const value = fromAnswer(record.type, record.answer);
        const key = `${name} ${record.type}`;
        const set = sets.get(key) ?? { name, type: record.type as RecordType, ttl: record.ttl ?? 300, values: [], records: [] };
        set.values.push(value);
        set.records.push({ id: record.id, value });
        sets.set(key, set);
      }
      return [...sets.values()];
    },

    /** `POST /v4/domains/{domainName}/records`. */
    async createRecord(zone: string, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<NamecomApiRecord> {
      return (await request<NamecomApiRecord>('POST', `${domainPath(zone)}/records`, signal, body(zone, record)))!;
    },

    /** `PUT /v4/domains/{domainName}/records/{id}`: host, type, answer and TTL. */
    async updateRecord(zone: string, id: number, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<void> {
      await request('PUT', `${domainPath(zone)}/records/${id}`, signal, { id, ...body(zone, record) });
    },

    /** `DELETE /v4/domains/{domainName}/records/{id}`. Deleting what is already gone succeeds. */
    async deleteRecord(zone: string, id: number, { signal }: CallOptions = {}): Promise<void> {
      try {
        await request('DELETE', `${domainPath(zone)}/records/${id}`, signal);
      } catch (error) {
        if (error instanceof NamecomDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
