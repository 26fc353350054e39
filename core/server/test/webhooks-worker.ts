// A Portico worker process for the webhook crash test: started with `node --import tsx`, killed with SIGKILL.
// PORTICO_TEST_CONFIG holds { config, databaseUrl }; "ready" on stdout once its workers run.
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load-config.ts';
import { createLogger } from '../src/logger.ts';
import { startPortico } from '../src/runtime.ts';

const { config: raw, databaseUrl } = JSON.parse(process.env.PORTICO_TEST_CONFIG ?? '{}') as { config: Record<string, unknown>; databaseUrl: string };
const config = parseConfig(raw, {}, 'test');
config.database.url = databaseUrl;
const portico = await startPortico({ config, baseDir: fileURLToPath(new URL('../../../', import.meta.url)), logger: createLogger({ level: 'warn' }), role: 'worker', listen: false });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void portico.stop().then(() => process.exit(0)));
