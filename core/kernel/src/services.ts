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

/**
 * Where a name's zone starts and which servers are authoritative for it (`DnsLookup.findZone`).
 * - `found`: `zone` is the closest enclosing name (the name itself or an ancestor) that has NS records, so a
 *   delegated sub-zone is its own zone; `nameservers` are its NS hostnames and `addresses` their IPv4 then
 *   IPv6 addresses (all normalised: lower case, no trailing dot).
 * - `error`: the zone could not be established. `code` is the resolver's (`ETIMEOUT`, `EREFUSED`, …) or
 *   `ENOZONE` (no enclosing name has NS records) or `ENOADDRESS` (no NS hostname has an address).
 *
 * @example
 * await dns.findZone?.('shop.example.com');
 * // { status: 'found', zone: 'example.com', nameservers: ['ns1.example.net'], addresses: ['192.0.2.53'] }
 */
export type ZoneDiscovery =
  | { status: 'found'; zone: string; nameservers: string[]; addresses: string[] }
  | { status: 'error'; code: string; message: string };

/**
 * The CNAME chain starting at a name (`DnsLookup.resolveChain`), each hop asked of its own zone's
 * authoritative servers.
 * - `found`: the name is an alias; `chain` lists each target in order, the last one being the first name that
 *   is not an alias. The last target is not checked to exist: ask `query()` about it.
 * - `nxdomain` / `nodata`: the name itself does not exist / exists but is not an alias.
 * - `error`: a hop failed (resolver code), the chain loops (`ELOOP`) or is longer than `maxDepth` (`EMAXDEPTH`).
 *
 * @example
 * await dns.resolveChain?.('shop.customer.com');
 * // { status: 'found', chain: ['customers.portico.app', 'edge-1.portico.app'] }
 */
export type CnameChain =
  | { status: 'found'; chain: string[] }
  | { status: 'nxdomain' }
  | { status: 'nodata' }
  | { status: 'error'; code: string; message: string };

/**
 * DNS questions asked of the configured (authoritative or test) servers, with bounded timeouts and tries.
 * Implementations never reject: every failure is an answer with `status: 'error'`.
 *
 * `createDnsLookup` asks fixed servers and offers `query` only. `createAuthoritativeLookup` finds each name's
 * zone and asks that zone's authoritative servers, and also offers `findZone` and `resolveChain`; plugins
 * must check that an optional method exists before calling it.
 */
export interface DnsLookup {
  /**
   * Asks one question about `name`. Names in answers are normalised (lower case, no trailing dot).
   *
   * @example
   * const answer = await dns.query('_portico-challenge.shop.example.com', 'TXT', { signal });
   * if (answer.status === 'found' && answer.values.includes(token)) { ... }
   */
  query(name: string, type: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'NS', options?: { signal?: AbortSignal }): Promise<DnsAnswer>;
  /**
   * Finds the zone `name` belongs to and its authoritative servers. Optional: present on lookups that ask
   * authoritative servers directly. Results may be cached briefly by the implementation.
   */
  findZone?(name: string, options?: { signal?: AbortSignal }): Promise<ZoneDiscovery>;
  /**
   * Follows the CNAME chain from `name` across zones, at most `maxDepth` aliases (default 8). Optional:
   * present on lookups that ask authoritative servers directly.
   */
  resolveChain?(name: string, options?: { maxDepth?: number; signal?: AbortSignal }): Promise<CnameChain>;
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
