/**
 * A LuaDNS client over the documented REST API v1 (`/v1/zones`, `/v1/zones/{id}/records`), in Portico's record set
 * form. It knows nothing of the kernel beyond its types and error kinds: every failure is a `LuadnsDnsError` with a
 * `kind`.
 *
 * LuaDNS publishes no official JavaScript SDK, so this is plain `fetch`: HTTP Basic authentication with the
 * account email and an API key, `Accept: application/json` on every request (LuaDNS refuses any other with 403),
 * every request bounded by `timeoutMs` and the caller's signal, never retried (the kernel's job layer retries).
 *
 * API reference: https://luadns.com/api.html (zones are addressed by numeric id; lists are paged with `limit` and
 * `page`, answered in the `x-page`, `x-limit`, `x-total-pages` and `x-total-count` headers).
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromContent, inZone, normalName, toContent, toFqdn } from './content.ts';
import { errorFromResponse, LuadnsDnsError, redact } from './errors.ts';

export { fromContent, inZone, normalName, toContent, toFqdn } from './content.ts';
export { errorFromResponse, LuadnsDnsError, parseRetryAfter, secondsUntilReset } from './errors.ts';

export const LUADNS_API_URL = 'https://api.luadns.com/v1';

export interface LuadnsClientOptions {
  /** The LuaDNS account email (the Basic username). */
  email: string;
  /** An API key of that account (the Basic password). */
  apiKey: string;
  /** Default `https://api.luadns.com/v1`. */
  baseURL?: string;
  /** Longest wait for one request, body included. Default 15000. */
  timeoutMs?: number;
  /** Items asked for per page (`limit`). Default 500. */
  perPage?: number;
  fetch?: typeof globalThis.fetch;
}

/** A record as the API returns it. */
export interface LuadnsApiRecord {
  id: number;
  name: string;
  type: string;
  content: string;
  ttl: number;
  zone_id?: number;
}

export interface LuadnsZone {
  id: number;
  /** Lower case, no trailing dot. */
  name: string;
  /** The apex NS records, lower case. */
  nameservers: string[];
}

/** A record set in Portico's form, with the LuaDNS records (ids) behind it. */
export interface LuadnsRecordSet extends RecordSet {
  records: Array<{ id: number; value: string }>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

const TYPES: ReadonlySet<string> = new Set<RecordType>(['A', 'AAAA', 'CNAME', 'TXT']);
const MAX_PAGES = 10_000;

export type LuadnsDnsClient = ReturnType<typeof createLuadnsClient>;

export function createLuadnsClient(options: LuadnsClientOptions) {
  const { email, apiKey } = options;
  const base = (options.baseURL ?? LUADNS_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const perPage = options.perPage ?? 500;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const basic = Buffer.from(`${email}:${apiKey}`).toString('base64');
  const secrets = [apiKey, basic];
  /** Zone name → id, learned from the zone list. */
  const zoneIds = new Map<string, number>();

  async function send(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<{ data: unknown; headers: Headers }> {
    const call = `${method} ${path.replace(/\?.*$/, '')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
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
      throw new LuadnsDnsError('transient', redact(`LuaDNS ${call}: ${why}`, secrets));
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers, secrets);
    if (text === '') return { data: undefined, headers: response.headers };
    try {
      return { data: JSON.parse(text), headers: response.headers };
    } catch {
      throw new LuadnsDnsError('transient', `LuaDNS ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** Every item of a paged list: asks `page` 1, 2, … up to the `x-total-pages` header. */
  async function readPages<T>(path: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data, headers } = await send('GET', `${path}?limit=${perPage}&page=${page}`, signal);
      if (!Array.isArray(data)) throw new LuadnsDnsError('transient', `LuaDNS GET ${path}: the answer is not a list`);
      items.push(...(data as T[]));
      const total = Number(headers.get('x-total-pages') ?? '1');
      if (!Number.isInteger(total) || page >= total || data.length === 0) return items;
    }
    throw new LuadnsDnsError('transient', `LuaDNS GET ${path}: more than ${MAX_PAGES} pages`);
  }

  async function listZoneObjects(signal?: AbortSignal): Promise<Array<{ id: number; name: string }>> {
    const zones = await readPages<{ id: number; name: string }>('/zones', signal);
    for (const zone of zones) zoneIds.set(normalName(zone.name), zone.id);
    return zones;
  }

  /** The id of `zone`, from the zone list; `not_found` when the key cannot see it. */
  async function zoneId(zone: string, signal?: AbortSignal): Promise<number> {
    const name = normalName(zone);
    const known = zoneIds.get(name);
    if (known !== undefined) return known;
    await listZoneObjects(signal);
    const id = zoneIds.get(name);
    if (id === undefined) throw new LuadnsDnsError('not_found', `LuaDNS: no zone ${name} among the zones this API key can see`);
    return id;
  }

  async function listRecords(zone: string, { signal }: CallOptions = {}): Promise<LuadnsApiRecord[]> {
    return readPages<LuadnsApiRecord>(`/zones/${await zoneId(zone, signal)}/records`, signal);
  }

  const body = (record: { name: string; type: RecordType; value: string; ttl: number }) => ({
    name: toFqdn(record.name),
    type: record.type,
    content: toContent(record.type, record.value),
    ttl: Math.max(1, Math.round(record.ttl)),
  });
  const outside = (zone: string, name: string) => new LuadnsDnsError('validation', `LuaDNS: ${normalName(name)} is not inside the zone ${normalName(zone)}`);

  return {
    /** `GET /users/me`: the email the key belongs to. */
    async me({ signal }: CallOptions = {}): Promise<string> {
      const { data } = await send('GET', '/users/me', signal);
      return String((data as { email?: unknown } | undefined)?.email ?? '');
    },

    /** `GET /zones`, all pages: the zones this key can see. */
    async listZones({ signal }: CallOptions = {}): Promise<string[]> {
      return (await listZoneObjects(signal)).map((zone) => normalName(zone.name));
    },

    /** The zone's id and apex NS records; `not_found` when the key cannot see it. */
    async getZone(zone: string, { signal }: CallOptions = {}): Promise<LuadnsZone> {
      const name = normalName(zone);
      const id = await zoneId(name, signal);
      const records = await listRecords(name, { signal });
      return { id, name, nameservers: records.filter((r) => r.type === 'NS' && normalName(r.name) === name).map((r) => normalName(r.content)).sort() };
    },

    listRecords,

    /** The zone's A, AAAA, CNAME and TXT record sets (all pages), with the record ids behind each. */
    async getRecordSets(zone: string, { signal }: CallOptions = {}): Promise<LuadnsRecordSet[]> {
      const sets = new Map<string, LuadnsRecordSet>();
      for (const record of await listRecords(zone, { signal })) {
        if (!TYPES.has(record.type)) continue;
        const name = normalName(record.name);
        const value = fromContent(record.type, record.content);
        const key = `${name} ${record.type}`;
        const set = sets.get(key) ?? { name, type: record.type as RecordType, ttl: record.ttl, values: [], records: [] };
        set.values.push(value);
        set.records.push({ id: record.id, value });
        sets.set(key, set);
      }
      return [...sets.values()];
    },

    /** `POST /zones/{zone_id}/records`. */
    async createRecord(zone: string, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<LuadnsApiRecord> {
      if (!inZone(record.name, zone)) throw outside(zone, record.name);
      const { data } = await send('POST', `/zones/${await zoneId(zone, signal)}/records`, signal, body(record));
      return data as LuadnsApiRecord;
    },

    /** `PUT /zones/{zone_id}/records/{record_id}`: name, type, content and TTL. */
    async updateRecord(zone: string, id: number, record: { name: string; type: RecordType; value: string; ttl: number }, { signal }: CallOptions = {}): Promise<void> {
      if (!inZone(record.name, zone)) throw outside(zone, record.name);
      await send('PUT', `/zones/${await zoneId(zone, signal)}/records/${id}`, signal, body(record));
    },

    /** `DELETE /zones/{zone_id}/records/{record_id}`. Deleting what is already gone succeeds. */
    async deleteRecord(zone: string, id: number, { signal }: CallOptions = {}): Promise<void> {
      try {
        await send('DELETE', `/zones/${await zoneId(zone, signal)}/records/${id}`, signal);
      } catch (error) {
        if (error instanceof LuadnsDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
