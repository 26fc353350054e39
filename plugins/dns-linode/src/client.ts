/**
 * A Linode DNS Manager client over the official SDK (`@linode/api-v4`), in Portico's record form. It knows nothing
 * of the kernel beyond its types and error kinds: every failure is a `LinodeDnsError` with a `kind`.
 *
 * The SDK keeps one module-wide axios instance (`baseRequest`) whose URLs are absolute (`https://api.linode.com/v4/…`)
 * and whose token is set once for the process (`setToken`). Portico holds one token per customer and calls in
 * parallel, so this client never calls `setToken`: one request interceptor, installed once, reads the credential,
 * base URL, signal and `fetch` of the call in progress from an `AsyncLocalStorage` scope that every method opens,
 * and leaves requests made outside such a scope alone. The SDK never retries: the kernel's job layer does.
 *
 * API reference: https://techdocs.akamai.com/linode-api/reference/get-domains (domains) and
 * https://techdocs.akamai.com/linode-api/reference/get-domain-records (records, paginated with `page`/`page_size`,
 * answers `{ data, page, pages, results }`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as linodeSdk from '@linode/api-v4';
import type { RecordSet, RecordType } from '@portico/kernel';
import { absoluteName, fromTarget, isRecordType, normalName, relativeName, toLinodeTtl, toTarget } from './content.ts';
import { classify, LinodeDnsError } from './errors.ts';

export { absoluteName, decodeTxt, relativeName, toLinodeTtl } from './content.ts';

/**
 * The SDK's functions this client calls, typed here: the package's declarations re-export their modules without file
 * extensions, which TypeScript's NodeNext resolution does not follow, so its named exports do not type-check.
 * Shapes from https://techdocs.akamai.com/linode-api/reference/get-domains and …/get-domain-records.
 */
interface Domain {
  id: number;
  domain: string;
  type: 'master' | 'slave';
  status: string;
}

interface DomainRecord {
  id: number;
  type: string;
  name: string;
  target: string;
  ttl_sec: number;
}

interface ResourcePage<T> {
  data: T[];
  page: number;
  pages: number;
  results: number;
}

type Params = { page?: number; page_size?: number };

/** What the interceptor touches of an axios request config. */
interface RequestConfig {
  url?: string;
  headers: { set(name: string, value: string): unknown };
  signal?: unknown;
  adapter?: unknown;
  env?: Record<string, unknown>;
}

interface LinodeSdk {
  baseRequest: { interceptors: { request: { use(onFulfilled: (config: RequestConfig) => RequestConfig): number } } };
  getDomains(params?: Params, filter?: Record<string, unknown>): Promise<ResourcePage<Domain>>;
  getDomain(domainId: number): Promise<Domain>;
  getDomainRecords(domainId: number, params?: Params): Promise<ResourcePage<DomainRecord>>;
  createDomainRecord(domainId: number, data: Partial<DomainRecord>): Promise<DomainRecord>;
  updateDomainRecord(domainId: number, recordId: number, data: Partial<DomainRecord>): Promise<DomainRecord>;
  deleteDomainRecord(domainId: number, recordId: number): Promise<object>;
}

const { baseRequest, createDomainRecord, deleteDomainRecord, getDomain, getDomainRecords, getDomains, updateDomainRecord } = linodeSdk as unknown as LinodeSdk;

export { LinodeDnsError, parseRetryAfter, secondsUntilReset } from './errors.ts';

/** The SDK's fixed API root, which the interceptor swaps for the client's `baseURL`. */
export const LINODE_API_URL = 'https://api.linode.com/v4';

/** Linode serves every DNS Manager zone from these five (https://techdocs.akamai.com/cloud-computing/docs/dns-manager). */
export const LINODE_NAMESERVERS: readonly string[] = ['ns1.linode.com', 'ns2.linode.com', 'ns3.linode.com', 'ns4.linode.com', 'ns5.linode.com'];

export interface LinodeClientOptions {
  /** A personal access token, sent as `Authorization: Bearer`. */
  token: string;
  /** Default `https://api.linode.com/v4`. */
  baseURL?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  /** Records and domains asked for per page: 25–500 (Linode's default is 100). */
  pageSize?: number;
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface LinodeZone {
  id: number;
  /** Lower case, no trailing dot. */
  name: string;
  nameservers: string[];
  status: string;
}

/** One Linode record of a set: its id and the value it holds in Portico's form. */
export interface LinodeRecordRef {
  id: number;
  value: string;
}

/** A record set in Portico's form, with the Linode records behind it (the kernel hands it back as `before`). */
export interface LinodeRecordSet extends RecordSet {
  records: LinodeRecordRef[];
}

interface CallScope {
  baseURL: string;
  token: string;
  signal: AbortSignal;
  fetch?: typeof globalThis.fetch;
}

const scope = new AsyncLocalStorage<CallScope>();
let interceptorInstalled = false;

function installInterceptor(): void {
  if (interceptorInstalled) return;
  interceptorInstalled = true;
  baseRequest.interceptors.request.use((config) => {
    const call = scope.getStore();
    if (!call) return config;
    const url = config.url ?? '';
    if (url.startsWith(LINODE_API_URL)) config.url = `${call.baseURL}${url.slice(LINODE_API_URL.length)}`;
    config.headers.set('Authorization', `Bearer ${call.token}`);
    config.signal = call.signal;
    if (call.fetch) {
      config.adapter = 'fetch';
      config.env = { ...config.env, fetch: call.fetch };
    }
    return config;
  });
}

const MAX_PAGES = 10_000;

export type LinodeDnsClient = ReturnType<typeof createLinodeClient>;

export function createLinodeClient(options: LinodeClientOptions) {
  const { token } = options;
  const baseURL = (options.baseURL ?? LINODE_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pageSize = options.pageSize ?? 100;
  installInterceptor();
  const zones = new Map<string, LinodeZone>();

  /** One SDK call inside this client's scope, bounded by `timeoutMs` and the caller's signal. */
  async function call<T>(what: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await scope.run({ baseURL, token, signal: combined, fetch: options.fetch }, fn);
    } catch (error) {
      throw classify(error, what, token, signal, timeoutMs);
    }
  }

  /** Every item of a paged list: follows `pages`. */
  async function readPages<T>(what: string, fetchPage: (page: number) => Promise<ResourcePage<T>>, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await call(what, () => fetchPage(page), signal);
      if (!answer || !Array.isArray(answer.data)) throw new LinodeDnsError('transient', `Linode ${what}: the answer is not a page of results`);
      items.push(...answer.data);
      if (answer.data.length === 0 || page >= (answer.pages ?? 1)) return items;
    }
    throw new LinodeDnsError('transient', `Linode ${what}: more than ${MAX_PAGES} pages`);
  }

  const toZone = (domain: Domain): LinodeZone => ({ id: domain.id, name: normalName(domain.domain), nameservers: [...LINODE_NAMESERVERS], status: domain.status });

  async function listZones({ signal }: CallOptions = {}): Promise<LinodeZone[]> {
    const domains = await readPages('list domains', (page) => getDomains({ page, page_size: pageSize }), signal);
    return domains.filter((d) => d.type === 'master').map(toZone);
  }

  /** The domain by name (`GET /domains` with `X-Filter: {"domain": …}`); `not_found` when the token cannot see it. */
  async function getZone(zone: string, { signal }: CallOptions = {}): Promise<LinodeZone> {
    const name = normalName(zone);
    const cached = zones.get(name);
    if (cached) return cached;
    const found = (await readPages(`find the domain ${name}`, (page) => getDomains({ page, page_size: pageSize }, { domain: name }), signal))
      .map(toZone)
      .find((z) => z.name === name);
    if (!found) throw new LinodeDnsError('not_found', `Linode has no domain ${name} that this token can see`);
    zones.set(name, found);
    return found;
  }

  /** `GET /domains/{id}`: one domain by id (cheap; used to prove a token reaches a zone). */
  const getZoneById = async (id: number, { signal }: CallOptions = {}): Promise<LinodeZone> => toZone(await call(`read domain ${id}`, () => getDomain(id), signal));

  /** Every A, AAAA, CNAME and TXT record set of the zone (all pages), with the records behind each. */
  async function getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<LinodeRecordSet[]> {
    const { id, name } = await getZone(zone, { signal });
    const records = await readPages(`list the records of ${name}`, (page) => getDomainRecords(id, { page, page_size: pageSize }), signal);
    const sets = new Map<string, LinodeRecordSet>();
    for (const record of records) {
      if (!isRecordType(record.type)) continue;
      const setName = absoluteName(record.name, name);
      const key = `${setName} ${record.type}`;
      const value = fromTarget(record.type, record.target);
      const set = sets.get(key) ?? { name: setName, type: record.type, ttl: record.ttl_sec, values: [], records: [] };
      set.values.push(value);
      set.records.push({ id: record.id, value });
      sets.set(key, set);
    }
    return [...sets.values()];
  }

  const payload = (zone: string, name: string, type: RecordType, value: string, ttl: number): Partial<DomainRecord> => ({
    type,
    name: relativeName(name, zone),
    target: toTarget(type, value),
    ttl_sec: toLinodeTtl(ttl),
  });

  return {
    listZones,
    getZone,
    getZoneById,
    getRecordSets,

    /** `POST /domains/{id}/records`. */
    async createRecord(zone: string, set: { name: string; type: RecordType; ttl: number }, value: string, { signal }: CallOptions = {}): Promise<number> {
      const { id, name } = await getZone(zone, { signal });
      const created = await call(`create a ${set.type} record at ${set.name}`, () => createDomainRecord(id, payload(name, set.name, set.type, value, set.ttl)), signal);
      return created.id;
    },

    /** `PUT /domains/{id}/records/{recordId}`: a new value (and TTL) for one record. */
    async updateRecord(zone: string, recordId: number, set: { name: string; type: RecordType; ttl: number }, value: string, { signal }: CallOptions = {}): Promise<void> {
      const { id, name } = await getZone(zone, { signal });
      const { type: _type, ...body } = payload(name, set.name, set.type, value, set.ttl);
      await call(`update the ${set.type} record at ${set.name}`, () => updateDomainRecord(id, recordId, body), signal);
    },

    /** `DELETE /domains/{id}/records/{recordId}`; a record already gone is a success. */
    async deleteRecord(zone: string, recordId: number, { signal }: CallOptions = {}): Promise<void> {
      const { id } = await getZone(zone, { signal });
      try {
        await call(`delete record ${recordId}`, () => deleteDomainRecord(id, recordId), signal);
      } catch (error) {
        if (error instanceof LinodeDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
