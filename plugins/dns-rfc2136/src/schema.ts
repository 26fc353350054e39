/**
 * The plugin's options and credential, and the `host[:port]` form a credential names its server in. Checked with
 * the client's own parsers (names, TSIG key), so what passes here is what the client accepts.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { z } from '@portico/kernel';
import { TSIG_ALGORITHMS, tsigKey, type TsigAlgorithm } from './tsig.ts';
import { normalName } from './wire.ts';

export interface ServerAddress {
  /** Lower-case; an IPv6 address without brackets. */
  host: string;
  port: number;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address; the port defaults to 53. Throws a RangeError
 * saying what is wrong.
 */
export function parseServer(text: string): ServerAddress {
  const value = text.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  let host: string;
  let port: string | undefined;
  if (bracketed) {
    [, host, port] = bracketed;
    if (!isIPv6(host)) throw new RangeError(`${JSON.stringify(text)}: [${host}] is not an IPv6 address`);
  } else if (isIPv6(value)) {
    host = value;
  } else {
    const match = /^([^:]+)(?::(\d+))?$/.exec(value);
    if (!match) throw new RangeError(`${JSON.stringify(text)} is not "host" or "host:port" (write an IPv6 address with a port as [address]:port)`);
    [, host, port] = match;
    host = host.replace(/\.$/, '');
    if (!isIPv4(host) && !HOSTNAME.test(host)) throw new RangeError(`${JSON.stringify(text)}: ${JSON.stringify(host)} is not an IP address or host name`);
  }
  const number = port === undefined ? 53 : Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65535) throw new RangeError(`${JSON.stringify(text)}: port ${port} is not 1 to 65535`);
  return { host, port: number };
}

/** The one spelling of a server address, for the allow-list and messages: `host:port`, `[v6]:port`. */
export const serverKey = ({ host, port }: ServerAddress): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

const accepts = (check: () => unknown): boolean => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

const serverAddress = z.string().refine((value) => accepts(() => parseServer(value)), {
  error: 'expected "host" or "host:port" (port 53 by default; IPv6 as [address]:port)',
});
const dnsName = z.string().refine((value) => accepts(() => normalName(value)) && normalName(value) !== '', { error: 'expected a DNS name in ASCII (A-label) form' });
const ALGORITHM_NAMES = TSIG_ALGORITHMS as [TsigAlgorithm, ...TsigAlgorithm[]];

export const optionsSchema = z.object({
  /** `host:port` servers a credential may name; empty: any (see the README on the SSRF trade-off). */
  allowedServers: z.array(serverAddress).default([]),
  /** Longest wait for one answer, per try (for a zone transfer, per message). */
  timeoutMs: z.number().int().positive().default(5000),
  /** Tries per message when the server does not answer. */
  tries: z.number().int().min(1).max(10).default(2),
  /** Nameserver patterns detection matches (`*` one label). A self-hosted server has no fixed names. */
  nameservers: z.array(z.string().min(1)).default([]),
});

export type Rfc2136PluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  /** The zone's primary server: `host` or `host:port`. */
  server: serverAddress,
  /** The TSIG key's name as the server knows it. */
  keyName: dnsName,
  algorithm: z.enum(ALGORITHM_NAMES).default('hmac-sha256'),
  /** Base64, as `tsig-keygen` or `keymgr` print it. */
  secret: z.string().refine((secret) => accepts(() => tsigKey({ name: 'key', secret })), { error: 'expected the key secret in base64' }),
  /** The zone the key is for: `verifyCredentials` proves the key against it. Without it only the shape is checked. */
  zone: dnsName.optional(),
});

export type Rfc2136Credentials = z.output<typeof credentialsSchema>;
