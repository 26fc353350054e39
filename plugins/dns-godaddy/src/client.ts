/**
 * A GoDaddy DNS client over the Domains API v1 (https://developer.godaddy.com/doc/endpoint/domains), in Portico's
 * record set form. GoDaddy publishes no JavaScript SDK, so this calls the documented HTTP API with `fetch`. It knows
 * nothing of the kernel beyond its types and error kinds: every failure is a `GoDaddyDnsError` with a `kind`.
 *
 * Calls: `GET /v1/domains` (paged by `marker`), `GET /v1/domains/{domain}`, `GET /v1/domains/{domain}/records`
 * (paged by `offset`/`limit`), `PUT /v1/domains/{domain}/records/{type}/{name}` (replaces one record set) and
 * `DELETE /v1/domains/{domain}/records/{type}/{name}`. Every call is bounded by `timeoutMs`; nothing retries.
 */
import type { ProviderChange, ProviderRecordSet, RecordType } from '@portico/kernel';
import { errorFromResponse, GoDaddyDnsError } from './errors.ts';

export { GoDaddyDnsError, parseRetryAfter } from './errors.ts';

export const GODADDY_API_URL = 'https://api.godaddy.com';
const TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
/** GoDaddy's TTL bounds: 600 s to 604,800 s. */
export const GODADDY_MIN_TTL = 600;
export const GODADDY_MAX_TTL = 604_800;
const MAX_PAGES = 10_000;
/** Failures about the call rather than one change: thrown, so the job layer stops or retries the whole apply. */
const CALL_LEVEL = new Set(['auth', 'permission', 'rate_limit', 'transient']);

export interface GoDaddyClientOptions {
  /** The API key, sent as `Authorization: sso-key KEY:SECRET`. */
  apiKey: string;
  apiSecret: string;
  /** Default `https://api.godaddy.com` (the OTE test environment is `https://api.ote-godaddy.com`). */
  baseURL?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  /** Records (and domains) asked for per page. Default 500. */
  pageSize?: number;
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface GoDaddyZone {
  name: string;
  id?: string;
  nameservers: string[];
  status?: string;
}

/** A record as the API holds it: `name` relative to the domain (`@` for the apex). */
export interface GoDaddyRecord {
  type: string;
  name: string;
  data: string;
  ttl?: number;
}

export interface GoDaddyDnsClient {
  listZones(options?: CallOptions): Promise<GoDaddyZone[]>;
  getZone(zone: string, options?: CallOptions): Promise<GoDaddyZone>;
  getRecordSets(zone: string, options?: CallOptions): Promise<ProviderRecordSet[]>;
  /** One request per record set: a PUT of its whole values, or a DELETE. One result per change. */
  applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], options?: CallOptions): Promise<Array<Error | undefined>>;
}

export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** `shop.example.com` in `example.com` → `shop`; the apex → `@`. */
export function toRelative(name: string, zone: string): string {
  const n = normalName(name);
  const z = normalName(zone);
  if (n === z) return '@';
  if (!n.endsWith(`.${z}`)) throw new GoDaddyDnsError('validation', `${n} is not inside the zone ${z}`);
  return n.slice(0, -(z.length + 1));
}

export const fromRelative = (name: string, zone: string): string => {
  const n = normalName(name);
  return n === '@' || n === '' ? normalName(zone) : `${n}.${normalName(zone)}`;
};

/** Portico's value form: CNAME targets lower case without the dot (`@` meaning the apex), the rest as stored. */
export function fromData(type: RecordType, data: string, zone: string): string {
  if (type === 'CNAME') return data === '@' ? normalName(zone) : normalName(data);
  if (type === 'AAAA') return data.toLowerCase();
  return data;
}

export const toGoDaddyTtl = (ttl: number): number => Math.min(GODADDY_MAX_TTL, Math.max(GODADDY_MIN_TTL, Math.round(ttl)));

export function createGoDaddyClient(options: GoDaddyClientOptions): GoDaddyDnsClient {
  const baseURL = (options.baseURL ?? GODADDY_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pageSize = options.pageSize ?? 500;
  const doFetch = options.fetch ?? globalThis.fetch;
  const authorization = `sso-key ${options.apiKey}:${options.apiSecret}`;

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
        headers: { authorization, accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      if (timeout.aborted) throw new GoDaddyDnsError('transient', `GoDaddy ${what}: no answer in ${timeoutMs} ms`);
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new GoDaddyDnsError('transient', `GoDaddy ${what}: could not reach the API: ${cause}`);
    }
    if (!response.ok) throw errorFromResponse(what, response.status, response.statusText, text, response.headers);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new GoDaddyDnsError('transient', `GoDaddy ${what}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  const domainPath = (zone: string) => `/v1/domains/${encodeURIComponent(normalName(zone))}`;

  async function listZones({ signal }: CallOptions = {}): Promise<GoDaddyZone[]> {
    const zones: GoDaddyZone[] = [];
    let marker: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: Record<string, string> = { limit: String(pageSize), ...(marker ? { marker } : {}) };
      const items = (await call<Array<{ domain: string; domainId?: number; status?: string; nameServers?: string[] | null }>>('list domains', 'GET', '/v1/domains', { query, signal })) ?? [];
      if (!Array.isArray(items)) throw new GoDaddyDnsError('transient', 'GoDaddy list domains: the answer is not a list');
      zones.push(...items.map((d) => ({ name: normalName(d.domain), id: d.domainId === undefined ? undefined : String(d.domainId), nameservers: (d.nameServers ?? []).map(normalName), status: d.status })));
      if (items.length < pageSize) return zones;
      marker = items.at(-1)!.domain;
    }
    throw new GoDaddyDnsError('transient', `GoDaddy list domains: more than ${MAX_PAGES} pages`);
  }

  async function getZone(zone: string, { signal }: CallOptions = {}): Promise<GoDaddyZone> {
    const name = normalName(zone);
    try {
      const d = await call<{ domain: string; domainId?: number; status?: string; nameServers?: string[] | null }>('read the domain', 'GET', domainPath(name), { signal });
      if (!d || typeof d.domain !== 'string') throw new GoDaddyDnsError('transient', 'GoDaddy read the domain: the answer has no domain');
      return { name: normalName(d.domain), id: d.domainId === undefined ? undefined : String(d.domainId), nameservers: (d.nameServers ?? []).map(normalName), status: d.status };
    } catch (error) {
      if (error instanceof GoDaddyDnsError && error.kind === 'not_found') {
        throw new GoDaddyDnsError('not_found', `GoDaddy has no domain ${name} in the account of this API key`, { status: error.status, code: error.providerCode });
      }
      throw error;
    }
  }

  async function listRecords(zone: string, signal?: AbortSignal): Promise<GoDaddyRecord[]> {
    const records: GoDaddyRecord[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = { offset: String(page * pageSize), limit: String(pageSize) };
      const items = (await call<GoDaddyRecord[]>('list DNS records', 'GET', `${domainPath(zone)}/records`, { query, signal })) ?? [];
      if (!Array.isArray(items)) throw new GoDaddyDnsError('transient', 'GoDaddy list DNS records: the answer is not a list');
      records.push(...items);
      if (items.length < pageSize) return records;
    }
    throw new GoDaddyDnsError('transient', `GoDaddy list DNS records: more than ${MAX_PAGES} pages`);
  }

  async function getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<ProviderRecordSet[]> {
    const sets = new Map<string, ProviderRecordSet>();
    for (const record of await listRecords(zone, signal)) {
      const type = record.type?.toUpperCase() as RecordType;
      if (!TYPES.includes(type) || typeof record.data !== 'string') continue;
      const name = fromRelative(record.name, zone);
      const key = `${name} ${type}`;
      const set = sets.get(key) ?? { name, type, ttl: record.ttl ?? GODADDY_MIN_TTL, values: [] };
      set.values.push(fromData(type, record.data, zone));
      sets.set(key, set);
    }
    return [...sets.values()];
  }

  return {
    listZones,
    getZone,
    getRecordSets,
    async applyChanges(zone, changes, { signal } = {}) {
      const results: Array<Error | undefined> = [];
      for (const { action, set } of changes) {
        const path = `${domainPath(zone)}/records/${set.type}/${encodeURIComponent(toRelative(set.name, zone))}`;
        try {
          if (action === 'delete') {
            try {
              await call('delete a record set', 'DELETE', path, { signal });
            } catch (error) {
              // Already gone is what a delete wants.
              if (!(error instanceof GoDaddyDnsError && error.status === 404)) throw error;
            }
          } else {
            const ttl = toGoDaddyTtl(set.ttl);
            await call('replace a record set', 'PUT', path, { body: set.values.map((data) => ({ data, ttl })), signal });
          }
          results.push(undefined);
        } catch (error) {
          if (!(error instanceof GoDaddyDnsError) || CALL_LEVEL.has(error.kind)) throw error;
          results.push(error);
        }
      }
      return results;
    },
  };
}
