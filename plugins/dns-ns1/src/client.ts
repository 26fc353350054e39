/**
 * An NS1 (IBM NS1 Connect) DNS client over `fetch`, in Portico's record set form. NS1 keeps one record per name
 * and type whose `answers` are the values, so a Portico record set is one NS1 record. It knows nothing of the
 * kernel beyond its types and error kinds: every failure is an `Ns1Error` with a `kind`.
 *
 * API: https://www.ibm.com/docs/en/ns1-connect?topic=api-reference (zones and records under `/v1/zones`,
 * the key in `X-NSONE-Key`). NS1 has no maintained official JavaScript SDK, hence plain `fetch`.
 */
import type { ProviderCallContext, ProviderChange, ProviderRecordSet, RecordSet, RecordType } from '@portico/kernel';
import { fromResponse, fromThrown, isCallLevel, Ns1Error } from './errors.ts';

export { Ns1Error, retryAfterOf } from './errors.ts';

export const NS1_API_URL = 'https://api.nsone.net/v1';

/** The record types Portico writes; NS1 records of other types are left out of every read. */
export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

export interface Ns1ClientOptions {
  /** The API key, sent as `X-NSONE-Key` and nowhere else. */
  apiKey: string;
  /** Default `https://api.nsone.net/v1`. */
  baseURL?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export interface Ns1Zone {
  name: string;
  id?: string;
  nameservers: string[];
}

/** The fields of a record in a zone's `records` list (`GET /v1/zones/{zone}`). */
interface Ns1ZoneRecord {
  domain: string;
  type: string;
  ttl?: number;
  short_answers?: string[];
}

/** The answers of one value: NS1 answers are arrays of rdata fields; A, AAAA, CNAME and TXT have one. */
const answersOf = (values: readonly string[]) => values.map((value) => ({ answer: [value] }));

/** A value in Portico's form from an NS1 short answer: names without case or trailing dot; TXT as is. */
export function fromAnswer(type: RecordType, answer: string): string {
  return type === 'TXT' ? answer : normalName(answer);
}

export interface Ns1DnsClient {
  /** `GET /v1/zones`: the zones the key can see; `auth` when NS1 refuses the key. */
  listZones(ctx?: ProviderCallContext): Promise<string[]>;
  /** `GET /v1/zones/{zone}?records=false`; `not_found` when the key cannot see it. */
  getZone(zone: string, ctx?: ProviderCallContext): Promise<Ns1Zone>;
  /** A, AAAA, CNAME and TXT record sets of the zone, every page read. */
  getRecords(zone: string, ctx?: ProviderCallContext): Promise<ProviderRecordSet[]>;
  /**
   * One request per change (`PUT` creates, `POST` replaces the answers, `DELETE` removes), in order. Per change:
   * undefined for written, the error for refused. A call-level failure (auth, permission, rate limit, transient)
   * is thrown instead, and the changes after it are not sent.
   */
  applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], ctx?: ProviderCallContext): Promise<Array<Error | undefined>>;
}

const MAX_PAGES = 10_000;

/** The `rel="next"` target of a `Link` header (RFC 8288), which NS1 sends while a list has more pages. */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (match && /\brel="?next"?/i.test(match[2]!)) return match[1];
  }
  return undefined;
}

export function createNs1Client(options: Ns1ClientOptions): Ns1DnsClient {
  const { apiKey, timeoutMs = 15_000 } = options;
  const base = (options.baseURL ?? NS1_API_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  /** One request; JSON in and out. Bounded by `timeoutMs` and the caller's signal. */
  async function request<T>(what: string, method: string, url: string, body: unknown, ctx: ProviderCallContext = {}): Promise<{ data: T; headers: Headers }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers: { 'X-NSONE-Key': apiKey, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw fromThrown(error, what, ctx.signal, timeout.aborted);
    }
    if (!response.ok) throw fromResponse(response.status, response.headers, text, what);
    try {
      return { data: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
    } catch {
      throw new Ns1Error('transient', `NS1 ${what}: ${response.status} an answer that is not JSON`, { status: response.status });
    }
  }

  const zoneUrl = (zone: string) => `${base}/zones/${encodeURIComponent(normalName(zone))}`;
  const recordUrl = (zone: string, set: RecordSet) => `${zoneUrl(zone)}/${encodeURIComponent(set.name)}/${set.type}`;

  async function listZones(ctx?: ProviderCallContext): Promise<string[]> {
    const zones: Array<{ zone: string }> = [];
    let url: string | undefined = `${base}/zones`;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const { data, headers }: { data: Array<{ zone: string }>; headers: Headers } = await request('list zones', 'GET', url, undefined, ctx);
      zones.push(...data);
      url = nextLink(headers.get('link'));
    }
    return zones.map((z) => normalName(z.zone));
  }

  async function getZone(zone: string, ctx?: ProviderCallContext): Promise<Ns1Zone> {
    const { data } = await request<{ zone: string; id?: string; dns_servers?: string[] }>(`read the zone ${normalName(zone)}`, 'GET', `${zoneUrl(zone)}?records=false`, undefined, ctx);
    return { name: normalName(data.zone), id: data.id, nameservers: (data.dns_servers ?? []).map(normalName) };
  }

  async function getRecords(zone: string, ctx?: ProviderCallContext): Promise<ProviderRecordSet[]> {
    const what = `read the records of ${normalName(zone)}`;
    const records: Ns1ZoneRecord[] = [];
    let url: string | undefined = `${zoneUrl(zone)}?records=true`;
    let pages = 0;
    while (url) {
      if (++pages > MAX_PAGES) throw new Ns1Error('transient', `NS1 ${what}: more than ${MAX_PAGES} pages`);
      const { data, headers }: { data: { records?: Ns1ZoneRecord[] }; headers: Headers } = await request(what, 'GET', url, undefined, ctx);
      records.push(...(data.records ?? []));
      url = nextLink(headers.get('link'));
    }
    const sets: ProviderRecordSet[] = [];
    for (const record of records) {
      if (!isRecordType(record.type)) continue;
      const type = record.type;
      const values = [...new Set((record.short_answers ?? []).map((answer) => fromAnswer(type, answer)))];
      sets.push({ name: normalName(record.domain), type, ttl: record.ttl ?? 3600, values });
    }
    return sets;
  }

  async function applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], ctx?: ProviderCallContext): Promise<Array<Error | undefined>> {
    const outcomes: Array<Error | undefined> = [];
    const name = normalName(zone);
    for (const { action, set } of changes) {
      const what = `${action} ${set.type} ${set.name}`;
      const body = { zone: name, domain: set.name, type: set.type, ttl: set.ttl, answers: answersOf(set.values) };
      try {
        if (action === 'delete') await request(what, 'DELETE', recordUrl(name, set), undefined, ctx);
        else await request(what, action === 'create' ? 'PUT' : 'POST', recordUrl(name, set), body, ctx);
        outcomes.push(undefined);
      } catch (error) {
        if (isCallLevel(error) || !(error instanceof Ns1Error)) throw error;
        outcomes.push(error);
      }
    }
    return outcomes;
  }

  return { listZones, getZone, getRecords, applyChanges };
}
