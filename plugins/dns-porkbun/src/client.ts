/**
 * A client for the Porkbun API v3 (https://porkbun.com/api/json/v3/documentation), in Portico's record set form.
 * Porkbun has no official JavaScript SDK, so this calls the documented JSON API with `fetch`. It knows nothing of
 * the kernel beyond its types: every failure is a `PorkbunError` with a `kind`.
 *
 * - Authentication: `apikey` and `secretapikey` in the JSON body of every `POST`, and nowhere else (never in a URL,
 *   a message or a log line).
 * - `domain/listAll` is paged by `start`: the client asks again from the count it has until a page comes back
 *   empty. `dns/retrieve/{domain}` returns every record of a domain in one answer.
 * - Records are single records with ids (`dns/create`, `dns/delete/{domain}/{id}`): a record set change is one
 *   request per record, so nothing about an apply is atomic.
 * - Every request has a timeout and honours the caller's `signal`; the client never retries (the kernel does).
 */
import type { RecordSet } from '@portico/kernel';
import { groupRecords, normalName, toContent, toPorkbunTtl, toSubdomain, type PorkbunRecord, type PorkbunRecordSet } from './content.ts';
import { errorFromResponse, PorkbunError } from './errors.ts';

export { groupRecords, toSubdomain } from './content.ts';
export type { PorkbunRecord, PorkbunRecordSet } from './content.ts';
export { errorFromResponse, kindOf, parseRetryAfter, PorkbunError } from './errors.ts';

export const PORKBUN_API_URL = 'https://api.porkbun.com/api/json/v3';

export interface PorkbunClientOptions {
  /** The API key (`pk1_…`). */
  apiKey: string;
  /** The secret API key (`sk1_…`). */
  secretApiKey: string;
  /** Default `https://api.porkbun.com/api/json/v3`. */
  apiUrl?: string;
  /** Longest wait for one request, body included. Default 15000 ms. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

interface Answer { status?: string; message?: string }

const MAX_PAGES = 10_000;

export type PorkbunClient = ReturnType<typeof createPorkbunClient>;

export function createPorkbunClient(options: PorkbunClientOptions) {
  const base = (options.apiUrl ?? PORKBUN_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  async function request<T extends Answer>(path: string, signal?: AbortSignal, body: Record<string, unknown> = {}): Promise<T> {
    const call = `POST ${path}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ...body, apikey: options.apiKey, secretapikey: options.secretApiKey }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : `could not reach the API (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message})`;
      throw new PorkbunError('transient', `Porkbun ${call}: ${why}`);
    }
    if (!response.ok) throw errorFromResponse(call, response.status, text, response.headers.get('retry-after'));
    let parsed: T;
    try {
      parsed = JSON.parse(text) as T;
    } catch {
      throw new PorkbunError('transient', `Porkbun ${call}: ${response.status} with a body that is not JSON`, { status: response.status });
    }
    // Porkbun's envelope: an ERROR status is a failure whatever the HTTP status says.
    if (parsed?.status !== 'SUCCESS') throw errorFromResponse(call, response.status === 200 ? 400 : response.status, text, null);
    return parsed;
  }

  const domainPath = (zone: string) => encodeURIComponent(normalName(zone));

  const notFound = (zone: string) => (error: unknown): never => {
    if (error instanceof PorkbunError && error.kind === 'not_found') {
      throw new PorkbunError('not_found', `Porkbun has no domain ${normalName(zone)} that this API key can manage`, { status: error.status, providerCode: error.providerCode });
    }
    throw error;
  };

  return {
    /** `ping`: the key pair is accepted. */
    async ping(signal?: AbortSignal): Promise<void> {
      await request('/ping', signal);
    },

    /** `domain/listAll` (every page, by `start`): the domains of the account. */
    async listDomains(signal?: AbortSignal): Promise<string[]> {
      const names: string[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await request<Answer & { domains?: Array<{ domain: string }> }>('/domain/listAll', signal, { start: String(names.length) });
        const domains = answer.domains ?? [];
        if (domains.length === 0) return names;
        names.push(...domains.map((d) => normalName(d.domain)));
      }
      throw new PorkbunError('transient', `Porkbun POST /domain/listAll: more than ${MAX_PAGES} pages`);
    },

    /** `domain/getNs/{domain}`: the domain's authoritative nameservers at the registry. */
    async getNameservers(zone: string, signal?: AbortSignal): Promise<string[]> {
      const answer = await request<Answer & { ns?: string[] }>(`/domain/getNs/${domainPath(zone)}`, signal).catch(notFound(zone));
      return (answer.ns ?? []).map(normalName).sort();
    },

    /** `dns/retrieve/{domain}`: every A, AAAA, CNAME and TXT record set, with the ids behind each. */
    async getRecordSets(zone: string, signal?: AbortSignal): Promise<PorkbunRecordSet[]> {
      const answer = await request<Answer & { records?: PorkbunRecord[] }>(`/dns/retrieve/${domainPath(zone)}`, signal).catch(notFound(zone));
      return groupRecords(answer.records ?? []);
    },

    /** `dns/create/{domain}`: one record; its id. */
    async createRecord(zone: string, set: RecordSet, value: string, signal?: AbortSignal): Promise<string> {
      const body = { name: toSubdomain(set.name, zone), type: set.type, content: toContent(set.type, value), ttl: toPorkbunTtl(set.ttl) };
      const answer = await request<Answer & { id?: string | number }>(`/dns/create/${domainPath(zone)}`, signal, body);
      return String(answer.id);
    },

    /** `dns/delete/{domain}/{id}`; a record already gone is a success. */
    async deleteRecord(zone: string, id: string, signal?: AbortSignal): Promise<void> {
      try {
        await request(`/dns/delete/${domainPath(zone)}/${encodeURIComponent(id)}`, signal);
      } catch (error) {
        if (error instanceof PorkbunError && error.kind === 'not_found') return;
        throw error;
      }
    },

    /**
     * Make the record set `set` hold exactly its values, given the records `before` it had: deletes the records
     * whose value goes, then creates the missing values. Records whose value stays are kept as they are.
     */
    async writeRecordSet(zone: string, set: RecordSet, before: ReadonlyArray<{ id: string; value: string }>, signal?: AbortSignal): Promise<void> {
      const keep = new Set(set.values);
      for (const record of before) if (!keep.has(record.value)) await this.deleteRecord(zone, record.id, signal);
      const had = new Set(before.map((r) => r.value));
      for (const value of set.values) if (!had.has(value)) await this.createRecord(zone, set, value, signal);
    },
  };
}
