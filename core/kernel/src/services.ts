/**
 * The narrowed set of services a plugin receives in `apply`. Plugins never see the ORM, the job queue or the
 * HTTP server: only what is declared here. Every field is stable within a kernel major version; new fields
 * are added as optional.
 */
import type { PublicFetch } from './services/public-fetch.ts';

/** A pino-compatible logger subset. Each plugin gets a child logger bound to `{ plugin: <id> }`. */
export interface PluginLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): PluginLogger;
}

/**
 * What one nameserver said, as evidence on an answer from `createAuthoritativeLookup`.
 * - `found` / `nxdomain` / `nodata`: an authoritative answer (AA bit set); `values` are the records found;
 * - `alias`: the name is a CNAME (`values[0]` is its target), followed to the target's own zone;
 * - `referral`: the server sent the question down to a delegated zone (`values`: the zone, then its NS names);
 * - `error`: it failed or proved nothing: timeout, REFUSED, SERVFAIL, an answer without the AA bit
 *   (`ENOTAUTH`), a referral that does not lead down (`ELAME`).
 */
export interface DnsServerEvidence {
  /** The NS hostname (or, for a configured server, its address). */
  nameserver: string;
  /** The address asked, `ip:port` (`[ip6]:port`). */
  server: string;
  status: 'found' | 'nxdomain' | 'nodata' | 'alias' | 'referral' | 'error';
  values?: string[];
  code?: string;
  message?: string;
}

/** Optional detail on every `DnsAnswer` from a lookup that asks a zone's nameservers (additive; may be absent). */
export interface DnsAnswerDetail {
  /** The zone whose nameservers gave the answer (after following any CNAME into another zone). */
  zone?: string;
  /** What each nameserver of that zone said. */
  evidence?: DnsServerEvidence[];
}

/**
 * Outcome of one DNS question. Tri-state by design: a checker's own failure (`error`) is never proof that a
 * record is missing.
 * - `found`: the zone answered with records of the asked type (values in presentation form; TXT strings of
 *   one record joined without separator).
 * - `nxdomain`: the name does not exist.
 * - `nodata`: the name exists but has no record of that type.
 * - `error`: the question could not be answered. `code` says why: `ETIMEOUT`, `ECONNREFUSED`, `EREFUSED`,
 *   `ESERVFAIL`, `ENOTAUTH` (answered without authority), `ELAME`, `ENOZONE`, `ECANCELLED`, … and
 *   `EINCONSISTENT`: the zone's nameservers answered authoritatively but disagree (one has the record, another
 *   not, or other values). Every `error`, `EINCONSISTENT` included, means "could not tell": never a miss.
 *
 * With `createAuthoritativeLookup`, `found`, `nxdomain` and `nodata` are authoritative (AA bit set) answers from
 * the zone's current nameservers, all of those that answered agreeing; `evidence` lists each one's part.
 */
export type DnsAnswer =
  | ({ status: 'found'; values: string[] } & DnsAnswerDetail)
  | ({ status: 'nxdomain' } & DnsAnswerDetail)
  | ({ status: 'nodata' } & DnsAnswerDetail)
  | ({ status: 'error'; code: string; message: string } & DnsAnswerDetail);

/**
 * Where a name's zone starts and which servers are authoritative for it (`DnsLookup.findZone`).
 * - `found`: `zone` is the closest enclosing zone cut (the name itself or an ancestor), so a delegated sub-zone
 *   is its own zone; `nameservers` are its NS hostnames as its parent's nameservers delegate it (or as the zone
 *   itself lists them when one server holds both) and `addresses` their IPv4 then IPv6 addresses (all
 *   normalised: lower case, no trailing dot).
 * - `error`: the zone could not be established. `code` is the server's (`ETIMEOUT`, `EREFUSED`, …) or
 *   `ENOZONE` (the seeds know no enclosing zone), `ENOADDRESS` (no NS hostname has an address), `ELAME` (a
 *   nameserver answers for another zone or refers sideways), `EINCONSISTENT` (the parent's nameservers disagree).
 *
 * @example
 * await dns.findZone?.('shop.example.com');
 * // { status: 'found', zone: 'example.com', nameservers: ['ns1.example.net'], addresses: ['192.0.2.53'] }
 */
export type ZoneDiscovery =
  | { status: 'found'; zone: string; nameservers: string[]; addresses: string[] }
  | ({ status: 'error'; code: string; message: string } & DnsAnswerDetail);

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
  | ({ status: 'error'; code: string; message: string } & DnsAnswerDetail);

/**
 * DNS questions asked of the configured (authoritative or test) servers, with bounded timeouts and tries.
 * Implementations never reject: every failure is an answer with `status: 'error'`.
 *
 * `createDnsLookup` asks fixed servers and offers `query` only. `createAuthoritativeLookup` walks down from the
 * topmost zone its seeds know, following referrals, and asks every nameserver of the name's zone; only answers
 * with the AA bit count, and all nameservers that answered must agree (see `DnsAnswer`). It also offers
 * `findZone` and `resolveChain`; plugins must check that an optional method exists before calling it.
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
  /**
   * GET a URL that outside data named (a DNS record, a provider's answer) from public addresses only: looked up
   * through `dns`, connected to the checked address, bounded in time and size, redirects only to the same
   * origin (services/public-fetch.ts). Use it, never `fetch`, for any URL a customer or a zone can choose.
   * Optional for plugins built against older kernels; this kernel always provides it.
   */
  publicFetch?: PublicFetch;
  dns: DnsLookup;
  secrets: SecretStore;
  /** Register cleanup (close a socket, stop a timer); run in reverse order when the kernel closes. */
  onClose(fn: () => void | Promise<void>): void;
}
