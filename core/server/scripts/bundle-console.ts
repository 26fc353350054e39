/**
 * Puts the console's build inside the server package, at dist/console/, so a server installed from npm serves the
 * console with no package of its own (`defaultConsoleDistDir` falls back to it). Builds the console first when its
 * sources changed (console/scripts/build.ts). Run by `npm run build` and by the package's prepack, after tsc.
 *
 *   node --conditions=portico-source core/server/scripts/bundle-console.ts
 */
import { cp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildConsole, consoleDistDir } from '../../../console/scripts/build.ts';

const target = fileURLToPath(new URL('../dist/console', import.meta.url));
const { build } = await buildConsole();
await rm(target, { recursive: true, force: true });
await cp(consoleDistDir, target, { recursive: true });
console.log(`console ${build.version}: ${build.files.length} files copied into core/server/dist/console`);
