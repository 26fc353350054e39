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
  /** Servers asked by DNS checks ('host' or 'host:port'); empty means the system resolvers. */
  dns: z
    .object({
      servers: z.array(z.string()).default([]),
      timeoutMs: z.number().int().min(50).max(30_000).default(2000),
      tries: z.number().int().min(1).max(5).default(2),
    })
    .prefault({}),
  verification: z
    .object({
      defaultMethod: z.string().default('dns-txt'),
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
