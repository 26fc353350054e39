import { resolve } from 'node:path';
import { defineDnsProvider, DnsProviderError, packageFacts, z, type DnsProviderClient } from '@portico/kernel';
import { openZoneFile, persistZones } from './persist.ts';
import { startDnsServer } from './server.ts';
import { MEMORY_NAMESERVERS, MemoryZones, normalizeName } from './zones.ts';

export { MEMORY_NAMESERVERS, MemoryZones, normalizeName } from './zones.ts';
export type { LookupResult, Soa, ZoneRecord, ZoneSnapshot, ZoneSpec } from './zones.ts';
export { writeZoneFile } from './persist.ts';
export { respond, startDnsServer } from './server.ts';
export type { DnsServer, DnsServerOptions } from './server.ts';

const recordSetSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['A', 'AAAA', 'CNAME', 'TXT']),
  ttl: z.number().int().min(1).default(300),
  values: z.array(z.string()).min(1),
});

export const optionsSchema = z.object({
  /** Names this instance for `getMemoryDnsInstance(id)`; distinct per kernel when several run in one process. */
  id: z.string().min(1).default('default'),
  /** Zones served, each with optional initial record sets. */
  zones: z.array(z.object({ name: z.string().min(1), records: z.array(recordSetSchema).default([]) })).default([]),
  /**
   * Keep the zones in this JSON file (relative paths: from the working directory) across restarts: loaded on
   * start, where the file wins for the zones it holds, and rewritten after every write that changes something.
   */
  persist: z.object({ file: z.string().min(1) }).optional(),
  /** Also answer DNS queries over UDP and TCP on this address (port 0: a free ephemeral port); false: don't. */
  /**
   * The credential this provider accepts (`{ token }`), so the reference provider exercises credential checks
   * like a real one; unset: any credential, even none, is accepted.
   */
  token: z.string().min(1).optional(),
  /** Nameserver patterns detection matches for this provider. */
  nameservers: z.array(z.string().min(1)).default(['*.memory.portico.test']),
  serve: z
    .union([
      z.literal(false),
      z.object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(0),
      }),
    ])
    .default(false),
});

export type MemoryDnsOptions = z.input<typeof optionsSchema>;

/** A running `dns.memory` plugin: its zone store and, when `serve` is set, the address its DNS server is bound to. */
export interface MemoryDnsInstance {
  zones: MemoryZones;
  address: { host: string; port: number } | undefined;
}

const instances = new Map<string, MemoryDnsInstance>();

/**
 * The running instance registered with option `id` (default `'default'`), for tests and the application to
 * publish records directly or point a resolver at the bound port. Undefined before `apply` and after the
 * kernel closes.
 */
export function getMemoryDnsInstance(id = 'default'): MemoryDnsInstance | undefined {
  return instances.get(id);
}

/** The provider client over the zone store; `ownership: 'txt'` (the store keeps no comments). */
function memoryClient(zones: MemoryZones, token: string | undefined, credentials: { token?: string }): DnsProviderClient {
  const check = () => {
    if (token !== undefined && credentials.token !== token) throw new DnsProviderError('auth', 'The in-memory provider refused the token');
  };
  const served = (zone: string) => {
    const apex = normalizeName(zone);
    if (!zones.zoneNames().includes(apex)) throw new DnsProviderError('not_found', `Zone "${apex}" is not served by this in-memory provider; add it to the plugin's "zones" option`);
    return apex;
  };
  return {
    async verifyCredentials() {
      check();
      return { zones: zones.zoneNames() };
    },
    async getZone(zone) {
      check();
      return { name: served(zone), nameservers: [...MEMORY_NAMESERVERS] };
    },
    async getRecords(zone, { names } = {}) {
      check();
      const wanted = names && new Set(names.map(normalizeName));
      return zones.list(served(zone)).filter((set) => !wanted || wanted.has(set.name));
    },
    async applyChanges(zone, changes) {
      check();
      const apex = served(zone);
      zones.apply({
        zone: apex,
        upsert: changes.filter((c) => c.action !== 'delete').map((c) => c.set),
        remove: changes.filter((c) => c.action === 'delete').map((c) => c.set),
      });
    },
  };
}

export default defineDnsProvider({
  id: 'dns.memory',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: z.object({ token: z.string().optional() }),
  provider: (options) => ({
    provider: 'memory',
    displayName: 'In-memory (reference)',
    setup: 'api',
    nameservers: options.nameservers,
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: false, apexAlias: false, ownership: 'txt' },
    permissions: ['None: the reference provider lives in the Portico process (set the "token" option to require one).'],
    connect: ({ credentials }) => {
      const instance = instances.get(options.id);
      if (!instance) throw new DnsProviderError('transient', `The dns.memory instance "${options.id}" is not running`);
      return memoryClient(instance.zones, options.token, credentials);
    },
  }),
  async apply({ services, options }) {
    if (instances.has(options.id)) {
      throw new Error(`A dns.memory instance with id "${options.id}" is already running; give each one a distinct "id" option`);
    }
    let zones: MemoryZones;
    if (options.persist) {
      const file = resolve(options.persist.file);
      zones = openZoneFile(file, options.zones, services.logger);
      services.onClose(persistZones(zones, file, services.logger));
    } else {
      zones = new MemoryZones(options.zones);
    }
    const instance: MemoryDnsInstance = { zones, address: undefined };

    if (options.serve) {
      const logger = services.logger;
      const server = await startDnsServer({
        zones,
        host: options.serve.host,
        port: options.serve.port,
        onError: (error) => logger.warn({ err: error }, 'dns.memory server socket error'),
      });
      instance.address = { host: server.host, port: server.port };
      logger.info({ dns: `${server.host}:${server.port}` }, 'dns.memory answering DNS queries');
      services.onClose(() => server.close());
    }

    instances.set(options.id, instance);
    services.onClose(() => {
      if (instances.get(options.id) === instance) instances.delete(options.id);
    });
  },
});
