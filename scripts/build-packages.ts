/**
 * Builds the publishable packages to JavaScript with declarations and source maps (each package's dist/):
 *
 *   npm run build                                   # all of them
 *   node scripts/build-packages.ts core/kernel plugins/dns-memory   # some (the kernel is always built first)
 *
 * The repository itself never needs this: it runs on the TypeScript sources (the `portico-source` export condition,
 * docs/development.md). A build is for `npm pack` / `npm publish`, and what they ship is dist/.
 *
 * Order: the kernel first (every other package reads its declarations from core/kernel/dist), then the plugins
 * and the DNS provider template side by side, then the widget (the server serves its built files), then the server
 * (it imports types of @portico/dns-memory) with the console's build copied into it. Every package folder must
 * have a tsconfig.build.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const plugins = readdirSync(join(root, 'plugins'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => `plugins/${entry.name}`)
  .sort();
const all = ['core/kernel', ...plugins, 'docs/plugins/dns-provider-template', 'widget', 'core/server'];

const asked = process.argv.slice(2).map((dir) => relative(root, resolve(dir)));
for (const dir of asked) if (!all.includes(dir)) throw new Error(`${dir} is not a publishable package (one of: ${all.join(', ')})`);
const wanted = asked.length === 0 ? all : all.filter((dir) => dir === 'core/kernel' || asked.includes(dir));

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) => (code === 0 ? done() : fail(new Error(`${relative(root, cwd) || '.'}: ${args.join(' ')} exited with ${code ?? signal}`))));
  });
}

function build(dir: string): Promise<void> {
  const cwd = join(root, dir);
  // The widget is a Vite build with its own script; every other package is tsc.
  if (dir === 'widget') return run([join(cwd, 'scripts', 'build.ts')], cwd);
  if (!existsSync(join(cwd, 'tsconfig.build.json'))) {
    return Promise.reject(new Error(`${dir} has no tsconfig.build.json: copy one from plugins/dns-memory (docs/development.md, "Building and publishing")`));
  }
  const built = run([tsc, '-p', 'tsconfig.build.json'], cwd);
  // The server package carries the console's build (dist/console/): the console is not published on its own.
  if (dir === 'core/server') return built.then(() => run(['--conditions=portico-source', join(cwd, 'scripts', 'bundle-console.ts')], cwd));
  return built;
}

/** Runs `jobs` with at most `limit` at a time; the first failure fails the whole batch once all have settled. */
async function inParallel(dirs: string[], limit: number): Promise<void> {
  const queue = [...dirs];
  const errors: Error[] = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let dir = queue.shift(); dir; dir = queue.shift()) await build(dir).catch((error: Error) => errors.push(error));
    }),
  );
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'));
}

const started = performance.now();
const stages = [['core/kernel'], [...plugins, 'docs/plugins/dns-provider-template'], ['widget'], ['core/server']];
for (const stage of stages) await inParallel(stage.filter((dir) => wanted.includes(dir)), Math.max(1, availableParallelism()));
console.log(`built ${wanted.length} packages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
