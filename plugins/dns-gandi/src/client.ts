/**
 * A client for the Gandi LiveDNS API v5 (https://api.gandi.net/docs/livedns/), in Portico's record set form.
 * Gandi has no official JavaScript SDK, so this calls the documented REST API with `fetch`. It knows nothing of
 * the kernel beyond its types: every failure is a `GandiError` with a `kind`.
 *
 * - Authentication: `Authorization: Bearer <personal access token>` and nothing else carries the token.
 * - Collections (`GET /domains`, `GET /domains/{fqdn}/records`) are paged with `page` and `per_page`, with the
 *   total in the `Total-Count` header; the client reads until it has that many, or, without the header, until a
 *   page comes back empty.
 * - A record set is written with `PUT /domains/{fqdn}/records/{name}/{type}` (created or replaced whole) and
 *   removed with `DELETE` on the same path: one request per record set, so an apply is not atomic.
 * - Every request has a timeout and honours the caller's `signal`; the client never retries (the kernel does).
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromGandiValue, fromRrsetName, isRecordType, normalName, toGandiTtl, toGandiValue, toRrsetName } from './content.ts';
import { errorFromResponse, GandiError } from './errors.ts';

export { decodeTxt, encodeTxt, toRrsetName } from './content.ts';
export { errorFromResponse, GandiError, parseRetryAfter } from './errors.ts';

export const GANDI_LIVEDNS_URL = 'https://api.gandi.net/v5/livedns';

export interface GandiClientOptions {
  /** A Gandi personal access token, sent as `Authorization: Bearer …`. */
  token: string;
  /** Default `https://api.gandi.net/v5/livedns`. */
  apiUrl?: string;
  /** Longest wait for one request, body included. Default 15000 ms. */
  timeoutMs?: number;
  /** Items asked for per page of a collection. Default 100. */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

interface ApiRRset { rrset_name: string; rrset_type: string; rrset_ttl: number; rrset_values: string[] }
interface ApiDomain { fqdn: string }

const MAX_PAGES = 10_000;

export type GandiClient = ReturnType<typeof createGandiClient>;

export function createGandiClient(options: GandiClientOptions) {
  const base = (options.apiUrl ?? GANDI_LIVEDNS_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 100;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  async function request<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<{ data: T; headers: Headers }> {
    const call = `${method} ${path.replace(/\?.*$/, '')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message})`;
      throw new GandiError('transient', `Gandi ${call}: ${why}`);
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers.get('retry-after'));
    try {
      return { data: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
    } catch {
      throw new GandiError('transient', `Gandi ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** Every item of a paged collection. */
  async function readAll<T>(path: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data, headers } = await request<T[]>('GET', `${path}?page=${page}&per_page=${perPage}`, signal);
      if (!Array.isArray(data)) throw new GandiError('transient', `Gandi GET ${path}: the answer is not a list`);
      items.push(...data);
      const total = Number(headers.get('total-count') ?? Number.NaN);
      if (data.length === 0 || (Number.isFinite(total) && items.length >= total)) return items;
    }
    throw new GandiError('transient', `Gandi GET ${path}: more than ${MAX_PAGES} pages`);
  }

  const domainPath = (zone: string) => `/domains/${encodeURIComponent(normalName(zone))}`;
  const rrsetPath = (zone: string, name: string, type: RecordType) =>
    `${domainPath(zone)}/records/${encodeURIComponent(toRrsetName(name, zone))}/${type}`;

  const notFound = (zone: string) => (error: unknown): never => {
    if (error instanceof GandiError && error.kind === 'not_found') {
      throw new GandiError('not_found', `Gandi LiveDNS has no domain ${normalName(zone)} that this token can see`, { status: 404 });
    }
    throw error;
  };

  return {
    /** `GET /domains` (every page): the LiveDNS domains the token can see. */
    async listDomains(signal?: AbortSignal): Promise<string[]> {
      return (await readAll<ApiDomain>('/domains', signal)).map((d) => normalName(d.fqdn));
    },

    /** `GET /domains/{fqdn}` and its `/nameservers`; `not_found` when the token cannot see the domain. */
    async getDomain(zone: string, signal?: AbortSignal): Promise<{ name: string; nameservers: string[] }> {
      const { data } = await request<ApiDomain>('GET', domainPath(zone), signal).catch(notFound(zone));
      const { data: nameservers } = await request<string[]>('GET', `${domainPath(zone)}/nameservers`, signal).catch(notFound(zone));
      return { name: normalName(data.fqdn), nameservers: (nameservers ?? []).map(normalName).sort() };
    },

    /** Every A, AAAA, CNAME and TXT record set of the domain (every page), in Portico's form. */
    async getRecordSets(zone: string, signal?: AbortSignal): Promise<RecordSet[]> {
      const rrsets = await readAll<ApiRRset>(`${domainPath(zone)}/records`, signal).catch(notFound(zone));
      return rrsets.flatMap((rrset) => {
        const type = rrset.rrset_type;
        if (!isRecordType(type)) return [];
        return [{ name: fromRrsetName(rrset.rrset_name, zone), type, ttl: rrset.rrset_ttl, values: rrset.rrset_values.map((v) => fromGandiValue(type, v, zone)) }];
      });
    },

    /** `PUT /domains/{fqdn}/records/{name}/{type}`: creates or replaces the whole record set. */
    async putRecordSet(zone: string, set: RecordSet, signal?: AbortSignal): Promise<void> {
      const body = { rrset_ttl: toGandiTtl(set.ttl), rrset_values: set.values.map((v) => toGandiValue(set.type, v)) };
      await request('PUT', rrsetPath(zone, set.name, set.type), signal, body);
    },

    /** `DELETE /domains/{fqdn}/records/{name}/{type}`; a record set already gone is a success. */
    async deleteRecordSet(zone: string, name: string, type: RecordType, signal?: AbortSignal): Promise<void> {
      try {
        await request('DELETE', rrsetPath(zone, name, type), signal);
      } catch (error) {
        if (error instanceof GandiError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
