// One Portico process of one role on a shared database, for benchmarks that run several (scale-bench.ts):
//   node perf/portico-process.ts '<json PorticoProcessOptions>'
// Prints one JSON line `{ "url": …, "pid": … }` once started (url only for the api role), then runs until SIGTERM
// or until its standard input closes (the benchmark that started it has gone), and stops everything it started.
import { parseConfig } from '../core/server/src/config/load-config.ts';
import { createLogger } from '../core/server/src/logger.ts';
import { startPortico, type Portico } from '../core/server/src/runtime.ts';

export interface PorticoProcessOptions {
  role: 'api' | 'worker';
  databaseUrl: string;
  /** Shared by every process, so secrets sealed by one open in the others. */
  keyFile: string;
  /** The `dns` configuration section (see core/server/src/config/schema.ts). */
  dns: Record<string, unknown>;
  plugins: Array<{ package: string; options?: unknown }>;
  /** More of the configuration (edges, edgeApi, jobs…), as the process that started this one has it. */
  config?: Record<string, unknown>;
}

const REPO_ROOT = new URL('../', import.meta.url).pathname;

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? '') as PorticoProcessOptions;
  const config = parseConfig(
    { seedDemo: false, http: { host: '127.0.0.1', port: 0 }, secrets: { keyFile: options.keyFile }, dns: options.dns, plugins: options.plugins, ...options.config },
    {},
    `portico-process-${options.role}`,
  );
  config.database.url = options.databaseUrl;
  const portico: Portico = await startPortico({ config, baseDir: REPO_ROOT, logger: createLogger({ level: 'warn' }), role: options.role });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => process.exit(1), 20_000);
    deadline.unref();
    portico.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: portico.url ?? null, pid: process.pid })}\n`);
}
