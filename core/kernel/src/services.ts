/**
 * The narrowed set of services a plugin receives in `apply`. Plugins never see the ORM, the job queue or the
 * HTTP server: only what is declared here. Every field is stable within a kernel major version; new fields
 * are added as optional.
 */

/** A pino-compatible logger subset. Each plugin gets a child logger bound to `{ plugin: <id> }`. */
export interface PluginLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): PluginLogger;
}

/**
 * Outcome of one authoritative DNS question. Tri-state by design: a checker's own failure (`error`) is never
 * proof that a record is missing.
 * - `found`: the server answered with records of the asked type (values in presentation form; TXT strings of
 *   one record joined without separator).
 * - `nxdomain`: the name does not exist.
 * - `nodata`: the name exists but has no record of that type.
 * - `error`: timeout, SERVFAIL, REFUSED, connection failure… `code` is the resolver's code (`ETIMEOUT`, …).
 */
export type DnsAnswer =
  | { status: 'found'; values: string[] }
  | { status: 'nxdomain' }
  | { status: 'nodata' }
  | { status: 'error'; code: string; message: string };

/** DNS questions asked of the configured (authoritative or test) servers, with bounded timeouts and tries. */
export interface DnsLookup {
  query(name: string, type: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'NS', options?: { signal?: AbortSignal }): Promise<DnsAnswer>;
}

/** Read access to secrets the operator configured (environment or key file). Never log a returned value. */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
}

export interface PluginServices {
  logger: PluginLogger;
  /** `fetch` with the platform's timeouts and user agent. */
  fetch: typeof globalThis.fetch;
  dns: DnsLookup;
  secrets: SecretStore;
  /** Register cleanup (close a socket, stop a timer); run in reverse order when the kernel closes. */
  onClose(fn: () => void | Promise<void>): void;
}
