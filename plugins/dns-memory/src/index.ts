import { definePlugin, z } from '@portico/kernel';
import { startDnsServer } from './server.ts';
import { MemoryZones } from './zones.ts';

export { MEMORY_NAMESERVERS, MemoryZones, normalizeName } from './zones.ts';
export type { LookupResult, Soa, ZoneRecord, ZoneSpec } from './zones.ts';
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
  /** Also answer DNS queries over UDP and TCP on this address (port 0: a free ephemeral port); false: don't. */
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

export default definePlugin({
  id: 'dns.memory',
  version: '0.1.0',
  kernel: '^0.1.0',
  options: optionsSchema,
  describe: {
    dnsProviders: [
      {
        provider: 'memory',
        displayName: 'In-memory (reference)',
        nameservers: ['*.memory.portico.test'],
        recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'],
      },
    ],
  },
  async apply({ hooks, services, options }) {
    if (instances.has(options.id)) {
      throw new Error(`A dns.memory instance with id "${options.id}" is already running; give each one a distinct "id" option`);
    }
    const zones = new MemoryZones(options.zones);
    const instance: MemoryDnsInstance = { zones, address: undefined };

    hooks.applyRecords.for('memory').tapPromise('dns.memory', async (input) => {
      input.signal?.throwIfAborted();
      return zones.apply(input);
    });

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
