import { isIP } from 'node:net';
import { nonPublicReason } from '../addresses.ts';
import type { DnsAnswer, DnsLookup } from '../services.ts';
import { fetchPinned, type PinnedFetchOutcome } from './pinned-fetch.ts';

/**
 * What a public fetch gave: the pinned GET's outcome (pinned-fetch.ts), or `refused` when the URL may not be
 * fetched at all. `refused` names the address that stopped it and why (`reason`: `loopback`, `private`,
 * `link-local`, … as `nonPublicReason` says, or `invalid` for a URL that is not plain http(s)); `message` is
 * written for people (evidence, a detection reason).
 */
export type PublicFetchOutcome = PinnedFetchOutcome | { kind: 'refused'; url: string; address?: string; reason: string; message: string };

/** Limits of one `get`; each has a default. */
export interface PublicFetchOptions {
  /** For the whole exchange, redirects included (DNS lookups have their own limits). Default 5000. */
  timeoutMs?: number;
  /** Largest body read; a larger one is `too-large`. Default 1 MiB. */
  maxBytes?: number;
  /** Redirects followed, each only to the same scheme, host and port. Default 3. */
  maxRedirects?: number;
  /** The Accept header. */
  accept?: string;
  signal?: AbortSignal;
  /**
   * Fetch from loopback, private, link-local… addresses too. Only for development and tests (a fake server on
   * 127.0.0.1); a plugin exposes it as an option of its own with that warning.
   */
  allowPrivateAddresses?: boolean;
}

/**
 * GET a URL that data from outside named (a DNS record, a provider's answer, a customer's hostname) without
 * letting that data point Portico at its own network: the host's addresses are looked up through Portico's DNS
 * service; any address that is not public unicast refuses the fetch; the connection goes to exactly the checked
 * address (no second lookup, so no DNS rebinding); redirects stay on the same scheme, host and port; time and
 * body size are bounded. Never rejects.
 *
 * @example
 * const got = await services.publicFetch?.get(`https://${host}/v2/${zone}/settings`, { maxBytes: 65_536, signal });
 * if (got?.kind === 'response' && got.status === 200) JSON.parse(got.body);
 * else if (got?.kind === 'refused') evidence.push(got.message);
 */
export interface PublicFetch {
  get(url: string | URL, options?: PublicFetchOptions): Promise<PublicFetchOutcome>;
}

export interface PublicFetchConfig {
  /** Where host names are looked up (A, then AAAA); the kernel passes the plugins' `dns`. */
  dns: DnsLookup;
  userAgent?: string;
  /** Certificates to trust for HTTPS instead of the system's (tests with a private CA). */
  ca?: string;
}

const DEFAULTS = { timeoutMs: 5000, maxBytes: 1_048_576, maxRedirects: 3 };

/** `query` that never rejects: a lookup service that throws is still a lookup error. */
async function ask(dns: DnsLookup, name: string, type: 'A' | 'AAAA', signal: AbortSignal): Promise<DnsAnswer> {
  try {
    return await dns.query(name, type, { signal });
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { status: 'error', code: typeof code === 'string' ? code : 'EUNKNOWN', message: error instanceof Error ? error.message : String(error) };
  }
}

export function createPublicFetch(config: PublicFetchConfig): PublicFetch {
  return {
    async get(input, options = {}) {
      const limits = {
        timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
        maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
        maxRedirects: options.maxRedirects ?? DEFAULTS.maxRedirects,
      };
      let url: URL;
      try {
        url = new URL(input);
      } catch {
        return { kind: 'refused', url: String(input), reason: 'invalid', message: `${String(input)} is not a URL` };
      }
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
        return { kind: 'refused', url: url.href, reason: 'invalid', message: `${url.href} is not a plain http or https URL` };
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      let addresses: string[];
      if (isIP(host) !== 0) {
        addresses = [host];
      } else {
        const timeout = AbortSignal.timeout(limits.timeoutMs);
        const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
        const answers = await Promise.all([ask(config.dns, host, 'A', signal), ask(config.dns, host, 'AAAA', signal)]);
        addresses = answers.flatMap((answer) => (answer.status === 'found' ? answer.values : []));
        if (addresses.length === 0) {
          const failed = answers.find((answer) => answer.status === 'error');
          return failed?.status === 'error'
            ? { kind: 'failed', url: url.href, code: failed.code, message: `could not look up ${host}: ${failed.message}` }
            : { kind: 'failed', url: url.href, code: 'ENOTFOUND', message: `${host} has no A or AAAA records` };
        }
      }
      if (!options.allowPrivateAddresses) {
        // Every address is checked, not only the one used: a name must not mix public and internal destinations.
        for (const address of addresses) {
          const reason = nonPublicReason(address);
          if (reason === undefined) continue;
          const what = reason === 'invalid' ? 'not a usable address' : `a ${reason} address`;
          const named = address === host ? `${host} is ${what}` : `${host} resolves to ${address}, ${what}`;
          return { kind: 'refused', url: url.href, address, reason, message: `${named}; Portico fetches only from public addresses` };
        }
      }
      return fetchPinned({
        url,
        address: addresses[0],
        timeoutMs: limits.timeoutMs,
        maxBytes: limits.maxBytes,
        maxRedirects: limits.maxRedirects,
        signal: options.signal,
        accept: options.accept,
        userAgent: config.userAgent,
        ca: config.ca,
      });
    },
  };
}
