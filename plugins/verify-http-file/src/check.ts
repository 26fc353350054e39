import type { DnsAnswer, ExpectedRecord, VerifyResult } from '@portico/kernel';
import { nonPublicReason } from './addresses.ts';
import type { FetchOutcome } from './fetch.ts';

/** The path every challenge file lives under; the token is the file name. */
export const WELL_KNOWN_PATH = '/.well-known/portico-challenge/';
/** Same-host redirects followed before giving up. */
export const MAX_REDIRECTS = 3;
/** How much of a wrong body a result repeats. */
const SNIPPET = 200;

const NOT_PROOF = 'This is not proof that the file is missing; the check will be retried automatically.';

export interface Served {
  scheme: 'http' | 'https';
  /** The port Portico connects to; left out of the URL when it is the scheme's default. */
  port: number;
}

export function normaliseHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** `http://<hostname>/.well-known/portico-challenge/<token>`, with `:<port>` only for a non-default port. */
export function challengeUrl({ scheme, port }: Served, hostname: string, token: string): string {
  const standard = scheme === 'https' ? 443 : 80;
  return `${scheme}://${normaliseHost(hostname)}${port === standard ? '' : `:${port}`}${WELL_KNOWN_PATH}${encodeURIComponent(token)}`;
}

/** What the user publishes: the file at the URL (`name`), whose whole content is the token (`value`). */
export function expectedRecord(served: Served, hostname: string, token: string): ExpectedRecord {
  return { name: challengeUrl(served, hostname, token), type: 'HTTP', value: token };
}

/** Where to fetch from, or the result that makes fetching pointless. */
export type Destination = { kind: 'fetch'; address: string } | { kind: 'result'; result: VerifyResult };

/**
 * Pick the address to connect to from the hostname's A and AAAA answers (IPv4 first). Unless private addresses
 * are allowed, any non-public address among them stops the check: Portico will not be made to request its own
 * network. No addresses: missing, or error if a lookup failed.
 */
export function chooseAddress(
  answers: { a: DnsAnswer; aaaa: DnsAnswer },
  expected: ExpectedRecord,
  allowPrivateAddresses: boolean,
): Destination {
  const host = new URL(expected.name).hostname;
  const base = { expected: [expected] };
  const addresses = [answers.a, answers.aaaa].flatMap((answer) => (answer.status === 'found' ? answer.values : []));
  if (!allowPrivateAddresses) {
    for (const address of addresses) {
      const reason = nonPublicReason(address);
      if (reason === undefined) continue;
      return {
        kind: 'result',
        result: {
          ...base,
          status: 'mismatch',
          found: [address],
          message:
            `${host} resolves to ${address}, ${reason === 'invalid' ? 'not a usable address' : `a ${reason} address`}; Portico does ` +
            `not fetch from private or internal addresses. Point ${host} at your public web server, then check again.`,
        },
      };
    }
  }
  if (addresses.length > 0) return { kind: 'fetch', address: addresses[0] };
  const failed = [answers.a, answers.aaaa].find((answer) => answer.status === 'error');
  if (failed?.status === 'error') {
    return {
      kind: 'result',
      result: { ...base, status: 'error', message: `Could not look up the addresses of ${host} (${failed.code}: ${failed.message}). ${NOT_PROOF}` },
    };
  }
  return {
    kind: 'result',
    result: {
      ...base,
      status: 'missing',
      message:
        `${host} does not resolve yet (no A or AAAA records). Point it at your web server and serve a file at ` +
        `${expected.name} containing exactly ${expected.value}; Portico keeps checking.`,
    },
  };
}

/**
 * Decide an `http-file` verification from the fetch: 200 with the token as the whole body (surrounding whitespace
 * and a byte-order mark ignored) → verified; 404/410 → missing; 5xx, 408, 429 and transport failures → error;
 * a wrong body, any other status, an oversized body or a redirect off the host → mismatch.
 */
export function decideFetch(outcome: FetchOutcome, expected: ExpectedRecord, context: { address: string; maxBytes: number }): VerifyResult {
  const base = { expected: [expected] };
  const url = expected.name;
  const token = expected.value;
  const serve = `Serve a file at ${url} whose whole content is ${token}`;

  switch (outcome.kind) {
    case 'response': {
      const { status } = outcome;
      if (status === 200) {
        const body = outcome.body.replace(/^\uFEFF/, '').trim();
        if (body === token) return { ...base, status: 'verified', message: `${url} serves the expected token.` };
        const snippet = body.slice(0, SNIPPET);
        return {
          ...base,
          status: 'mismatch',
          found: [snippet],
          message: `${url} serves ${body === '' ? 'an empty file' : JSON.stringify(snippet)}, not the token. ${serve}, then check again.`,
        };
      }
      if (status === 404 || status === 410) {
        return { ...base, status: 'missing', message: `No file at ${url} yet (HTTP ${status}). ${serve}; Portico keeps checking.` };
      }
      if (status >= 500 || status === 408 || status === 429) {
        return { ...base, status: 'error', message: `${url} answered HTTP ${status}. ${NOT_PROOF}` };
      }
      return {
        ...base,
        status: 'mismatch',
        found: [`HTTP ${status}`],
        message: `${url} answered HTTP ${status} instead of the file. ${serve}, answered with status 200, then check again.`,
      };
    }
    case 'too-large':
      return {
        ...base,
        status: 'mismatch',
        found: [`more than ${context.maxBytes} bytes`],
        message: `The file at ${url} is too large (more than ${context.maxBytes} bytes). It must contain only the token ${token}.`,
      };
    case 'redirect-refused':
      return {
        ...base,
        status: 'mismatch',
        found: [outcome.location],
        message:
          `${outcome.url} redirects to ${outcome.location}; Portico follows redirects only to the same host, port and scheme. ` +
          `${serve} without redirecting elsewhere, then check again.`,
      };
    case 'too-many-redirects':
      return {
        ...base,
        status: 'mismatch',
        found: [outcome.url],
        message: `${url} redirects more than ${MAX_REDIRECTS} times (last ${outcome.url}). ${serve}, then check again.`,
      };
    case 'failed':
      return { ...base, status: 'error', message: `Could not fetch ${outcome.url} from ${context.address} (${outcome.code}: ${outcome.message}). ${NOT_PROOF}` };
  }
}
