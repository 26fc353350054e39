import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, requireBinary } from './binaries.ts';
import { spawnDaemon } from './daemon.ts';
import { freePort } from './ports.ts';
import type { RecordSet } from './powerdns-api.ts';
import { quoteTxt } from './txt.ts';

/** TSIG algorithms BIND and Knot both take. */
export type TsigAlgorithm = 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512' | 'hmac-sha224' | 'hmac-sha1';

export interface TsigKeyOptions {
  /** The key name, e.g. `portico-key`. */
  name: string;
  /** Default `hmac-sha256`. */
  algorithm?: TsigAlgorithm;
  /** Base64. Default: 32 random bytes. */
  secret?: string;
  /**
   * What the key may update in every zone: `true` any record (BIND `grant <key> zonesub ANY`, Knot acl
   * `action: update`), a list of types to allow only those (`grant <key> zonesub TXT A`, Knot `update-type`),
   * `false` nothing. Default true.
   */
  update?: boolean | string[];
  /** Whether the key may transfer the zones (AXFR). Default true. */
  transfer?: boolean;
}

/** A key as the server was configured with it. */
export interface TsigKeyInfo {
  name: string;
  algorithm: TsigAlgorithm;
  secret: string;
  update: boolean | string[];
  transfer: boolean;
}

export interface AuthoritativeOptions {
  /** Zones served, each with a SOA, `NS ns1.<zone>`, `ns1.<zone> A <address>` and the given records. */
  zones?: Array<{ name: string; records?: RecordSet[] }>;
  /** TSIG keys. Default: one key `portico-test` (hmac-sha256, random secret) that may update and transfer. */
  keys?: TsigKeyOptions[];
  /** Longest wait for every zone's SOA to be served. Default 10000 ms. */
  readyTimeoutMs?: number;
  /** Loopback IPv4 address to listen on. Default `127.0.0.1`. */
  address?: string;
  /** DNS port (UDP and TCP). Default: a free port. */
  dnsPort?: number;
}

/** A running authoritative server (BIND or Knot) that takes TSIG-signed dynamic updates. */
export interface AuthoritativeServer {
  host: string;
  /** UDP and TCP. */
  dnsPort: number;
  /** The keys it was configured with, secrets included. */
  keys: TsigKeyInfo[];
  /** The zones it serves, lower-case, without trailing dot. */
  zones: string[];
  pid: number;
  /** The temporary directory with the configuration, the zone files and their journals. */
  dir: string;
  /** The server's recent output (last 16 KiB), for a failing test's message. */
  log(): string;
  /** Kills the server (SIGTERM, SIGKILL after 5 s) and removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

export type Bind = AuthoritativeServer;

/** `requireBinary('named', 'bind9')`: true when BIND can be started; see `requireBinary` for CI. */
export const requireBind = (): boolean => requireBinary('named', 'bind9');

/**
 * Starts BIND 9 (`named -g`) on a free loopback port, in a fresh temporary directory, with primary zones that
 * take updates signed by the given keys, and resolves once every zone's SOA is served.
 */
export async function startBind(options: AuthoritativeOptions = {}): Promise<Bind> {
  const binary = findBinary('named');
  if (!binary) throw new Error('named is not installed: apt-get install bind9');
  return await startAuthoritative('named', options, {
    args: (dir) => ['-g', '-4', '-c', join(dir, 'named.conf')],
    binary,
    portTaken: /address in use|could not listen/i,
    configure: async ({ dir, address, dnsPort, keys, zones }) => {
      await writeFile(join(dir, 'named.conf'), bindConfig({ dir, address, dnsPort, keys, zones: zones.map((zone) => zone.name) }));
      for (const zone of zones) await writeFile(join(dir, `${zone.name}.zone`), zoneFile(zone.name, zone.records, address));
    },
  });
}

function bindConfig({ dir, address, dnsPort, keys, zones }: { dir: string; address: string; dnsPort: number; keys: TsigKeyInfo[]; zones: string[] }): string {
  const grants = keys.filter((key) => key.update !== false).map((key) => `grant "${key.name}" zonesub ${key.update === true ? 'ANY' : (key.update as string[]).join(' ')};`);
  const transfer = keys.filter((key) => key.transfer).map((key) => `key "${key.name}";`);
  return [
    'options {',
    `  directory "${dir}";`,
    `  pid-file "${join(dir, 'named.pid')}";`,
    `  session-keyfile "${join(dir, 'session.key')}";`,
    `  managed-keys-directory "${dir}";`,
    `  listen-on port ${dnsPort} { ${address}; };`,
    '  listen-on-v6 { none; };',
    '  recursion no;',
    '  dnssec-validation no;',
    '  notify no;',
    `  allow-transfer { ${transfer.length > 0 ? transfer.join(' ') : 'none;'} };`,
    '};',
    'controls { };',
    ...keys.map((key) => `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };`),
    ...zones.map((zone) =>
      [
        `zone "${zone}" {`,
        '  type primary;',
        `  file "${join(dir, `${zone}.zone`)}";`,
        grants.length > 0 ? `  update-policy { ${grants.join(' ')} };` : '',
        '};',
      ].join('\n'),
    ),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Shared with knot.ts: keys, zone files and the process around a DNS daemon.

/** Fills in a key's defaults: hmac-sha256, 32 random bytes of secret, update and transfer allowed. */
export function tsigKeyInfo({ name, algorithm = 'hmac-sha256', secret = randomBytes(32).toString('base64'), update = true, transfer = true }: TsigKeyOptions): TsigKeyInfo {
  if (!/^[a-z0-9][a-z0-9.-]*$/i.test(name)) throw new Error(`TSIG key name ${JSON.stringify(name)}: use letters, digits, dots and dashes`);
  return { name, algorithm, secret, update, transfer };
}

/** A zone file: SOA (serial 1, negative TTL 60), `NS ns1.<zone>`, its address, then `records` (TTL 60 unless set). */
export function zoneFile(zone: string, records: RecordSet[] = [], address = '127.0.0.1'): string {
  const apex = fqdn(zone);
  const lines = ['$TTL 60', `@ IN SOA ns1.${apex} hostmaster.${apex} 1 3600 600 86400 60`, `@ IN NS ns1.${apex}`, `ns1.${apex} IN A ${address}`];
  for (const { name, type, ttl = 60, values } of records) {
    for (const value of values) lines.push(`${recordName(zone, name)} ${ttl} IN ${type.toUpperCase()} ${content(type.toUpperCase(), value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function fqdn(name: string): string {
  return `${name.replace(/\.$/, '').toLowerCase()}.`;
}

function recordName(zone: string, name: string): string {
  const apex = fqdn(zone).slice(0, -1);
  const lower = name.replace(/\.$/, '').toLowerCase();
  if (lower === '@' || lower === '') return fqdn(apex);
  return fqdn(lower === apex || lower.endsWith(`.${apex}`) ? lower : `${lower}.${apex}`);
}

function content(type: string, value: string): string {
  if (type === 'CNAME' || type === 'NS' || type === 'PTR') return fqdn(value);
  if (type === 'TXT') return quoteTxt(value);
  return value;
}


export interface DaemonRecipe {
  binary: string;
  args: (dir: string) => string[];
  /** Writes the configuration and zone files into `dir` (a fresh directory). */
  configure: (setup: { dir: string; address: string; dnsPort: number; keys: TsigKeyInfo[]; zones: Array<{ name: string; records?: RecordSet[] }> }) => Promise<void>;
  /** Matches the daemon's output when it could not bind its port, so another port is tried. */
  portTaken: RegExp;
}


class PortTaken extends Error {}

/** Starts a DNS daemon per `recipe`; retries with another port (three attempts) when the port was taken. */
export async function startAuthoritative(label: string, options: AuthoritativeOptions, recipe: DaemonRecipe): Promise<AuthoritativeServer> {
  const keys = (options.keys ?? [{ name: 'portico-test' }]).map(tsigKeyInfo);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(label, options, keys, recipe);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 3 || options.dnsPort !== undefined) throw err;
    }
  }
}

async function launch(label: string, options: AuthoritativeOptions, keys: TsigKeyInfo[], recipe: DaemonRecipe): Promise<AuthoritativeServer> {
  const { readyTimeoutMs = 10_000, address = '127.0.0.1' } = options;
  const zones = (options.zones ?? []).map((zone) => ({ ...zone, name: zone.name.replace(/\.$/, '').toLowerCase() }));
  const dir = await mkdtemp(join(tmpdir(), `portico-${label}-`));
  let dnsPort: number;
  try {
    dnsPort = options.dnsPort ?? (await freePort({ udp: true, address }));
    await mkdir(join(dir, 'db'));
    await recipe.configure({ dir, address, dnsPort, keys, zones });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const { child, log: daemonLog, hasExited, stop } = spawnDaemon(recipe.binary, recipe.args(dir), dir);

  try {
    await waitForZones({ server: `${address}:${dnsPort}`, zones: zones.map((zone) => zone.name), readyTimeoutMs, hasExited });
  } catch (err) {
    await stop();
    const message = `${label} did not become ready: ${(err as Error).message}\n--- ${label} log ---\n${daemonLog()}`;
    throw recipe.portTaken.test(daemonLog()) ? new PortTaken(message) : new Error(message);
  }
  return { host: address, dnsPort, keys, zones: zones.map((zone) => zone.name), pid: child.pid as number, dir, log: daemonLog, stop };
}

/** Ready when every zone's SOA is served; with no zones, when any answer comes back (REFUSED included). */
async function waitForZones({ server, zones, readyTimeoutMs, hasExited }: { server: string; zones: string[]; readyTimeoutMs: number; hasExited: () => boolean }): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([server]);
  const pending = new Set(zones);
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    try {
      if (zones.length === 0) {
        await resolver.resolveSoa('readiness.invalid').catch((err: { code?: string }) => {
          if (err.code === 'ECONNREFUSED' || err.code === 'ETIMEOUT') throw err;
        });
        return;
      }
      for (const zone of pending) {
        await resolver.resolveSoa(zone);
        pending.delete(zone);
      }
      return;
    } catch (err) {
      last = `${(err as { code?: string }).code ?? (err as Error).message}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`zones ${[...pending].join(', ')} not served within ${readyTimeoutMs} ms (${last})`);
}
