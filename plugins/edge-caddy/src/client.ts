/**
 * A client of Caddy's admin API (2.6.2 and newer): read the running config with its ETag, replace it whole, or
 * change one part of it by path (`/config/…`) or `@id` (`/id/…`), conditionally on another part's ETag.
 * Knows nothing of the kernel beyond the error kinds. Uses node:http rather than fetch because Caddy 2.6.2
 * sends the ETag of `GET /config/` as an HTTP *trailer* (`Trailer: ETag`), which fetch cannot read.
 */
import { request } from 'node:http';
import type { DnsProviderErrorKind } from '@portico/kernel';

export type CaddyErrorKind = Extract<DnsProviderErrorKind, 'conflict' | 'validation' | 'transient' | 'permission' | 'not_found'>;

/** A failed admin API call. `validation` carries Caddy's own message; the config Caddy runs is unchanged. */
export class CaddyAdminError extends Error {
  readonly kind: CaddyErrorKind;
  /** The HTTP status, when Caddy answered. */
  readonly status?: number;

  constructor(kind: CaddyErrorKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CaddyAdminError';
    this.kind = kind;
    this.status = options.status;
  }
}

export interface CaddyClientOptions {
  /** `http://127.0.0.1:2019`. */
  adminUrl: string;
  /** Longest wait for one call. A `/load` blocks until Caddy has switched (seconds for large configs). */
  timeoutMs?: number;
}

export interface CaddyClient {
  /** The running config and its ETag (`"/config/ <hash>"`, undefined if Caddy sent none). */
  getConfig(): Promise<{ config: unknown; etag: string | undefined }>;
  /**
   * Replace the whole config. With `ifMatch`, Caddy applies it only if the running config still has that ETag
   * (else `conflict`, 412). Caddy 2.6.2 ignores If-Match on `POST /load`, so that case goes to `POST /config/`,
   * which checks it and, like /load, swaps atomically and rolls back on failure.
   */
  load(config: unknown, options?: { ifMatch?: string }): Promise<void>;
  /**
   * Change one part of the running config: `PATCH` replaces the value at `path`, `PUT` inserts into an array at
   * that index, `POST` appends to the array at `path`, `DELETE` removes it. `ifMatch` (`caddyEtag`): only if the part it names is unchanged (else
   * `conflict`, 412); an `@id` Caddy does not know is `not_found`. Caddy provisions its whole config again after it.
   */
  change(method: 'PATCH' | 'PUT' | 'POST' | 'DELETE', path: string, value: unknown, ifMatch?: string): Promise<void>;
}

/**
 * The ETag Caddy gives the config at `path` when it holds `value` (`"<path> <hash>"`): FNV-1a (32 bits) of Go's
 * JSON encoding of it — keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped, a newline after. Lets a caller make
 * a change conditional on a part it delivered without reading it back.
 */
export function caddyEtag(path: string, value: unknown): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${goJson(value)}\n`, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return `"${path} ${(hash >>> 0).toString(16).padStart(8, '0')}"`;
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort();
  return Object.fromEntries(keys.map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

interface Answer {
  status: number;
  body: string;
  etag: string | undefined;
}

export function createCaddyClient({ adminUrl, timeoutMs = 30_000 }: CaddyClientOptions): CaddyClient {
  const base = adminUrl.replace(/\/+$/, '');

  function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      // A fresh connection per call (`agent: false`, not Node's keep-alive pool): a load makes Caddy replace its admin
      // server and close the old one's idle connections, so a pooled socket reused right after a push was seen to
      // fail with ECONNRESET (about every other run of the conformance suite on 2.6.2).
      const options = { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs), agent: false };
      const req = request(`${base}${path}`, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const etag = res.headers.etag ?? res.trailers.etag;
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), etag: typeof etag === 'string' ? etag : undefined });
        });
      });
      req.on('error', reject);
      req.end(body);
    }).then(
      (answer) => answer as Answer,
      (err: unknown) => {
        throw new CaddyAdminError('transient', `Caddy admin ${method} ${path}: ${(err as Error).message}`, { cause: err });
      },
    );
  }

  return {
    async getConfig() {
      const answer = await call('GET', '/config/');
      if (answer.status !== 200) throw errorFrom(`GET /config/`, answer);
      return { config: answer.body.trim() === '' ? null : (JSON.parse(answer.body) as unknown), etag: answer.etag };
    },
    async load(config, { ifMatch } = {}) {
      const body = JSON.stringify(config);
      const answer = ifMatch === undefined ? await call('POST', '/load', body) : await call('POST', '/config/', body, { 'if-match': ifMatch });
      if (answer.status < 200 || answer.status > 299) throw errorFrom(ifMatch === undefined ? 'POST /load' : 'POST /config/ (If-Match)', answer);
    },
    async change(method, path, value, ifMatch) {
      const answer = await call(method, path, value === undefined ? undefined : JSON.stringify(value), ifMatch === undefined ? {} : { 'if-match': ifMatch });
      if (answer.status < 200 || answer.status > 299) throw errorFrom(`${method} ${path}`, answer);
    },
  };
}

function errorFrom(call: string, { status, body }: Answer): CaddyAdminError {
  const detail = caddyMessage(body);
  const message = `Caddy admin ${call}: ${status}${detail ? ` ${detail}` : ''}`;
  if (status === 412) return new CaddyAdminError('conflict', `${message} (the config changed since it was read)`, { status });
  if (status === 403) return new CaddyAdminError('permission', message, { status });
  if (status === 404) return new CaddyAdminError('not_found', message, { status });
  // `POST /config/` (the If-Match path) answers a config Caddy refuses with 500, not 400 as /load does (2.6.2).
  if (status === 500 && /^loading new config:/.test(detail)) return new CaddyAdminError('validation', message, { status });
  if (status >= 500 || status === 0) return new CaddyAdminError('transient', message, { status });
  return new CaddyAdminError('validation', message, { status });
}

/** Caddy answers `{"error": "..."}`; keep it, shortened. */
function caddyMessage(body: string): string {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed && typeof parsed.error === 'string') text = parsed.error;
  } catch {
    // Plain text: keep it.
  }
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

/**
 * Deliver a rendered config: read the running config's ETag and replace it only if nobody changed it in
 * between (`conflict` otherwise; the caller renders again and retries). The reconcile job calls this.
 */
export async function pushCaddyConfig(client: CaddyClient, config: unknown): Promise<void> {
  const { etag } = await client.getConfig();
  await client.load(config, etag === undefined ? {} : { ifMatch: etag });
}
