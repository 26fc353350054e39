// Entry point: `npm start` (all roles), or `node core/server/src/main.ts --role api|worker|all [--config path]`.
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load-config.ts';
import { createLogger } from './logger.ts';
import { startPortico, type Role } from './runtime.ts';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' }, config: { type: 'string' } } });
const role = values.role as Role;
const logger = createLogger();

if (!['api', 'worker', 'all'].includes(role)) {
  console.error(`--role must be api, worker or all (got "${role}")`);
  process.exit(2);
}

let portico: Awaited<ReturnType<typeof startPortico>> | undefined;
try {
  const { config, path, baseDir } = await loadConfig({ path: values.config });
  logger.info({ config: path ?? '(defaults)', role }, 'starting Portico');
  portico = await startPortico({ config, baseDir, logger, role });
} catch (error) {
  const e = error as { code?: string; message: string };
  console.error(`\nPortico could not start${e.code ? ` [${e.code}]` : ''}: ${e.message}\n`);
  process.exit(1);
}

if (!portico.url) {
  console.log(`\n  Portico worker is running (role ${role}). Press Ctrl-C to stop.\n`);
} else {
  const seed = portico.demo;
  console.log(`\n  Portico is up: ${portico.url}   (API docs: ${portico.url}/v1/openapi.json, ready: ${portico.url}/readyz)`);
  if (seed) console.log(`  Demo login: ${seed.user.email} / ${seed.user.password}  (organization "${seed.organization.slug}")`);
  console.log('  Press Ctrl-C to stop.\n');
}

let stopping = false;
// On Ctrl-C the terminal signals the embedded PostgreSQL too, so it may go down before our connections close:
// while stopping, a connection ended by the server (57P01 admin_shutdown, ECONNRESET) is expected, not a crash.
process.on('uncaughtException', (error: Error & { code?: string }) => {
  if (stopping && ['57P01', 'ECONNRESET', 'EPIPE'].includes(error.code ?? '')) return logger.debug({ code: error.code }, 'connection closed during shutdown');
  logger.fatal({ err: error }, 'uncaught exception');
  stopping = true;
  // Still stop the embedded PostgreSQL, but do not hang on a broken process.
  setTimeout(() => process.exit(1), 10_000).unref();
  void (portico?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    portico!.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
