/**
 * An OVHcloud DNS client for the API v1 (`/domain/zone`), in Portico's record form, over `fetch`. It knows nothing of
 * the kernel beyond its types and error kinds: every failure is an `OvhDnsError` with a `kind`.
 *
 * Not the official SDK (`@ovhcloud/node-ovh` 3.0.0): it always speaks `https.request` to `host:port`, with no agent,
 * `fetch` or signal to pass, and hands back neither the answer's headers (`Retry-After`, `X-Ovh-QueryId`) nor its
 * error code. This client does what the SDK does, from OVHcloud's documentation
 * (https://help.ovhcloud.com/csm/en-gb-api-getting-started-ovhcloud-api, "First API usage"): every call carries
 * `X-Ovh-Application`, `X-Ovh-Consumer`, `X-Ovh-Timestamp` (the API's clock, from `GET /auth/time`) and
 * `X-Ovh-Signature` = `"$1$" + SHA1_HEX(applicationSecret + "+" + consumerKey + "+" + METHOD + "+" + fullUrl + "+" +
 * body + "+" + timestamp)`.
 *
 * Records (https://eu.api.ovh.com/console/?section=%2Fdomain): `GET /domain/zone/{zone}/record?fieldType=&subDomain=`
 * answers the ids (one list, not paged), `GET …/record/{id}` one record `{ id, zone, subDomain, fieldType, target,
 * ttl }`, `POST …/record`, `PUT …/record/{id}`, `DELETE …/record/{id}`; `POST /domain/zone/{zone}/refresh` puts the
 * changes into the served zone.
 */
import { createHash } from 'node:crypto';
import type { RecordSet, RecordType } from '@portico/kernel';
import { absoluteName, fromTarget, isRecordType, normalName, relativeName, toOvhTtl, toTarget } from './content.ts';
import { errorFromResponse, OvhDnsError } from './errors.ts';

export { absoluteName, decodeTxt, encodeTxt, relativeName } from './content.ts';
export { errorFromResponse, OvhDnsError, parseRetryAfter } from './errors.ts';

/** The API roots of OVHcloud's regions (the same as the SDK's `endpoint` names). */
export const OVH_ENDPOINTS = {
  'ovh-eu': 'https://eu.api.ovh.com/1.0',
  'ovh-ca': 'https://ca.api.ovh.com/1.0',
  'ovh-us': 'https://api.us.ovhcloud.com/1.0',
} as const;

export type OvhEndpoint = keyof typeof OVH_ENDPOINTS;

export interface OvhClientOptions {
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  /** The API root, `https://eu.api.ovh.com/1.0` (see `OVH_ENDPOINTS`). */
  baseURL: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  /** Record reads in flight at once (the list answers ids; each record is one GET). Default 8. */
  concurrency?: number;
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface OvhZone {
  /** Lower case, no trailing dot. */
  name: string;
  nameservers: string[];
}

export interface OvhRecordRef {
  id: number;
  value: string;
}

/** A record set in Portico's form, with the OVHcloud records behind it (the kernel hands it back as `before`). */
export interface OvhRecordSet extends RecordSet {
  records: OvhRecordRef[];
}

interface OvhRecord {
  id: number;
  zone: string;
  subDomain: string;
  fieldType: string;
  target: string;
  ttl: number;
}

export type OvhDnsClient = ReturnType<typeof createOvhClient>;

export function createOvhClient(options: OvhClientOptions) {
  const { applicationKey, applicationSecret, consumerKey } = options;
  const base = options.baseURL.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const concurrency = options.concurrency ?? 8;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  /** API clock minus ours, in seconds; read once per client. */
  let timeDelta: number | undefined;
  const secrets = [applicationSecret, consumerKey, applicationKey];
  const redact = (text: string) => secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text);

  async function send(method: string, path: string, query: Record<string, string> | undefined, body: unknown, signed: boolean, signal?: AbortSignal): Promise<unknown> {
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    const url = `${base}${path}${search}`;
    const call = `${method} ${path}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = { 'X-Ovh-Application': applicationKey, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (signed) {
      const timestamp = String(Math.round(Date.now() / 1000) + (await delta(signal)));
      headers['X-Ovh-Consumer'] = consumerKey;
      headers['X-Ovh-Timestamp'] = timestamp;
      headers['X-Ovh-Signature'] = `$1$${createHash('sha1').update([applicationSecret, consumerKey, method, url, text, timestamp].join('+')).digest('hex')}`;
    }
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let answer: string;
    try {
      response = await fetchImpl(url, { method, headers, body: body === undefined ? undefined : text, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      answer = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${redact((error as Error).message)})`;
      throw new OvhDnsError('transient', `OVHcloud ${call}: ${why}`);
    }
    if (!response.ok) {
      const failure = errorFromResponse(call, response.status, answer, response.headers);
      // Messages are OVHcloud's; a key echoed back in one never leaves this client.
      failure.message = redact(failure.message);
      throw failure;
    }
    if (answer.trim() === '') return null;
    try {
      return JSON.parse(answer) as unknown;
    } catch {
      throw new OvhDnsError('transient', `OVHcloud ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
  }

  /** `GET /auth/time` (unsigned): the API's clock, so timestamps are accepted whatever ours says. */
  async function delta(signal?: AbortSignal): Promise<number> {
    if (timeDelta !== undefined) return timeDelta;
    const time = await send('GET', '/auth/time', undefined, undefined, false, signal);
    if (typeof time !== 'number') throw new OvhDnsError('transient', 'OVHcloud GET /auth/time: the answer is not a number');
    timeDelta = time - Math.round(Date.now() / 1000);
    return timeDelta;
  }

  const get = (path: string, signal?: AbortSignal, query?: Record<string, string>) => send('GET', path, query, undefined, true, signal);
  const zonePath = (zone: string) => `/domain/zone/${encodeURIComponent(normalName(zone))}`;

  /** Runs `fn` over `items`, at most `concurrency` at once, keeping the order. */
  async function pool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return results;
  }

  /** Records by id; one that vanished between the list and the read is skipped. */
  async function readRecords(zone: string, ids: number[], signal?: AbortSignal): Promise<OvhRecord[]> {
    const read = await pool(ids, async (id) => {
      try {
        return (await get(`${zonePath(zone)}/record/${id}`, signal)) as OvhRecord;
      } catch (error) {
        if (error instanceof OvhDnsError && error.kind === 'not_found') return undefined;
        throw error;
      }
    });
    return read.filter((record): record is OvhRecord => record !== undefined);
  }

  const idsOf = (answer: unknown, call: string): number[] => {
    if (!Array.isArray(answer) || !answer.every((id) => typeof id === 'number')) throw new OvhDnsError('transient', `OVHcloud ${call}: the answer is not a list of ids`);
    return answer as number[];
  };

  function group(zone: string, records: OvhRecord[]): OvhRecordSet[] {
    const sets = new Map<string, OvhRecordSet>();
    for (const record of records) {
      if (!isRecordType(record.fieldType)) continue;
      const name = absoluteName(record.subDomain, zone);
      const key = `${name} ${record.fieldType}`;
      const value = fromTarget(record.fieldType, record.target, zone);
      const set = sets.get(key) ?? { name, type: record.fieldType, ttl: record.ttl, values: [], records: [] };
      set.values.push(value);
      set.records.push({ id: record.id, value });
      sets.set(key, set);
    }
    return [...sets.values()];
  }

  return {
    /** `GET /auth/currentCredential`: the consumer key's state; `auth` when it is not validated. */
    async currentCredential({ signal }: CallOptions = {}): Promise<{ credentialId?: number; status: string; expiration?: string | null }> {
      const credential = (await get('/auth/currentCredential', signal)) as { credentialId?: number; status?: string; expiration?: string | null } | null;
      const status = credential?.status ?? 'unknown';
      if (status !== 'validated') throw new OvhDnsError('auth', `OVHcloud consumer key${credential?.credentialId === undefined ? '' : ` ${credential.credentialId}`} is ${status}, not validated`);
      return { credentialId: credential?.credentialId, status, expiration: credential?.expiration };
    },

    /** `GET /domain/zone`: the zones the access rules let this key list. */
    async listZones({ signal }: CallOptions = {}): Promise<string[]> {
      const names = await get('/domain/zone', signal);
      if (!Array.isArray(names)) throw new OvhDnsError('transient', 'OVHcloud GET /domain/zone: the answer is not a list');
      return names.map((name) => normalName(String(name)));
    },

    /** `GET /domain/zone/{zone}`: `not_found` when the account has no such zone. */
    async getZone(zone: string, { signal }: CallOptions = {}): Promise<OvhZone> {
      const info = (await get(zonePath(zone), signal)) as { name?: string; nameServers?: string[] } | null;
      return { name: normalName(info?.name ?? zone), nameservers: (info?.nameServers ?? []).map(normalName).sort() };
    },

    /**
     * The A, AAAA, CNAME and TXT record sets of the zone, with the records behind each. With `names`, only the
     * records at those names are read (`subDomain=` filter), else the whole zone.
     */
    async getRecordSets(zone: string, { signal, names }: CallOptions & { names?: string[] } = {}): Promise<OvhRecordSet[]> {
      const apex = normalName(zone);
      const path = `${zonePath(apex)}/record`;
      let ids: number[];
      if (names) {
        const subDomains = [...new Set(names.map(normalName).filter((n) => n === apex || n.endsWith(`.${apex}`)).map((n) => relativeName(n, apex)))];
        ids = (await pool(subDomains, async (subDomain) => idsOf(await get(path, signal, { subDomain }), `GET ${path}`))).flat();
      } else {
        ids = idsOf(await get(path, signal), `GET ${path}`);
      }
      return group(apex, await readRecords(apex, [...new Set(ids)], signal));
    },

    /** `POST /domain/zone/{zone}/record`. */
    async createRecord(zone: string, set: { name: string; type: RecordType; ttl: number }, value: string, { signal }: CallOptions = {}): Promise<number> {
      const body = { fieldType: set.type, subDomain: relativeName(set.name, zone), target: toTarget(set.type, value), ttl: toOvhTtl(set.ttl) };
      const created = (await send('POST', `${zonePath(zone)}/record`, undefined, body, true, signal)) as OvhRecord | null;
      return created?.id ?? 0;
    },

    /** `PUT /domain/zone/{zone}/record/{id}`: a new value (and TTL) for one record. */
    async updateRecord(zone: string, recordId: number, set: { name: string; type: RecordType; ttl: number }, value: string, { signal }: CallOptions = {}): Promise<void> {
      const body = { subDomain: relativeName(set.name, zone), target: toTarget(set.type, value), ttl: toOvhTtl(set.ttl) };
      await send('PUT', `${zonePath(zone)}/record/${recordId}`, undefined, body, true, signal);
    },

    /** `DELETE /domain/zone/{zone}/record/{id}`; a record already gone is a success. */
    async deleteRecord(zone: string, recordId: number, { signal }: CallOptions = {}): Promise<void> {
      try {
        await send('DELETE', `${zonePath(zone)}/record/${recordId}`, undefined, undefined, true, signal);
      } catch (error) {
        if (error instanceof OvhDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },

    /** `POST /domain/zone/{zone}/refresh`: OVHcloud serves record changes only once the zone is refreshed. */
    async refresh(zone: string, { signal }: CallOptions = {}): Promise<void> {
      await send('POST', `${zonePath(zone)}/refresh`, undefined, undefined, true, signal);
    },
  };
}
