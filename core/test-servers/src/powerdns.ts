import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { findBinary, gsqlite3Module } from './binaries.ts';
import { spawnDaemon } from './daemon.ts';
import { freePort } from './ports.ts';
import { createPowerDnsApi, type PowerDnsApi, type RecordSet } from './powerdns-api.ts';

export interface PowerDnsOptions {
  /** Zones created before `startPowerDns` resolves, each with its records. */
  zones?: Array<{ name: string; nameservers?: string[]; records?: RecordSet[] }>;
  /** The API key. Default: random. */
  apiKey?: string;
  /** Longest wait for the API and DNS to answer. Default 10000 ms. */
  readyTimeoutMs?: number;
  /**
   * Loopback IPv4 address DNS listens on. Default `127.0.0.1`. Linux routes all of 127.0.0.0/8 to loopback, so
   * servers on `127.0.0.2`, `127.0.0.3`, … can share one `dnsPort` and stand for different name servers.
   */
  address?: string;
  /** DNS port (UDP and TCP). Default: a free port. Set it to share a port with a server on another address. */
  dnsPort?: number;
}

export interface PowerDns extends PowerDnsApi {
  /** The address DNS listens on (`127.0.0.1` unless `address` was given). The API is always on 127.0.0.1. */
  host: string;
  /** UDP and TCP. */
  dnsPort: number;
  apiPort: number;
  /** `http://127.0.0.1:<apiPort>`; the API lives under `/api/v1/servers/localhost`. */
  apiUrl: string;
  apiKey: string;
  /** The pdns_server process id. */
  pid: number;
  /** The temporary directory holding pdns.conf, the database and the control socket. */
  dir: string;
  /** The server's recent output (last 16 KiB), for a failing test's message. */
  log(): string;
  /** Kills the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const SCHEMAS = ['/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql', '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql'];

/**
 * Starts pdns_server with the gsqlite3 backend on free loopback ports, in a fresh temporary directory, and
 * resolves once both its API and DNS answer. Retries with other ports if a port was taken meanwhile.
 */
export async function startPowerDns({
  zones = [],
  apiKey = randomBytes(16).toString('hex'),
  readyTimeoutMs = 10_000,
  address = '127.0.0.1',
  dnsPort,
}: PowerDnsOptions = {}): Promise<PowerDns> {
  const binary = findBinary('pdns_server');
  if (!binary) throw new Error('pdns_server is not installed: apt-get install pdns-server pdns-backend-sqlite3');
  if (!gsqlite3Module()) throw new Error('The PowerDNS gsqlite3 backend is not installed: apt-get install pdns-backend-sqlite3');
  const schemaPath = SCHEMAS.find((path) => existsSync(path));
  if (!schemaPath) throw new Error(`No gsqlite3 schema at ${SCHEMAS.join(' or ')}: apt-get install pdns-backend-sqlite3`);
  const schema = await readFile(schemaPath, 'utf8');

  for (let attempt = 1; ; attempt++) {
    try {
      const server = await launch({ binary, schema, apiKey, readyTimeoutMs, address, fixedDnsPort: dnsPort });
      try {
        for (const zone of zones) {
          await server.createZone(zone.name, { nameservers: zone.nameservers });
          for (const records of zone.records ?? []) await server.setRecords(zone.name, records);
        }
      } catch (err) {
        await server.stop();
        throw err;
      }
      return server;
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 3) throw err;
    }
  }
}

class PortTaken extends Error {}

interface LaunchOptions {
  binary: string;
  schema: string;
  apiKey: string;
  readyTimeoutMs: number;
  address: string;
  fixedDnsPort: number | undefined;
}

async function launch({ binary, schema, apiKey, readyTimeoutMs, address, fixedDnsPort }: LaunchOptions): Promise<PowerDns> {
  const dir = await mkdtemp(join(tmpdir(), 'portico-pdns-'));
  let dnsPort: number, apiPort: number;
  try {
    dnsPort = fixedDnsPort ?? (await freePort({ udp: true, address }));
    apiPort = await freePort();
    const database = join(dir, 'pdns.sqlite3');
    const db = new DatabaseSync(database);
    db.exec(schema);
    db.close();
    await writeFile(join(dir, 'pdns.conf'), config({ dir, database, address, dnsPort, apiPort, apiKey }));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  // --config-dir keeps pdns away from /etc/powerdns/pdns.conf (which launches the bind backend).
  const { child, log: daemonLog, hasExited, stop } = spawnDaemon(binary, [`--config-dir=${dir}`], dir);

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  try {
    await waitUntilReady({ apiUrl, apiKey, dns: `${address}:${dnsPort}`, readyTimeoutMs, hasExited });
  } catch (err) {
    await stop();
    const message = `pdns_server did not become ready: ${(err as Error).message}\n--- pdns log ---\n${daemonLog()}`;
    throw /Unable to bind|Address already in use/i.test(daemonLog()) ? new PortTaken(message) : new Error(message);
  }
  return { host: address, dnsPort, apiPort, apiUrl, apiKey, pid: child.pid as number, dir, log: daemonLog, stop, ...createPowerDnsApi(apiUrl, apiKey) };
}

function config({ dir, database, address, dnsPort, apiPort, apiKey }: Record<'dir' | 'database' | 'address' | 'apiKey', string> & Record<'dnsPort' | 'apiPort', number>): string {
  return [
    'launch=gsqlite3',
    `gsqlite3-database=${database}`,
    `local-address=${address}`,
    `local-port=${dnsPort}`,
    'api=yes',
    `api-key=${apiKey}`,
    'webserver=yes',
    'webserver-address=127.0.0.1',
    `webserver-port=${apiPort}`,
    'webserver-allow-from=127.0.0.0/8,::1/128',
    'webserver-loglevel=none',
    `socket-dir=${dir}`,
    'daemon=no',
    'guardian=no',
    'disable-syslog=yes',
    'loglevel=4',
    // No security-status query to the outside world at start-up.
    'security-poll-suffix=',
    'default-soa-content=ns1.@ hostmaster.@ 1 10800 3600 604800 60',
    // A test server shows every change at once: no packet, query, negative or zone-list caches.
    'cache-ttl=0',
    'negquery-cache-ttl=0',
    'query-cache-ttl=0',
    'zone-cache-refresh-interval=0',
    'receiver-threads=1',
    'distributor-threads=1',
    '',
  ].join('\n');
}

async function waitUntilReady({ apiUrl, apiKey, dns, readyTimeoutMs, hasExited }: {
  apiUrl: string;
  apiKey: string;
  dns: string;
  readyTimeoutMs: number;
  hasExited: () => boolean;
}): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    try {
      const response = await fetch(`${apiUrl}/api/v1/servers/localhost`, { headers: { 'X-API-Key': apiKey }, signal: AbortSignal.timeout(1000) });
      if (response.ok && (await dnsAnswers(dns))) return;
      last = `API status ${response.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no answer within ${readyTimeoutMs} ms (${last})`);
}

/** Any DNS answer counts, REFUSED included (no zone yet); only silence or a closed port means not ready. */
async function dnsAnswers(server: string): Promise<boolean> {
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([server]);
  try {
    await resolver.resolveSoa('readiness.invalid');
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code !== 'ECONNREFUSED' && code !== 'ETIMEOUT';
  }
}
