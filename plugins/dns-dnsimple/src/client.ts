/**
 * A DNSimple DNS client over the official SDK (`dnsimple`), in Portico's record form. It knows nothing of the kernel
 * beyond its types and error kinds: every failure is a `DnsimpleDnsError` with a `kind`.
 *
 * The SDK asks a `fetcher` for each request and gets back only the status and body. This client gives it one built
 * on the `fetch` it is handed, bounded by `timeoutMs` and the caller's signal, that also keeps the answer's
 * rate-limit headers (the SDK's `TooManyRequestsError` has none). A fresh SDK object per call carries that call's
 * signal; building one does no I/O. The fetcher never retries: the kernel's job layer does.
 *
 * API reference: https://developer.dnsimple.com/v2/zones/records/ (records, paginated with `page`/`per_page` up to
 * 100, answers `{ data, pagination: { current_page, per_page, total_entries, total_pages } }`),
 * https://developer.dnsimple.com/v2/identity/ (whoami), https://developer.dnsimple.com/v2/accounts/.
 */
import { DNSimple, type Fetcher, type ZoneRecord } from 'dnsimple';
import type { RecordSet, RecordType } from '@portico/kernel';
import { absoluteName, fromContent, isRecordType, normalName, relativeName, toContent, toDnsimpleTtl } from './content.ts';
import { classify, DnsimpleDnsError, type LastAnswer } from './errors.ts';

export { absoluteName, decodeTxt, encodeTxt, relativeName } from './content.ts';
export { DnsimpleDnsError, parseRetryAfter, secondsUntilReset } from './errors.ts';

export const DNSIMPLE_API_URL = 'https://api.dnsimple.com';

export interface DnsimpleClientOptions {
  /** An account access token (or a user access token), sent as `Authorization: Bearer`. */
  accessToken: string;
  /** The account id; found with `GET /v2/whoami` (and `GET /v2/accounts` for a user token) when absent. */
  accountId?: number;
  /** Default `https://api.dnsimple.com` (the sandbox is `https://api.sandbox.dnsimple.com`). */
  baseURL?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  /** Records asked for per page: 1–100 (DNSimple's maximum and default are 100 and 30). */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface DnsimpleZone {
  id: number;
  /** Lower case, no trailing dot. */
  name: string;
  /** The apex NS records, lower case. */
  nameservers: string[];
}

export interface DnsimpleRecordRef {
  id: number;
  value: string;
}

/** A record set in Portico's form, with the DNSimple records behind it (the kernel hands it back as `before`). */
export interface DnsimpleRecordSet extends RecordSet {
  records: DnsimpleRecordRef[];
}

const MAX_PAGES = 10_000;

export type DnsimpleDnsClient = ReturnType<typeof createDnsimpleClient>;

export function createDnsimpleClient(options: DnsimpleClientOptions) {
  const { accessToken } = options;
  const baseUrl = (options.baseURL ?? DNSIMPLE_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 100;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let accountId = options.accountId;

  /** One SDK call with its own fetcher: bounded, abortable, and keeping the answer's status and headers. */
  async function call<T>(what: string, fn: (sdk: DNSimple) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let last: LastAnswer | undefined;
    const fetcher: Fetcher = async ({ method, url, headers, body }) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await fetchImpl(url, { method, headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw error;
        const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${(error as Error).message})`;
        throw new DnsimpleDnsError('transient', `DNSimple ${what}: ${why}`);
      }
      const html = /^\s*</.test(text);
      last = { status: response.status, headers: response.headers, html, title: html ? /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() : undefined };
      return { status: response.status, body: text };
    };
    const sdk = new DNSimple({ accessToken, baseUrl, fetcher, timeout: timeoutMs, userAgent: 'portico-dns-dnsimple' });
    try {
      return await fn(sdk);
    } catch (error) {
      throw classify(error, what, accessToken, last, signal);
    }
  }

  /** The account the token works in: the credential's, else whoami's account, else the user's only account. */
  async function account(signal?: AbortSignal): Promise<number> {
    if (accountId !== undefined) return accountId;
    const { data } = await call('ask who the token belongs to', (sdk) => sdk.identity.whoami(), signal);
    if (data.account) return (accountId = data.account.id);
    const accounts = await call('list the accounts of the user', (sdk) => sdk.accounts.listAccounts(), signal);
    if (accounts.data.length !== 1) {
      throw new DnsimpleDnsError('validation', `The DNSimple user token reaches ${accounts.data.length} accounts: give the account id in the credential (accountId)`);
    }
    return (accountId = accounts.data[0]!.id);
  }

  /** Every record of a paged list: follows `pagination.total_pages`. */
  async function readRecords(what: string, zone: string, params: { name?: string; type?: string }, signal?: AbortSignal): Promise<ZoneRecord[]> {
    const id = await account(signal);
    const records: ZoneRecord[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await call(what, (sdk) => sdk.zones.listZoneRecords(id, zone, { ...params, page, per_page: perPage }), signal);
      if (!Array.isArray(answer?.data)) throw new DnsimpleDnsError('transient', `DNSimple ${what}: the answer is not a page of records`);
      records.push(...answer.data);
      if (answer.data.length === 0 || page >= (answer.pagination?.total_pages ?? 1)) return records;
    }
    throw new DnsimpleDnsError('transient', `DNSimple ${what}: more than ${MAX_PAGES} pages`);
  }

  async function listZones({ signal }: CallOptions = {}): Promise<string[]> {
    const id = await account(signal);
    const names: string[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await call('list zones', (sdk) => sdk.zones.listZones(id, { page, per_page: 100 }), signal);
      names.push(...answer.data.map((zone) => normalName(zone.name)));
      if (answer.data.length === 0 || page >= (answer.pagination?.total_pages ?? 1)) return names;
    }
    return names;
  }

  /** `GET /v2/{account}/zones/{zone}` and the apex NS records; `not_found` when the token cannot see it. */
  async function getZone(zone: string, { signal }: CallOptions = {}): Promise<DnsimpleZone> {
    const name = normalName(zone);
    const id = await account(signal);
    const { data } = await call(`read the zone ${name}`, (sdk) => sdk.zones.getZone(id, name), signal);
    const ns = await readRecords(`read the NS records of ${name}`, name, { name: '', type: 'NS' }, signal);
    return { id: data.id, name: normalName(data.name), nameservers: ns.filter((r) => r.type === 'NS' && r.name === '').map((r) => normalName(r.content)).sort() };
  }

  /** Every A, AAAA, CNAME and TXT record set of the zone (all pages), with the records behind each. */
  async function getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<DnsimpleRecordSet[]> {
    const name = normalName(zone);
    const records = await readRecords(`list the records of ${name}`, name, {}, signal);
    const sets = new Map<string, DnsimpleRecordSet>();
    for (const record of records) {
      if (!isRecordType(record.type)) continue;
      const setName = absoluteName(record.name, name);
      const key = `${setName} ${record.type}`;
      const value = fromContent(record.type, record.content);
      const set = sets.get(key) ?? { name: setName, type: record.type, ttl: record.ttl, values: [], records: [] };
      set.values.push(value);
      set.records.push({ id: record.id, value });
      sets.set(key, set);
    }
    return [...sets.values()];
  }

  return {
    account,
    listZones,
    getZone,
    getRecordSets,

    /** `POST /v2/{account}/zones/{zone}/records`. */
    async createRecord(zone: string, set: { name: string; type: RecordType; ttl: number }, value: string, { signal }: CallOptions = {}): Promise<number> {
      const name = normalName(zone);
      const id = await account(signal);
      const body = { name: relativeName(set.name, name), type: set.type, content: toContent(set.type, value), ttl: toDnsimpleTtl(set.ttl) };
      const { data } = await call(`create a ${set.type} record at ${set.name}`, (sdk) => sdk.zones.createZoneRecord(id, name, body), signal);
      return data.id;
    },

    /** `PATCH /v2/{account}/zones/{zone}/records/{record}`: a new value (and TTL) for one record. */
    async updateRecord(zone: string, recordId: number, set: { name: string; type: RecordType; ttl: number }, value: string, { signal }: CallOptions = {}): Promise<void> {
      const name = normalName(zone);
      const id = await account(signal);
      const body = { content: toContent(set.type, value), ttl: toDnsimpleTtl(set.ttl) };
      await call(`update the ${set.type} record at ${set.name}`, (sdk) => sdk.zones.updateZoneRecord(id, name, recordId, body), signal);
    },

    /** `DELETE /v2/{account}/zones/{zone}/records/{record}`; a record already gone is a success. */
    async deleteRecord(zone: string, recordId: number, { signal }: CallOptions = {}): Promise<void> {
      const name = normalName(zone);
      const id = await account(signal);
      try {
        await call(`delete record ${recordId}`, (sdk) => sdk.zones.deleteZoneRecord(id, name, recordId), signal);
      } catch (error) {
        if (error instanceof DnsimpleDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
