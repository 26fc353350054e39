import { z } from 'zod';

/**
 * portico.config.json (or portico.config.ts default-exporting the same object). Every field has a default, so
 * an empty object is a valid config. Environment variables override: DATABASE_URL, PORT, HOST, PUBLIC_URL.
 */
export const pluginEntrySchema = z.object({
  /** npm package name (resolved from the config file's folder) or a path relative to it. */
  package: z.string().min(1),
  options: z.unknown().optional(),
  /** Set false to keep an entry in the file without loading it. */
  enabled: z.boolean().default(true),
});

export const configSchema = z.object({
  http: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8780),
      /** The URL people and edges reach the API at; defaults to http://host:port. */
      publicUrl: z.url().optional(),
      /** Trust X-Forwarded-Proto/-For from a TLS-terminating proxy in front (marks session cookies Secure). */
      trustProxy: z.boolean().default(false),
    })
    .prefault({}),
  database: z
    .object({
      /** Any PostgreSQL. Unset: an embedded PostgreSQL is started with its data under `embedded.dataDir`. */
      url: z.string().optional(),
      embedded: z
        .object({
          dataDir: z.string().default('.portico/postgres'),
          /** 0 = any free port. When the configured port is taken, a free one is used. */
          port: z.number().int().min(0).max(65535).default(54329),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * How DNS checks ask. `authoritative` (default): find the zone's authoritative servers through `servers` (the
   * resolvers used only for that discovery) and ask them directly, never a cache. `resolver`: ask `servers`
   * themselves (tests and the demo, whose in-process server is authoritative already).
   */
  dns: z
    .object({
      mode: z.enum(['authoritative', 'resolver']).default('authoritative'),
      /** 'ip' or 'ip:port'; empty means the system's resolvers. */
      servers: z.array(z.string()).default([]),
      timeoutMs: z.number().int().min(50).max(30_000).default(2000),
      tries: z.number().int().min(1).max(5).default(2),
      /** Port the authoritative servers are asked on (53; tests point it at a local server's port). */
      nameserverPort: z.number().int().min(1).max(65535).default(53),
    })
    .prefault({}),
  verification: z
    .object({
      defaultMethod: z.string().default('dns-txt'),
      /** How often a verified (or live) domain's ownership proof is checked again. */
      watchIntervalMinutes: z.number().int().min(1).max(10_080).default(60),
      /** Confirmed misses in a row before a verified domain is marked drifted (checker errors never count). */
      driftThreshold: z.number().int().min(1).max(20).default(2),
      /** After a first miss, check again this soon to confirm it. */
      missRecheckMinutes: z.number().int().min(1).max(1440).default(5),
    })
    .prefault({}),
  jobs: z
    .object({
      /** How often idle workers poll for jobs, in seconds. */
      pollingIntervalSeconds: z.number().min(0.5).max(60).default(1),
    })
    .prefault({}),
  /** Seed the demo organization, user and project from seeds/ when the database has no users. */
  seedDemo: z.boolean().default(true),
  plugins: z.array(pluginEntrySchema).default([]),
});

export type PorticoConfig = z.output<typeof configSchema>;
export type PluginEntry = z.output<typeof pluginEntrySchema>;
