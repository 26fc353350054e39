/**
 * A client of Portico's DNS webhook protocol (docs/plugins/webhook-protocol.md): external-dns's webhook provider
 * protocol with Portico's additions. It knows nothing of the kernel beyond its types and error kinds; the adapter
 * (adapter.ts) maps it onto the DNS provider contract.
 *
 * Every request is bounded by `timeoutMs` (answer and body), follows no redirect, and sends the token only as
 * `Authorization: Bearer`. The token never appears in an error.
 */
import type { RecordSet } from '@portico/kernel';
import { normalName, toEndpoint, toRecordSets, type WebhookRecordSet } from './endpoints.ts';
import { clientError, errorFromResponse, scrubbed } from './errors.ts';
import { MEDIA_TYPE, parseEndpoints, parseMediaType, parseNegotiation, PROTOCOL_VERSION, type WireChanges, type WireNegotiation } from './protocol.ts';

export { COMMENT_LABEL, MEDIA_TYPE, PORTICO_EXTENSION_VERSION, PROTOCOL_VERSION } from './protocol.ts';
export type { PorticoNegotiation, WireChanges, WireEndpoint, WireError, WireNegotiation } from './protocol.ts';
export { kindForStatus, parseRetryAfter, WEBHOOK_ERROR_CODES, WebhookDnsError } from './errors.ts';
export type { WebhookErrorCode, WebhookErrorCodeName } from './errors.ts';
export { normalName, RECORD_TYPES, toEndpoint, toRecordSets } from './endpoints.ts';
export type { WebhookRecordSet } from './endpoints.ts';

export interface WebhookDnsClientOptions {
  /** The server's base URL, `http://127.0.0.1:8888` or `https://dns.internal/webhook`. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`; none: no Authorization header. */
  token?: string;
  /** Longest wait for one request, answer body included. Default 10000 ms. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  /** The caller's abort: the call then rejects with an `AbortError`, unclassified. */
  signal?: AbortSignal;
}

export interface WebhookZone {
  /** Lower case, no trailing dot. */
  name: string;
  nameservers: string[];
}

export interface Negotiation {
  /** The zones the server serves: `portico.zones` when given, else external-dns's `include` list. */
  zones: WebhookZone[];
  /** Portico's additions, when the server speaks them. */
  portico?: { version: number; comments: boolean };
  /** The answer as sent. */
  raw: WireNegotiation;
}

export interface WebhookChanges {
  create?: RecordSet[];
  /** `old` is the set as it was read (the server may refuse the update when it holds something else). */
  update?: Array<{ old: RecordSet; new: RecordSet }>;
  /** The sets as they were read; empty `values` delete whatever the server holds. */
  delete?: RecordSet[];
}

export interface WebhookDnsClient {
  /** `GET /`: the zones the server serves and whether it speaks Portico's additions. */
  negotiate(options?: CallOptions): Promise<Negotiation>;
  /**
   * `GET /records`, filtered to `zone` and `names` (sent as query parameters, which a server may ignore: the
   * client filters the answer itself).
   */
  getRecords(query?: { zone?: string; names?: string[] }, options?: CallOptions): Promise<WebhookRecordSet[]>;
  /** `POST /records`: every change in one request; `comment` goes on every created and updated set. Nothing to change: no request. */
  applyChanges(changes: WebhookChanges, options?: CallOptions & { comment?: string }): Promise<void>;
  /** `POST /adjustendpoints`: the record sets as the server would store them. */
  adjustEndpoints(sets: RecordSet[], options?: CallOptions): Promise<RecordSet[]>;
}

/** The caller's abort, always as an `AbortError`: the kernel passes those through unclassified. */
const aborted = () => new DOMException('The DNS webhook call was aborted', 'AbortError');

/** Up to this many names go in the query of `GET /records`; past it, only the zone (URLs stay short). */
export const NAME_QUERY_LIMIT = 50;

export function createWebhookDnsClient({ url, token, timeoutMs = 10_000, fetch = globalThis.fetch }: WebhookDnsClientOptions): WebhookDnsClient {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    // The URL may carry user:password; never echo it.
    throw new TypeError('The DNS webhook url is not a URL (expected http://host:port)');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('The DNS webhook url must be http:// or https://');
  const origin = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const host = base.host;

  async function request(method: 'GET' | 'POST', path: string, options: CallOptions & { body?: unknown; query?: URLSearchParams } = {}): Promise<{ status: number; headers: Headers; text: string }> {
    const call = `${method} ${path}`;
    const { signal } = options;
    if (signal?.aborted) throw aborted();
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { Accept: MEDIA_TYPE };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['Content-Type'] = MEDIA_TYPE;
    const query = options.query?.size ? `?${options.query}` : '';
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${origin}${path}${query}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw aborted();
      if (timeout.aborted) throw clientError('timeout', `DNS webhook ${call}: no complete answer within ${timeoutMs} ms`);
      const code = (error as { cause?: { code?: unknown } })?.cause?.code;
      throw clientError('unreachable', `DNS webhook ${call}: cannot reach ${host} (${typeof code === 'string' ? code : 'network error'})`);
    }
    if (response.status < 200 || response.status >= 300) {
      throw scrubbed(errorFromResponse(call, response.status, text, response.headers.get('retry-after')), token);
    }
    return { status: response.status, headers: response.headers, text };
  }

  /** The JSON body of a 2xx answer, checked by `parse`. */
  async function json<T>(method: 'GET' | 'POST', path: string, parse: (value: unknown) => T, options: CallOptions & { body?: unknown; query?: URLSearchParams } = {}): Promise<T> {
    const { headers, text } = await request(method, path, options);
    const call = `${method} ${path}`;
    const contentType = headers.get('content-type');
    if (contentType) {
      const { type, params } = parseMediaType(contentType);
      if (type === 'application/external.dns.webhook+json' && params.version !== undefined && params.version !== String(PROTOCOL_VERSION)) {
        throw clientError('version_mismatch', `DNS webhook ${call}: the server answered protocol version ${params.version}; this client speaks ${PROTOCOL_VERSION}`);
      }
      if (type !== 'application/external.dns.webhook+json' && type !== 'application/json') {
        throw clientError('bad_response', `DNS webhook ${call}: the answer is ${type}, not ${MEDIA_TYPE}`);
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw clientError('bad_response', `DNS webhook ${call}: the answer is not JSON`);
    }
    try {
      return parse(value);
    } catch (error) {
      throw scrubbed(clientError('bad_response', `DNS webhook ${call}: ${(error as Error).message}`), token);
    }
  }

  return {
    async negotiate(options = {}) {
      const raw = await json('GET', '/', parseNegotiation, options);
      const portico = raw.portico && { version: raw.portico.version, comments: raw.portico.comments === true };
      const zones = raw.portico?.zones
        ? raw.portico.zones.map((zone) => ({ name: normalName(zone.name), nameservers: (zone.nameservers ?? []).map(normalName).sort() }))
        : (raw.include ?? []).map((name) => ({ name: normalName(name), nameservers: [] }));
      return { zones: zones.sort((a, b) => a.name.localeCompare(b.name)), portico, raw };
    },

    async getRecords({ zone, names } = {}, options = {}) {
      const query = new URLSearchParams();
      const wantedZone = zone === undefined ? undefined : normalName(zone);
      const wanted = names && new Set(names.map(normalName));
      if (wantedZone !== undefined) query.set('zone', wantedZone);
      if (wanted && wanted.size <= NAME_QUERY_LIMIT) for (const name of wanted) query.append('name', name);
      const endpoints = await json('GET', '/records', parseEndpoints, { ...options, query });
      return toRecordSets(endpoints).filter(
        (set) => (wantedZone === undefined || set.name === wantedZone || set.name.endsWith(`.${wantedZone}`)) && (!wanted || wanted.has(set.name)),
      );
    },

    async applyChanges({ create = [], update = [], delete: remove = [] }, options = {}) {
      const { comment } = options;
      const body: WireChanges = {};
      if (create.length > 0) body.create = create.map((set) => toEndpoint(set, comment));
      if (update.length > 0) {
        body.updateOld = update.map(({ old }) => toEndpoint(old));
        body.updateNew = update.map(({ new: set }) => toEndpoint(set, comment));
      }
      if (remove.length > 0) body.delete = remove.map((set) => toEndpoint(set));
      if (Object.keys(body).length === 0) return;
      await request('POST', '/records', { ...options, body });
    },

    async adjustEndpoints(sets, options = {}) {
      if (sets.length === 0) return [];
      const endpoints = await json('POST', '/adjustendpoints', parseEndpoints, { ...options, body: sets.map((set) => toEndpoint(set)) });
      return toRecordSets(endpoints).map(({ comment: _comment, ...set }) => set);
    },
  };
}
