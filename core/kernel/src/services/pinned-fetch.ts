import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, isIPv6, type LookupFunction } from 'node:net';

/**
 * One HTTP(S) GET connected to an address chosen beforehand, whatever the URL's hostname resolves to by then:
 * the building block of the public-only fetch (public-fetch.ts), which checks the address first. Knows nothing
 * of DNS or of which addresses are allowed. `requestPinned` is the single pinned request under it, for callers
 * that send another method (the server's webhook POST).
 */

/** What one pinned GET gave. */
export type PinnedFetchOutcome =
  /** The final answer (after same-host redirects). `body` is read only for 200. */
  | { kind: 'response'; url: string; status: number; body: string }
  /** The body (or its declared length) passed `maxBytes`; reading stopped there. */
  | { kind: 'too-large'; url: string }
  /** A redirect Portico will not follow: to another host, port or scheme, or to something that is not a URL. */
  | { kind: 'redirect-refused'; url: string; location: string }
  /** More than `maxRedirects` same-host redirects. */
  | { kind: 'too-many-redirects'; url: string }
  /** No usable answer: connection refused or reset, TLS failure, timeout (`ETIMEDOUT`), cancelled (`ECANCELLED`). */
  | { kind: 'failed'; url: string; code: string; message: string };

export interface PinnedFetchOptions {
  /** `http(s)://<hostname>[:port]/<path>`; the hostname goes into `Host` and TLS SNI. */
  url: URL;
  /** The checked address to connect to, whatever the hostname resolves to by then (no DNS rebinding). */
  address: string;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  signal?: AbortSignal;
  /** Certificates to trust for HTTPS instead of the system's (tests with a private CA). */
  ca?: string;
  /** Default `Portico/0.1`. */
  userAgent?: string;
  /** The Accept header; default any type. */
  accept?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * GET the URL from the pinned address, following redirects only within the same scheme, host and port, with a
 * deadline and a size cap. Never rejects.
 */
export async function fetchPinned(options: PinnedFetchOptions): Promise<PinnedFetchOutcome> {
  const { maxRedirects, signal } = options;
  const deadline = new AbortController();
  let reason: 'timeout' | 'cancelled' | undefined;
  const timer = setTimeout(() => {
    reason ??= 'timeout';
    deadline.abort();
  }, options.timeoutMs);
  const cancel = () => {
    reason ??= 'cancelled';
    deadline.abort();
  };
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });

  const aborted = (url: URL): PinnedFetchOutcome =>
    reason === 'timeout'
      ? { kind: 'failed', url: url.href, code: 'ETIMEDOUT', message: `no complete answer within ${options.timeoutMs} ms` }
      : { kind: 'failed', url: url.href, code: 'ECANCELLED', message: 'the check was cancelled' };

  try {
    let url = options.url;
    for (let redirects = 0; ; redirects++) {
      if (deadline.signal.aborted) return aborted(url);
      const step = await getOnce(url, options, deadline.signal, aborted);
      if (step.kind !== 'redirect') return step;
      let next: URL;
      try {
        next = new URL(step.location, url);
      } catch {
        return { kind: 'redirect-refused', url: url.href, location: step.location };
      }
      const port = (u: URL) => u.port || String(DEFAULT_PORT[u.protocol]);
      if (next.protocol !== url.protocol || next.hostname !== url.hostname || port(next) !== port(url) || next.username || next.password) {
        return { kind: 'redirect-refused', url: url.href, location: next.href };
      }
      if (redirects >= maxRedirects) return { kind: 'too-many-redirects', url: url.href };
      url = next;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  }
}

type Step = PinnedFetchOutcome | { kind: 'redirect'; location: string };

function getOnce(url: URL, options: PinnedFetchOptions, signal: AbortSignal, aborted: (url: URL) => PinnedFetchOutcome): Promise<Step> {
  const { maxBytes } = options;
  return requestPinned<Step>({
    url,
    address: options.address,
    method: 'GET',
    headers: { 'user-agent': options.userAgent ?? 'Portico/0.1', accept: options.accept ?? '*/*', connection: 'close' },
    ca: options.ca,
    signal,
    aborted: () => aborted(url),
    failed: (code, message) => ({ kind: 'failed', url: url.href, code, message }),
    onResponse: (response, settle, failed) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location) return settle({ kind: 'redirect', location });
      if (status !== 200) return settle({ kind: 'response', url: url.href, status, body: '' });
      if (Number(response.headers['content-length']) > maxBytes) return settle({ kind: 'too-large', url: url.href });

      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return settle({ kind: 'too-large', url: url.href });
        chunks.push(chunk);
      });
      response.on('end', () => settle({ kind: 'response', url: url.href, status, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => settle(failed(error)));
      response.on('close', () => {
        if (!response.complete) settle(failed(Object.assign(new Error('the connection closed mid-answer'), { code: 'ECONNRESET' })));
      });
    },
  });
}

/** One request `requestPinned` sends, and how its outcome (`T`) is made. */
export interface PinnedRequest<T> {
  /** `http(s)://<hostname>[:port]/<path>`; the hostname goes into `Host` and TLS SNI. */
  url: URL;
  /** The checked address to connect to, whatever the hostname resolves to by then (no DNS rebinding). */
  address: string;
  method: string;
  headers: OutgoingHttpHeaders;
  body?: Buffer;
  /** Certificates to trust for HTTPS instead of the system's (tests with a private CA). */
  ca?: string;
  /** Ends the exchange when it aborts (also when aborted already): the request is destroyed, the outcome is `aborted()`. */
  signal: AbortSignal;
  aborted: () => T;
  /** A connection, TLS or stream error as an outcome: `code` is the error's code (`EUNKNOWN` when it has none). */
  failed: (code: string, message: string) => T;
  /**
   * Reads the answer and calls `settle` with the outcome (only the first call counts; it destroys the request).
   * `failed(error)` turns an error into an outcome, `aborted()` once the signal aborted.
   */
  onResponse: (response: IncomingMessage, settle: (outcome: T) => void, failed: (error: unknown) => T) => void;
}

/**
 * Sends one HTTP(S) request connected to `address` only (a fresh agent, every lookup answered with that address,
 * SNI from the URL's hostname unless it is an IP literal) and settles exactly once: with what `onResponse` settles,
 * with `failed` on an error, or with `aborted` when `signal` aborts. Never rejects.
 */
export function requestPinned<T>(options: PinnedRequest<T>): Promise<T> {
  const { url, address, signal } = options;
  const family = isIPv6(address) ? 6 : 4;
  // Whatever name the socket layer asks about, the answer is the address that was checked.
  const lookup = ((_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
  const https = url.protocol === 'https:';

  return new Promise<T>((resolve) => {
    let settled = false;
    const settle = (outcome: T) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(outcome);
    };
    const onAbort = () => settle(options.aborted());
    const failed = (error: unknown): T => {
      if (signal.aborted) return options.aborted();
      const code = (error as { code?: unknown } | null)?.code;
      return options.failed(typeof code === 'string' ? code : 'EUNKNOWN', error instanceof Error ? error.message : String(error));
    };

    const request = (https ? httpsRequest : httpRequest)(
      {
        protocol: url.protocol,
        host: url.hostname,
        port: url.port || DEFAULT_PORT[url.protocol],
        path: `${url.pathname}${url.search}`,
        method: options.method,
        // A fresh agent: no pooled socket, possibly connected elsewhere, is reused.
        agent: false,
        lookup,
        headers: options.headers,
        // SNI carries names only (RFC 6066): none for an IP literal.
        ...(https ? { ...(isIP(url.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: url.hostname }), ...(options.ca ? { ca: options.ca } : {}) } : {}),
      },
      (response: IncomingMessage) => options.onResponse(response, settle, failed),
    );
    request.on('error', (error) => settle(failed(error)));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (options.body === undefined) request.end();
    else request.end(options.body);
  });
}
