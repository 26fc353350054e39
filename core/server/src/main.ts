// Entry point: `npm start` (all roles), or `node core/server/src/main.ts --role api|worker|all [--config path]`.
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load-config.ts';
import { createLogger } from './logger.ts';
import { explainAddressInUse } from './port-in-use.ts';
import { demoBannerLines, startDemo, type DemoPortico } from './demo/index.ts';
import type { Role } from './runtime.ts';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' }, config: { type: 'string' } } });
const role = values.role as Role;
const logger = createLogger();

if (!['api', 'worker', 'all'].includes(role)) {
  console.error(`--role must be api, worker or all (got "${role}")`);
  process.exit(2);
}

/** How long an orderly stop may take before the process exits anyway (the embedded PostgreSQL is still stopped). */
const STOP_DEADLINE_MS = 30_000;
const startup = new AbortController();
let portico: DemoPortico | undefined;
let stopRequested = false;
let exitCode = 0;

/**
 * Every way out goes through here — SIGINT, SIGTERM, SIGHUP, npm going away, an uncaught error — and stops the
 * API, the workers, the plugins (the demo DNS server) and the embedded PostgreSQL, also in the middle of start-up.
 */
function requestStop(reason: string, code: number): void {
  if (stopRequested) return;
  stopRequested = true;
  exitCode = code;
  logger.info({ reason }, 'shutting down');
  setTimeout(() => {
    logger.error({ deadlineMs: STOP_DEADLINE_MS }, 'shutdown did not finish in time; exiting');
    process.exit(code || 1);
  }, STOP_DEADLINE_MS).unref();
  if (portico) {
    portico.stop().then(
      () => process.exit(exitCode),
      () => process.exit(1),
    );
  } else {
    startup.abort(new Error(`stopped during start-up (${reason})`)); // start-up stops what it started, then exits below
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => requestStop(signal, 0));
// While stopping, a connection ended by the server (57P01 admin_shutdown, ECONNRESET) is expected, not a crash.
const onCrash = (error: unknown) => {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (stopRequested && ['57P01', 'ECONNRESET', 'EPIPE', 'EIO'].includes(code)) return logger.debug({ code }, 'connection closed during shutdown');
  logger.fatal({ err: error }, 'uncaught error');
  requestStop('uncaught error', 1);
};
process.on('uncaughtException', onCrash);
process.on('unhandledRejection', onCrash);
// `npm start` forwards SIGINT and SIGTERM, but npm itself may end otherwise (SIGHUP, SIGKILL): then stop too,
// rather than keep ports and the database busy with nobody to stop them.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && requestStop('npm, which started Portico, has ended', 0), 1000).unref();
}

try {
  const loaded = await loadConfig({ path: values.config });
  const { config, path, baseDir } = loaded;
  if (config.seedDemo && config.database.url) {
    logger.warn('seedDemo is ignored with an external database (DATABASE_URL or database.url): demo mode runs on the embedded PostgreSQL only');
    config.seedDemo = false;
  }
  logger.info({ config: path ?? '(defaults)', role, demo: config.seedDemo }, 'starting Portico');
  // Without seedDemo this is startPortico; in demo mode it also runs the demo page, PretendDNS, the demo app and Caddy.
  portico = await startDemo({ config, baseDir, logger, role, signal: startup.signal });
  console.log(banner(portico, config.dns));
} catch (error) {
  if (stopRequested) process.exit(exitCode);
  const e = error as { code?: string; message: string };
  const inUse = explainAddressInUse(error);
  console.error(`\nPortico could not start${e.code ? ` [${e.code}]` : ''}: ${e.message}${inUse ? `\n${inUse}` : ''}\n`);
  process.exit(1);
}

function banner(p: DemoPortico, dns: { mode: string; servers: string[] }): string {
  const lines: string[] = [''];
  if (!p.url) lines.push(`  Portico worker is running (role ${role}).`);
  else {
    lines.push(`  Portico is up: ${p.url}   (API docs: ${p.url}/v1/openapi.json, ready: ${p.url}/readyz)`);
    lines.push(`  Console: open ${p.url}/ in your browser and sign in.`);
  }
  if (p.demo) {
    lines.push(`  DEMO MODE — demo login: ${p.demo.user.email} / ${p.demo.user.password}  (organization "${p.demo.organization.slug}")`);
    lines.push('  The demo password is public: never expose this installation. docs/getting-started.md says how to run your own.');
    if (dns.mode === 'resolver') lines.push(`  Demo DNS (DNS checks ask): ${dns.servers.join(', ')}`);
  }
  if (p.site) lines.push(...demoBannerLines(p.site));
  if (p.needsOwner) {
    lines.push('  No user exists yet. Create the first owner (prints a generated password once, or use --password-stdin):');
    lines.push('    npm run portico -- users create-owner --email you@example.com --organization "Your company"');
  }
  lines.push('  Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

