import { z } from 'zod';
import { parseUpstreamPattern } from '../modules/routing/validation.ts';
import { oidcConfigSchema } from '../modules/oidc/config.ts';
import { plansConfigSchema } from '../modules/plans/catalogue.ts';

/**
 * portico.config.json (or portico.config.ts default-exporting the same object). Every field has a default, so
 * an empty object is a valid config. Environment variables override: DATABASE_URL, PORTICO_PORT (or PORT),
 * PORTICO_HOST (or HOST), PORTICO_PUBLIC_URL (or PUBLIC_URL).
 */
export const pluginEntrySchema = z.object({
  /** npm package name (resolved from the config file's folder) or a path relative to it. */
  package: z.string().min(1),
  options: z.unknown().optional(),
  /** Set false to keep an entry in the file without loading it. */
  enabled: z.boolean().default(true),
});

/** One `routing.upstreams` entry (modules/routing/validation.ts reads it). */
const upstreamPattern = z.string().refine((text) => parseUpstreamPattern(text) !== undefined, { message: 'must be a CIDR, an IP address, "*", "*.<name>" or a host name' });

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
   * How DNS checks ask. `authoritative` (default): ask every nameserver of the name's zone directly, as an
   * iterative resolver does: `servers` (recursive resolvers, or the operator's own authoritative servers) only
   * seed the walk with the topmost zone they know; every zone below is learned from its parent's nameservers
   * (referrals followed). Only answers with the AA bit count, and the nameservers must agree. `resolver`: ask
   * `servers` themselves (tests and the demo, whose in-process server is authoritative already).
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
      /** How long a learned delegation (a zone's nameservers) is reused, in ms; at most 5 minutes, 0 = never. */
      zoneCacheMs: z.number().int().min(0).max(300_000).default(30_000),
    })
    .prefault({}),
  verification: z
    .object({
      defaultMethod: z.string().default('dns-txt'),
      /** How often a verified (or live) domain's ownership proof is checked again. */
      watchIntervalMinutes: z.number().int().min(1).max(10_080).default(60),
      /** Confirmed misses in a row before a verified domain is marked drifted (checker errors never count). */
      driftThreshold: z.number().int().min(1).max(20).default(2),
      /** After a first miss, check again this soon to confirm it (drifted domains are checked at this pace too). */
      missRecheckMinutes: z.number().int().min(1).max(1440).default(5),
      /** A drifted domain keeps serving this long (the team is told); then its routes are removed until the record is back. 0: at once. */
      driftGraceHours: z.number().min(0).max(8760).default(72),
      /** First retry after a checker error (Portico could not check); doubles per error in a row, never counts against the customer. */
      checkErrorRetryMinutes: z.number().int().min(1).max(1440).default(5),
      /** A check that has not reported back after this long is given up (`check_timed_out`) and retried; watch checks are dispatched again. */
      checkDeadlineMinutes: z.number().int().min(2).max(1440).default(15),
      /** A domain `deploying` (or `issuing`) this long without the edge confirming HTTPS goes back to `verified` for the next reconcile. */
      deployDeadlineMinutes: z.number().int().min(5).max(10_080).default(30),
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
      /**
       * Where services may send traffic (docs/reference/routing.md, "Upstreams"). Always refused, whatever is listed:
       * link-local addresses (169.254.0.0/16, fe80::/10), cloud metadata services by address or name, unspecified and
       * multicast addresses. Entries: a CIDR or IP (`10.0.0.0/8`, `fd00::/8`; matches IP literals), `*` (any host
       * name), `*.<name>` (names below it) or a host name (matches names; names are not resolved).
       */
      upstreams: z
        .object({
          /** Unset: every other destination is allowed (as before upstreams were checked). Set: only matching ones. */
          allow: z.array(upstreamPattern).optional(),
          /** Refused even when `allow` matches (`127.0.0.0/8`, your control plane's network). */
          deny: z.array(upstreamPattern).default([]),
        })
        .prefault({}),
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
  /**
   * Certificates Portico orders itself through `cert.acme`, and expiry monitoring of every certificate
   * (docs/reference/certificates.md): renewal, retries with backoff, the CA's rate limits, DNS-01 and probes.
   */
  certificates: z
    .object({
      /** Renewal of a certificate Portico issued starts this many days before it expires. */
      renewBeforeDays: z.number().min(1).max(60).default(30),
      /** A certificate is `expiring` (and counted by `portico_certificates_expiring_14d`'s alert) this close to expiry. */
      expiringWithinDays: z.number().min(1).max(60).default(14),
      /**
       * Waits before retrying a failed issuance or renewal, one per failure in a row; the last repeats (every 12 h by
       * default) for as long as the domain holds its hostname. Failures that need the operator (a CAA record, a
       * refused name) wait the last step at once.
       */
      retryDelaysMinutes: z.array(z.number().min(0.01).max(10_080)).min(1).default([5, 30, 120, 360, 720]),
      /** How long one order may run before its claim lapses and another process may start the hostname's order again. */
      orderLeaseMinutes: z.number().min(1).max(1440).default(20),
      /**
       * The CA's rate limits Portico stays under (Let's Encrypt's by default); 0 turns a limit off. A limit that holds an
       * order back makes the certificate `rate_limited` with the time it is tried again.
       */
      limits: z
        .object({
          /** New certificates per registered domain (Public Suffix List) per window; renewals are counted but never held back. */
          certificatesPerRegisteredDomain: z.number().int().min(0).max(1_000_000).default(50),
          registeredDomainWindowHours: z.number().min(0.01).max(8760).default(168),
          /** Failed validations per hostname per window. */
          failedValidationsPerHostname: z.number().int().min(0).max(1_000_000).default(5),
          failedValidationWindowMinutes: z.number().min(0.01).max(10_080).default(60),
        })
        .prefault({}),
      /**
       * Limits of other CAs, by ACME directory URL (`cert.acme`'s `directoryUrl`): each replaces the fields it sets
       * in `limits` while that directory is the one configured.
       */
      limitsByDirectory: z
        .record(
          z.url(),
          z.object({
            certificatesPerRegisteredDomain: z.number().int().min(0).max(1_000_000).optional(),
            registeredDomainWindowHours: z.number().min(0.01).max(8760).optional(),
            failedValidationsPerHostname: z.number().int().min(0).max(1_000_000).optional(),
            failedValidationWindowMinutes: z.number().min(0.01).max(10_080).optional(),
          }),
        )
        .default({}),
      /** DNS-01: after writing `_acme-challenge`, wait this long at most for the value at the authoritative servers. */
      dns01TimeoutSeconds: z.number().min(1).max(3600).default(300),
      /** DNS-01: how often the authoritative servers are asked while waiting. */
      dns01IntervalSeconds: z.number().min(0.05).max(300).default(5),
      /**
       * How often the certificate each live domain's hosts are served with is read through the edges (an HTTPS probe),
       * so the expiry of certificates an edge obtains itself (Caddy on demand) stays current.
       */
      checkIntervalMinutes: z.number().min(1).max(10_080).default(360),
    })
    .prefault({}),
  /** What edges that look routes up per request may ask (`GET /edge/resolve`). */
  edgeApi: z
    .object({
      /** Bearer token for `/edge/resolve` (it reveals upstreams). Unset: the endpoint is off (404). */
      resolveToken: z.string().min(16).optional(),
    })
    .prefault({}),
  /** How each process keeps its in-memory route table current (docs/reference/routing.md). */
  routeTable: z
    .object({
      /**
       * How often the table's LISTEN connection proves it still hears changes (a probe NOTIFY must come back before
       * the next check; otherwise it reconnects and reloads everything, and `/readyz` answers 503 until then).
       */
      checkIntervalSeconds: z.number().min(0.1).max(3600).default(30),
    })
    .prefault({}),
  /**
   * Limits on the certificates `/edge/ask` lets edges obtain on demand for names only a wildcard mapping serves
   * (docs/reference/routing.md, "On-demand TLS limits"). Hosts mapped by name are never limited. The defaults stay
   * well inside Let's Encrypt's 50 certificates per registered domain per week, leaving room for renewals and
   * hosts mapped by name.
   */
  onDemandTls: z
    .object({
      /** New names one wildcard mapping (`*.example.com`) may get certificates for per window (0: none). */
      perWildcard: z.number().int().min(0).max(100_000).default(10),
      perWildcardWindowHours: z.number().min(0.01).max(8760).default(24),
      /** New names under one registered domain (`example.co.uk`, by the Public Suffix List) per window (0: none). */
      perRegisteredDomain: z.number().int().min(0).max(100_000).default(30),
      perRegisteredDomainWindowHours: z.number().min(0.01).max(8760).default(168),
      /** Per process: new wildcard names decided per second (a token bucket); beyond it `/edge/ask` answers 429. */
      newNamesPerSecond: z.number().min(0.001).max(10_000).default(5),
      /** Per process: how many new names may be decided at once before the rate applies. */
      newNamesBurst: z.number().int().min(1).max(100_000).default(20),
      /** How long a wildcard or registered domain found at its limit refuses new names without asking the database. */
      refusalCacheSeconds: z.number().min(0).max(86_400).default(60),
    })
    .prefault({}),
  /**
   * The edges Portico drives: each names an enabled edge plugin's key (`caddy`) and how Portico checks
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
  widget: z
    .object({
      /**
       * Where the built Connect widget is served from (`GET /widget/…`): a folder holding manifest.json and the
       * files it lists. Default: the `dist/` folder of the installed `@portico/widget` package.
       */
      distDir: z.string().min(1).optional(),
    })
    .prefault({}),
  console: z
    .object({
      /**
       * Where the built console is served from (`GET /` and every page path): a folder holding build.json,
       * index.html and the files build.json lists. Default: the `dist/` folder of the `@portico/console` workspace.
       */
      distDir: z.string().min(1).optional(),
    })
    .prefault({}),
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
  /** The event outbox, `GET /v1/events` and the live stream (docs/reference/events.md). */
  /** The audit log (docs/reference/audit.md): who changed what, from where, and refused attempts. */
  audit: z
    .object({
      /** Entries older than this many days are deleted (daily). */
      retentionDays: z.number().int().min(1).max(3650).default(365),
    })
    .prefault({}),
  events: z
    .object({
      /** Events older than this many days are deleted (daily). */
      retentionDays: z.number().int().min(1).max(3650).default(90),
      /** Live streams (`GET /v1/events/stream`) one user session, API key or widget token may hold open at once; the next one is refused with 429. */
      maxStreamsPerPrincipal: z.number().int().min(1).max(100).default(5),
      /** Seconds between heartbeat comments on a live stream (keeps proxies from closing an idle connection). */
      heartbeatSeconds: z.number().min(1).max(300).default(15),
    })
    .prefault({}),
  /** In-app notifications (docs/reference/notifications.md). */
  notifications: z
    .object({
      /** Read notifications older than this many days are deleted (daily). */
      retentionDays: z.number().int().min(1).max(3650).default(90),
      /** Unread notifications older than this many days are deleted too (daily). */
      unreadRetentionDays: z.number().int().min(1).max(3650).default(365),
    })
    .prefault({}),
  /** Outgoing webhooks (docs/reference/webhooks.md). */
  webhooks: z
    .object({
      /**
       * Let endpoints be plain http and point at loopback, private or link-local addresses. Only for development
       * and tests: with it on, anyone who may create an endpoint can make Portico POST into its own network.
       */
      allowPrivateAddresses: z.boolean().default(false),
      /** Waits before each retry of a failed delivery, in seconds (then the delivery is given up). */
      retryScheduleSeconds: z
        .array(z.number().min(0).max(7 * 86_400))
        .min(0)
        .max(30)
        .default([5, 300, 1800, 7200, 18_000, 36_000, 36_000, 50_400, 72_000, 86_400]),
      /** An endpoint whose attempts all failed for at least `days` and at least `attempts` times in a row is disabled. */
      disableAfterFailures: z
        .object({
          days: z.number().min(0).max(90).default(5),
          attempts: z.number().int().min(1).max(10_000).default(10),
        })
        .prefault({}),
      /** Most deliveries one `POST …/webhooks/{id}/replay` may queue. */
      maxReplay: z.number().int().min(1).max(100_000).default(1000),
      /** Finished deliveries (and their attempt logs) older than this many days are deleted. */
      retentionDays: z.number().int().min(1).max(3650).default(30),
    })
    .prefault({}),
  /**
   * Sign-in throttling (`POST /v1/auth/login`): attempts are counted per account (the email, known or not) and per
   * client address over a fixed window, before the password is checked; past a limit the answer is 429
   * LOGIN_RATE_LIMITED with Retry-After until the window ends. A successful sign-in gives its attempt back.
   */
  login: z
    .object({
      /** Attempts per email address in a window; the next one is refused. */
      attemptsPerAccount: z.number().int().min(1).max(1000).default(5),
      /** Attempts per client address in a window (behind a proxy, set http.trustProxy so this is the real client). */
      attemptsPerAddress: z.number().int().min(1).max(100_000).default(30),
      windowMinutes: z.number().min(1).max(1440).default(15),
    })
    .prefault({}),
  /**
   * Outgoing email (docs/reference/email.md): invitations, password resets, security notices. `smtp: null` (the
   * default) sends nothing and logs "would send <template> to <hash of the address>" without content or links.
   */
  mail: z
    .object({
      smtp: z
        .object({
          host: z.string().min(1),
          port: z.number().int().min(1).max(65535).default(587),
          /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when the server offers it. */
          secure: z.boolean().default(false),
          user: z.string().min(1).optional(),
          /** Name of the secret holding the SMTP password, read from PORTICO_SECRET_<NAME> (never from this file). */
          passwordSecret: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).optional(),
          /** Bound on connecting, the greeting and each socket wait, so a stuck server fails the job (retried) instead of hanging it. */
          timeoutMs: z.number().int().min(500).max(120_000).default(15_000),
        })
        .nullable()
        .default(null),
      /** The From header (`Portico <no-reply@saas.example>`). */
      from: z.string().min(3).default('Portico <no-reply@localhost>'),
    })
    .prefault({}),
  /** Password resets, two-factor sign-in (docs/reference/accounts.md) and OpenID Connect. */
  auth: z
    .object({
      /** How long a password-reset link works (it works once). */
      passwordResetMinutes: z.number().int().min(5).max(1440).default(30),
      /** Reset requests per email address (known or not) and per client address in one sign-in throttle window. */
      passwordResetsPerWindow: z.number().int().min(1).max(1000).default(3),
      totp: z
        .object({
          /** The issuer shown in authenticator apps. */
          issuer: z.string().min(1).max(64).default('Portico'),
          /** Codes one step (30 s) before or after now are accepted, for clocks that drift. */
          window: z.number().int().min(0).max(5).default(1),
        })
        .prefault({}),
      /** Sign-in with OpenID Connect (docs/reference/oidc.md). */
      oidc: oidcConfigSchema,
    })
    .prefault({}),
  /**
   * Who may create accounts (docs/reference/accounts.md). `signup`: `invite-only` (default: `POST /v1/auth/signup`
   * only with an invitation token, which proves the address), `open` (anyone may also sign up and gets a new
   * organization they own), `closed` (no sign-up: accounts come from `portico users create-owner`, and invitations
   * are accepted by existing accounts only).
   */
  accounts: z
    .object({
      signup: z.enum(['open', 'invite-only', 'closed']).default('invite-only'),
      /** How long an invitation link works. */
      invitationDays: z.number().int().min(1).max(90).default(7),
    })
    .prefault({}),
  /**
   * Demo mode: load the demo organization, its owner `demo@portico.local` (whose password is public) and a project
   * from seeds/ into an empty embedded database, and say so at start-up. Only the repository's demo config turns
   * it on; it is ignored when DATABASE_URL is set. Otherwise no account is created: `portico users create-owner`.
   */
  seedDemo: z.boolean().default(false),
  /**
   * What `npm start` runs around Portico in demo mode (only with `seedDemo`, only from main.ts): the pretend SaaS
   * page embedding the widget, the PretendDNS panel, the SaaS's demo app, and a local Caddy as the edge.
   */
  demo: z
    .object({
      hostPage: z
        .object({
          /** The pretend SaaS's settings page and DNS panel (a second origin); taken: a free one; 0: any free port. */
          port: z.number().int().min(0).max(65535).default(8781),
        })
        .prefault({}),
      /** `auto`: start Caddy as the demo's edge when it is installed (`caddy` on PATH, or PORTICO_CADDY); `off`: never. */
      localEdge: z.enum(['auto', 'off']).default('auto'),
      /** Ports the local Caddy serves on (loopback only); taken: a free one; 0: any free port. */
      edgeHttpPort: z.number().int().min(0).max(65535).default(8080),
      edgeHttpsPort: z.number().int().min(0).max(65535).default(8443),
    })
    .prefault({}),
  /**
   * Plans the operator offers (docs/reference/plans-and-usage.md). Every organization is on one; with no
   * subscription it is on the first plan listed. `billing` names a module whose default export makes the billing
   * provider asked on every plan change (none: changes take effect at once).
   */
  plans: plansConfigSchema,
  plugins: z.array(pluginEntrySchema).default([]),
});

export type PorticoConfig = z.output<typeof configSchema>;
/** What a config file may hold: every field optional (a `portico.config.ts` can say `satisfies PorticoConfigInput`). */
export type PorticoConfigInput = z.input<typeof configSchema>;
export type PluginEntry = z.output<typeof pluginEntrySchema>;
