/**
 * A client for the deSEC DNS API v1 (https://desec.readthedocs.io/en/latest/), in Portico's record set form. deSEC
 * has no official JavaScript SDK, so this calls the documented REST API with `fetch`. It knows nothing of the kernel
 * beyond its types: every failure is a `DesecError` with a `kind`.
 *
 * - Authentication: `Authorization: Token <token>` and nothing else carries the token.
 * - Lists (`GET /domains/`, `GET /domains/{name}/rrsets/`) are paginated at 500 items with a cursor in the `Link`
 *   header; without a `cursor` parameter deSEC refuses a longer list with 400, so the client always sends one
 *   (empty for the first page) and follows `rel="next"`, taking only the cursor from the link (the token never
 *   goes to a host the link names).
 * - Writes are one bulk `PATCH /domains/{name}/rrsets/`, which deSEC applies atomically: all RRsets or none.
 *   An RRset with `records: []` is deleted.
 * - Every request has a timeout and honours the caller's `signal`; the client never retries (the kernel does).
 */
import type { RecordSet } from '@portico/kernel';
import { fromDesecRecord, isRecordType, normalName, toDesecRecord, toDesecTtl, toSubname } from './content.ts';
import { DesecError, errorFromResponse } from './errors.ts';

export { decodeTxt, encodeTxt, toSubname } from './content.ts';
export { DesecError, errorFromResponse, parseRetryAfter } from './errors.ts';

export const DESEC_API_URL = 'https://desec.io/api/v1';

export interface DesecClientOptions {
  /** A deSEC API token, sent as `Authorization: Token …`. */
  token: string;
  /** Default `https://desec.io/api/v1`. */
  apiUrl?: string;
  /** Longest wait for one request, body included. Default 15000 ms. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export interface DesecDomain {
  /** Lower case, no trailing dot. */
  name: string;
  /** The lowest TTL deSEC accepts in this domain. */
  minimumTtl: number;
}

/** One RRset as written: a record set, or `values: []` to delete it. */
export interface DesecWrite {
  set: RecordSet;
}

interface ApiDomain { name: string; minimum_ttl?: number }
interface ApiRRset { subname: string; name: string; type: string; ttl: number; records: string[] }

const MAX_PAGES = 10_000;
const DEFAULT_MINIMUM_TTL = 3600;

/** The cursor of the `rel="next"` link in a `Link` header, if any. */
export function nextCursor(link: string | null): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (match) return new URL(match[1]!, 'http://link.invalid').searchParams.get('cursor') ?? undefined;
  }
  return undefined;
}

export type DesecClient = ReturnType<typeof createDesecClient>;

export function createDesecClient(options: DesecClientOptions) {
  const base = (options.apiUrl ?? DESEC_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const domains = new Map<string, DesecDomain>();

  async function request<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<{ data: T; headers: Headers }> {
    const call = `${method} ${path.replace(/\?.*$/, '')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: `Token ${options.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message})`;
      throw new DesecError('transient', `deSEC ${call}: ${why}`);
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers.get('retry-after'));
    try {
      return { data: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
    } catch {
      throw new DesecError('transient', `deSEC ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** Every item of a cursor-paginated list. */
  async function readAll<T>(path: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let cursor = '';
    const joiner = path.includes('?') ? '&' : '?';
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data, headers } = await request<T[]>('GET', `${path}${joiner}cursor=${encodeURIComponent(cursor)}`, signal);
      if (!Array.isArray(data)) throw new DesecError('transient', `deSEC GET ${path}: the answer is not a list`);
      items.push(...data);
      const next = nextCursor(headers.get('link'));
      if (next === undefined || next === cursor) return items;
      cursor = next;
    }
    throw new DesecError('transient', `deSEC GET ${path}: more than ${MAX_PAGES} pages`);
  }

  const domainPath = (zone: string) => `/domains/${encodeURIComponent(normalName(zone))}`;

  async function getDomain(zone: string, signal?: AbortSignal): Promise<DesecDomain> {
    const name = normalName(zone);
    const cached = domains.get(name);
    if (cached) return cached;
    try {
      const { data } = await request<ApiDomain>('GET', `${domainPath(name)}/`, signal);
      const domain = { name: normalName(data.name), minimumTtl: data.minimum_ttl ?? DEFAULT_MINIMUM_TTL };
      domains.set(name, domain);
      return domain;
    } catch (error) {
      if (error instanceof DesecError && error.kind === 'not_found') {
        throw new DesecError('not_found', `deSEC has no domain ${name} that this token can see`, { status: 404 });
      }
      throw error;
    }
  }

  return {
    /** `GET /domains/` (every page): the domains the token can see. */
    async listDomains(signal?: AbortSignal): Promise<DesecDomain[]> {
      const list = await readAll<ApiDomain>('/domains/', signal);
      return list.map((d) => ({ name: normalName(d.name), minimumTtl: d.minimum_ttl ?? DEFAULT_MINIMUM_TTL }));
    },

    getDomain,

    /** The apex NS RRset (`GET /domains/{name}/rrsets/@/NS/`), deSEC's nameservers for the domain. */
    async getNameservers(zone: string, signal?: AbortSignal): Promise<string[]> {
      try {
        const { data } = await request<ApiRRset>('GET', `${domainPath(zone)}/rrsets/@/NS/`, signal);
        return (data?.records ?? []).map(normalName).sort();
      } catch (error) {
        if (error instanceof DesecError && error.kind === 'not_found') return [];
        throw error;
      }
    },

    /** Every A, AAAA, CNAME and TXT RRset of the domain (every page), in Portico's form. */
    async getRecordSets(zone: string, signal?: AbortSignal): Promise<RecordSet[]> {
      await getDomain(zone, signal);
      const rrsets = await readAll<ApiRRset>(`${domainPath(zone)}/rrsets/`, signal);
      return rrsets.flatMap((rrset) => {
        const type = rrset.type;
        if (!isRecordType(type)) return [];
        return [{ name: normalName(rrset.name), type, ttl: rrset.ttl, values: rrset.records.map((r) => fromDesecRecord(type, r)) }];
      });
    },

    /** One bulk `PATCH /domains/{name}/rrsets/`, all or nothing. An empty `values` deletes the RRset. */
    async writeRecordSets(zone: string, sets: readonly RecordSet[], signal?: AbortSignal): Promise<void> {
      if (sets.length === 0) return;
      const { minimumTtl } = await getDomain(zone, signal);
      const body = sets.map((set) => ({
        subname: toSubname(set.name, zone),
        type: set.type,
        ttl: toDesecTtl(set.ttl, minimumTtl),
        records: set.values.map((value) => toDesecRecord(set.type, value)),
      }));
      await request('PATCH', `${domainPath(zone)}/rrsets/`, signal, body);
    },
  };
}
