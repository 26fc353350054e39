/**
 * A client for the ExampleDNS REST API (an imaginary vendor; README.md documents its contract). It knows
 * nothing of Portico's kernel: it imports types only, and its errors carry a `kind` from the kernel's list so
 * the adapter (index.ts) can pass them up unchanged.
 *
 * COPIER: replace the endpoints and shapes with your vendor's, keep the rest:
 * - names and values in and out are Portico's form (content.ts does the conversion);
 * - every failure becomes an `ExampleDnsError` with a `kind` (errors.ts has the HTTP status → kind table);
 * - every request has a timeout and honours the caller's `signal`;
 * - the token goes into a header and nowhere else: never into a message, a log line or an error.
 */
import type { RecordSet, RecordType } from '@portico/kernel';
import { fromVendorName, fromVendorValue, toVendorName, toVendorValue } from './content.ts';
import { errorFromResponse, ExampleDnsError } from './errors.ts';

export { errorFromResponse, ExampleDnsError } from './errors.ts';

export interface ExampleDnsClientOptions {
  /** The API's base URL, `https://api.exampledns.test/v1`. */
  apiUrl: string;
  /** A bearer token (ExampleDNS console → API tokens). */
  token: string;
  /** Longest wait for one request, body included. Default 10000 ms. */
  timeoutMs?: number;
  /** Default `globalThis.fetch`; the adapter passes the kernel's `services.fetch`. */
  fetch?: typeof globalThis.fetch;
}

export interface ExampleDnsZone {
  id: string;
  /** Lower case, no trailing dot. */
  name: string;
  nameservers: string[];
}

/** A record set in Portico's form, with ExampleDNS's per-record-set comment. */
export interface ExampleDnsRecordSet extends RecordSet {
  comment?: string;
}

/** The types Portico writes; ExampleDNS also lists NS, MX, … which the client leaves out. */
const TYPES: ReadonlySet<string> = new Set<RecordType>(['A', 'AAAA', 'CNAME', 'TXT']);

interface VendorRRset { name: string; type: string; ttl: number; records: string[]; comment?: string | null }
interface VendorZone { id: string; name: string; nameservers: string[] }

export type ExampleDnsClient = ReturnType<typeof createExampleDnsClient>;

export function createExampleDnsClient(options: ExampleDnsClientOptions) {
  const base = options.apiUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  async function request<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<T | undefined> {
    const call = `${method} ${path}`;
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
      // The caller gave up: pass its AbortError through untouched (the kernel does too).
      if (signal?.aborted) throw error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      throw new ExampleDnsError('transient', `ExampleDNS ${call}: ${why}`, { cause: error });
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers.get('retry-after'));
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new ExampleDnsError('transient', `ExampleDNS ${call}: ${response.status} with a body that is not JSON`, { cause: error });
    }
  }

  const zoneOf = (zone: VendorZone): ExampleDnsZone => ({ id: zone.id, name: fromVendorName(zone.name), nameservers: zone.nameservers.map(fromVendorName).sort() });
  const rrsetPath = (zoneId: string, name: string, type: RecordType) =>
    `/zones/${encodeURIComponent(zoneId)}/rrsets/${encodeURIComponent(toVendorName(name))}/${type}`;
  // One client serves one credential for one apply: caching zone ids for its lifetime is safe.
  const zoneIds = new Map<string, ExampleDnsZone>();

  return {
    /** `GET /zones`: every zone the token can read. Also the cheap read that proves a token works. */
    async listZones(signal?: AbortSignal): Promise<ExampleDnsZone[]> {
      const answer = await request<{ zones: VendorZone[] }>('GET', '/zones', signal);
      return (answer?.zones ?? []).map(zoneOf);
    },

    /** `GET /zones?name=`: the zone by name; `not_found` when the token cannot see it. */
    async findZone(name: string, signal?: AbortSignal): Promise<ExampleDnsZone> {
      const wanted = fromVendorName(name);
      const cached = zoneIds.get(wanted);
      if (cached) return cached;
      const answer = await request<{ zones: VendorZone[] }>('GET', `/zones?name=${encodeURIComponent(toVendorName(wanted))}`, signal);
      const found = (answer?.zones ?? []).map(zoneOf).find((zone) => zone.name === wanted);
      if (!found) throw new ExampleDnsError('not_found', `ExampleDNS has no zone ${wanted} that this token can see`);
      zoneIds.set(wanted, found);
      return found;
    },

    /**
     * `GET /zones/{id}/rrsets`: the A, AAAA, CNAME and TXT record sets, canonical. ExampleDNS returns a zone's
     * record sets in one answer; COPIER: if your vendor pages, follow every page here.
     */
    async listRecordSets(zoneId: string, signal?: AbortSignal): Promise<ExampleDnsRecordSet[]> {
      const answer = await request<{ rrsets: VendorRRset[] }>('GET', `/zones/${encodeURIComponent(zoneId)}/rrsets`, signal);
      return (answer?.rrsets ?? [])
        .filter((set) => TYPES.has(set.type))
        .map((set) => ({
          name: fromVendorName(set.name),
          type: set.type as RecordType,
          ttl: set.ttl,
          values: set.records.map((value) => fromVendorValue(set.type, value)),
          ...(set.comment ? { comment: set.comment } : {}),
        }));
    },

    /** `PUT /zones/{id}/rrsets/{name}/{type}`: creates or replaces the whole record set, comment included. */
    async putRecordSet(zoneId: string, set: ExampleDnsRecordSet, signal?: AbortSignal): Promise<void> {
      const body = { ttl: set.ttl, records: set.values.map((value) => toVendorValue(set.type, value)), comment: set.comment ?? null };
      await request('PUT', rrsetPath(zoneId, set.name, set.type), signal, body);
    },

    /** `DELETE /zones/{id}/rrsets/{name}/{type}`. Deleting what is already gone succeeds (idempotent). */
    async deleteRecordSet(zoneId: string, name: string, type: RecordType, signal?: AbortSignal): Promise<void> {
      try {
        await request('DELETE', rrsetPath(zoneId, name, type), signal);
      } catch (error) {
        if (error instanceof ExampleDnsError && error.kind === 'not_found') return;
        throw error;
      }
    },
  };
}
