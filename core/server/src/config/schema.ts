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
  /**
   * The records a domain needs to reach the platform, written by automatic setup or shown for manual setup:
   * a subdomain gets a CNAME to `cnameTarget`, a zone apex gets A/AAAA records with `ipv4`/`ipv6` (most DNS
   * providers allow no CNAME at the apex). Unset: only the ownership records are set up.
   */
  routing: z
    .object({
      /** Canonical host customers' subdomains point at (`customers.saas.example`). */
      cnameTarget: z.string().min(1).optional(),
      ipv4: z.array(z.ipv4()).default([]),
      ipv6: z.array(z.ipv6()).default([]),
      ttl: z.number().int().min(30).max(86_400).default(300),
    })
    .prefault({}),
  /** Automatic DNS setup through provider plugins (docs/reference/dns-setup.md). */
  dnsSetup: z
    .object({
      /** The owner id written into Portico's ownership markers; give each installation sharing zones its own. */
      owner: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).default('portico'),
      /** TTL of the ownership (challenge) records Portico writes. */
      ttl: z.number().int().min(30).max(86_400).default(300),
      /** How often written records are looked for at the authoritative servers while propagating. */
      propagationIntervalSeconds: z.number().min(0.2).max(3600).default(15),
      /** Give up waiting (back to manual setup, with the records that are missing) after this long. */
      propagationTimeoutMinutes: z.number().min(1).max(10_080).default(60),
      /** Tries of an apply that failed for a retryable reason (rate limit, timeout, 5xx) before it is a failure. */
      applyAttempts: z.number().int().min(1).max(20).default(5),
      /** First wait before retrying such an apply when the provider named none; doubles each time, at most 5 minutes. */
      applyRetryBaseSeconds: z.number().min(0.1).max(300).default(5),
    })
    .prefault({}),
  /** What edges that look routes up per request may ask (`GET /edge/resolve`). */
  edgeApi: z
    .object({
      /** Bearer token for `/edge/resolve` (it reveals upstreams). Unset: the endpoint is off (404). */
      resolveToken: z.string().min(16).optional(),
    })
    .prefault({}),
  /**
   * The edges Portico drives (issue 5): each names an enabled edge plugin's key (`caddy`) and how Portico checks
   * that a domain answers HTTPS through it before calling it live.
   */
  edges: z
    .array(
      z.object({
        /** This edge's name (`caddy-eu-1`): jobs, metrics and logs use it. */
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
        /** The edge plugin key (`caddy`). */
        edge: z.string().min(1),
        probe: z
          .object({
            /** Where the HTTPS probe connects (`127.0.0.1:8443`); default the hostname itself on port 443. */
            connect: z.string().regex(/^[^\s:]+:\d{1,5}$/).optional(),
            /** PEM bundle the probe trusts (a test CA); default the system's roots. */
            caFile: z.string().optional(),
            timeoutMs: z.number().int().min(100).max(60_000).default(5000),
            /** Probes before the domain is `cert_failed`. */
            attempts: z.number().int().min(1).max(100).default(20),
            intervalSeconds: z.number().min(0.1).max(3600).default(15),
          })
          .prefault({}),
        /**
         * Where this edge's configuration goes, when it differs from the plugin's options: one Caddy of a fleet
         * (`{ "adminUrl": "http://10.0.0.2:2019" }`), a second Traefik fleet's Redis, a second cluster's GitOps work
         * tree. Checked at start-up against the edge plugin's target schema (see its README).
         */
        target: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .default([])
    .refine((edges) => new Set(edges.map((e) => e.id)).size === edges.length, { message: 'edge ids must be unique' }),
  /**
   * Where the keys that encrypt stored provider credentials come from when PORTICO_ENCRYPTION_KEYS is unset:
   * this JSON key file, created with one fresh key on first start (docs/reference/secrets.md).
   */
  secrets: z.object({ keyFile: z.string().default('.portico/secret-keys.json') }).prefault({}),
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
