/**
 * A client for the PowerDNS Authoritative HTTP API (`/api/v1`): zones, record sets and their comments. It
 * knows nothing of Portico's kernel; the adapter (`adapter.ts`, used by `index.ts`) maps it onto the DNS
 * provider contract.
 *
 * Names and values in and out are Portico's form: absolute names without the trailing dot, TXT as one unquoted
 * string, CNAME targets without the dot. The client turns them into PowerDNS's canonical form and back.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromCanonical, fromContent, isInZone, isSupportedType, toCanonical, toContent } from './content.ts';
import { errorFromResponse, PowerDnsError } from './errors.ts';

export { PowerDnsError, parseRetryAfter } from './errors.ts';
export { decodeTxt, encodeTxt, fromCanonical, toCanonical } from './content.ts';

export interface PowerDnsClientOptions {
  /** Where the API listens, e.g. `http://127.0.0.1:8081` (a trailing `/api/v1` is accepted too). */
  apiUrl: string;
  /** The server's `api-key`, sent as `X-API-Key`. Never part of an error message. */
  apiKey: string;
  /** The server id in `/api/v1/servers/<id>`. Default `localhost` (the only one PowerDNS has). */
  serverId?: string;
  /** Longest wait for one API call, response body included. Default 10000 ms. */
  timeoutMs?: number;
  /** Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
}

export interface PowerDnsZoneSummary {
  /** Without the trailing dot. */
  name: string;
  /** `Native`, `Master`, `Slave` (PowerDNS ≥ 4.5 may say `Primary`, `Secondary`, …). */
  kind: string;
  serial: number;
}

export interface PowerDnsZone extends PowerDnsZoneSummary {
  /** The apex NS record set, without trailing dots, sorted. */
  nameservers: string[];
}

export interface PowerDnsRecordSet extends RecordSet {
  /** The record set's comments (PowerDNS keeps comments per record set), oldest first as PowerDNS lists them. */
  comments: string[];
}

export interface PowerDnsChanges {
  /** Record sets to create or replace whole (`changetype: REPLACE`). An empty `values` deletes the set. */
  upsert?: RecordSet[];
  /** Record sets to delete (`changetype: DELETE`); deleting a missing set succeeds. */
  remove?: Array<{ name: string; type: RecordType }>;
  /**
   * Set as the only comment of every upserted record set, e.g. `managed-by: portico owner=<id>`. Without it, the
   * comments already on a replaced record set stay as they were.
   */
  comment?: string;
}

export interface PowerDnsServerInfo {
  id: string;
  version: string;
  /** `authoritative` for PowerDNS Authoritative. */
  daemonType: string;
}

export interface PowerDnsClient {
  /** `GET /servers/<id>`: checks the URL and the API key. */
  verifyCredentials(): Promise<PowerDnsServerInfo>;
  listZones(): Promise<PowerDnsZoneSummary[]>;
  /** The zone, `example.com` or `example.com.`; `not_found` when the server does not host it. */
  getZone(zone: string): Promise<PowerDnsZone>;
  /**
   * The zone's A, AAAA, CNAME and TXT record sets (other types are left out), sorted by name then type, each
   * with its comments. Disabled records are left out; a set with only disabled records is not listed.
   */
  getRecords(zone: string, filter?: { name?: string; type?: RecordType }): Promise<PowerDnsRecordSet[]>;
  /**
   * One PATCH with every change: PowerDNS applies it in one transaction, all or nothing. Calls for the same
   * zone through one client run one after the other (concurrent PATCHes of a zone can duplicate records).
   * Nothing to change: no request. Returns the zone's new SOA serial when PowerDNS reports it.
   */
  apply(zone: string, changes: PowerDnsChanges): Promise<{ serial: number | undefined }>;
}

interface ApiZone {
  name: string;
  kind: string;
  serial: number;
  rrsets?: ApiRRSet[];
}

interface ApiRRSet {
  name: string;
  type: string;
  ttl: number;
  records: Array<{ content: string; disabled?: boolean }>;
  comments?: Array<{ content: string }>;
}

export function createPowerDnsClient({
  apiUrl,
  apiKey,
  serverId = 'localhost',
  timeoutMs = 10_000,
  fetch = globalThis.fetch,
}: PowerDnsClientOptions): PowerDnsClient {
  let origin: URL;
  try {
    origin = new URL(apiUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, ''));
  } catch {
    // The URL may carry user:password; never echo it.
    throw new PowerDnsError('validation', 'PowerDNS apiUrl is not a URL (expected http://host:port)');
  }
  if (origin.protocol !== 'http:' && origin.protocol !== 'https:') throw new PowerDnsError('validation', 'PowerDNS apiUrl must be http:// or https://');
  if (!apiKey) throw new PowerDnsError('auth', 'The PowerDNS API key is empty');
  const base = `${origin.origin}${origin.pathname.replace(/\/+$/, '')}/api/v1/servers/${encodeURIComponent(serverId)}`;
  const zoneQueues = new Map<string, Promise<void>>();

  async function request(method: string, path: string, body?: unknown): Promise<{ text: string; headers: Headers }> {
    const call = `${method} /servers/${serverId}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { 'X-API-Key': apiKey, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(call, error);
    }
    if (!response.ok) throw scrub(errorFromResponse(call, response.status, text, response.headers.get('retry-after')));
    return { text, headers: response.headers };
  }

  async function getJson<T>(path: string): Promise<T> {
    const { text } = await request('GET', path);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PowerDnsError('transient', `PowerDNS GET /servers/${serverId}${path}: the answer is not JSON`);
    }
  }

  function networkError(call: string, error: unknown): PowerDnsError {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') return new PowerDnsError('transient', `PowerDNS ${call}: no answer within ${timeoutMs} ms`);
    const code = (error as { cause?: { code?: unknown } })?.cause?.code;
    const reason = typeof code === 'string' ? code : name || 'network error';
    return new PowerDnsError('transient', `PowerDNS ${call}: cannot reach ${origin.host} (${reason})`);
  }

  // PowerDNS does not echo the key, but a proxy in front of it might: make sure no message carries it.
  function scrub(error: PowerDnsError): PowerDnsError {
    if (!error.message.includes(apiKey)) return error;
    return new PowerDnsError(error.kind, error.message.replaceAll(apiKey, '[redacted]'), { status: error.status, retryAfterSeconds: error.retryAfterSeconds });
  }

  const zonePath = (zone: string) => `/zones/${encodeURIComponent(toCanonical(zone))}`;

  function serialised<T>(zone: string, task: () => Promise<T>): Promise<T> {
    const key = toCanonical(zone);
    const run = (zoneQueues.get(key) ?? Promise.resolve()).then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    zoneQueues.set(key, settled);
    void settled.then(() => {
      if (zoneQueues.get(key) === settled) zoneQueues.delete(key);
    });
    return run;
  }

  return {
    async verifyCredentials() {
      const server = await getJson<{ id: string; version: string; daemon_type: string }>('');
      return { id: server.id, version: server.version, daemonType: server.daemon_type };
    },

    async listZones() {
      const zones = await getJson<ApiZone[]>('/zones');
      return zones.map(summary);
    },

    async getZone(zone) {
      const apex = toCanonical(zone);
      const data = await getJson<ApiZone>(`${zonePath(zone)}?rrset_name=${encodeURIComponent(apex)}&rrset_type=NS`);
      const ns = (data.rrsets ?? []).find((set) => set.name === apex && set.type === 'NS');
      const nameservers = (ns?.records ?? []).filter((record) => !record.disabled).map((record) => fromCanonical(record.content).toLowerCase());
      return { ...summary(data), nameservers: nameservers.sort() };
    },

    async getRecords(zone, { name, type } = {}) {
      // rrset_type only works together with rrset_name; older servers ignore both, so filter here as well.
      const query = name === undefined ? '' : `?rrset_name=${encodeURIComponent(toCanonical(name))}${type ? `&rrset_type=${type}` : ''}`;
      const data = await getJson<ApiZone>(`${zonePath(zone)}${query}`);
      const sets: PowerDnsRecordSet[] = [];
      for (const set of data.rrsets ?? []) {
        if (!isSupportedType(set.type)) continue;
        if (name !== undefined && set.name !== toCanonical(name)) continue;
        if (type !== undefined && set.type !== type) continue;
        const values = set.records.filter((record) => !record.disabled).map((record) => fromContent(set.type as RecordType, record.content));
        if (values.length === 0) continue;
        sets.push({ name: fromCanonical(set.name), type: set.type, ttl: set.ttl, values, comments: (set.comments ?? []).map((comment) => comment.content) });
      }
      return sets.sort((a, b) => (a.name === b.name ? a.type.localeCompare(b.type) : a.name.localeCompare(b.name)));
    },

    async apply(zone, { upsert = [], remove = [], comment }) {
      const rrsets = buildPatch(zone, upsert, remove, comment);
      if (rrsets.length === 0) return { serial: undefined };
      return serialised(zone, async () => {
        const { headers } = await request('PATCH', zonePath(zone), { rrsets });
        const serial = Number(headers.get('x-pdns-new-serial') ?? Number.NaN);
        return { serial: Number.isFinite(serial) ? serial : undefined };
      });
    },
  };
}

function summary(zone: ApiZone): PowerDnsZoneSummary {
  return { name: fromCanonical(zone.name), kind: zone.kind, serial: zone.serial };
}

/** The PATCH body's rrsets; refuses (before any request) what PowerDNS would refuse or what is not ours to send. */
function buildPatch(zone: string, upsert: RecordSet[], remove: Array<{ name: string; type: RecordType }>, comment: string | undefined): unknown[] {
  const seen = new Set<string>();
  const check = (name: string, type: string): string => {
    if (!isSupportedType(type)) throw new PowerDnsError('unsupported', `Record type ${type} is not supported (A, AAAA, CNAME, TXT)`);
    if (!isInZone(name, zone)) throw new PowerDnsError('validation', `${fromCanonical(name)} is not in zone ${fromCanonical(toCanonical(zone))}`);
    const canonical = toCanonical(name);
    const key = `${canonical} ${type}`;
    if (seen.has(key)) throw new PowerDnsError('validation', `${fromCanonical(canonical)} ${type} appears more than once in one apply`);
    seen.add(key);
    return canonical;
  };
  const rrsets: unknown[] = [];
  for (const set of upsert) {
    const name = check(set.name, set.type);
    if (set.values.length === 0) {
      rrsets.push({ name, type: set.type, changetype: 'DELETE' });
      continue;
    }
    if (!Number.isInteger(set.ttl) || set.ttl < 0) throw new PowerDnsError('validation', `${fromCanonical(name)} ${set.type}: ttl must be a whole number of seconds`);
    rrsets.push({
      name,
      type: set.type,
      ttl: set.ttl,
      changetype: 'REPLACE',
      records: set.values.map((value) => ({ content: toContent(set.type, value), disabled: false })),
      ...(comment === undefined ? {} : { comments: [{ content: comment, account: '' }] }),
    });
  }
  for (const { name, type } of remove) rrsets.push({ name: check(name, type), type, changetype: 'DELETE' });
  return rrsets;
}
