import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requireCaddy } from '@portico/test-servers';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.ts';

// docs/getting-started.md, run as written: every ```bash block after a `<!-- test -->` comment (and, when the demo's
// local Caddy edge is up, after `<!-- test: edge -->`) runs in order in one `bash -euo pipefail`, against a real
// `node core/server/src/main.ts` with the repository's demo config, started as `npm start` starts it (widget build
// first) in a fresh folder. The doc's `# → …` lines are what it promises: each must appear in its block's output,
// in order (`…` matches anything). The test reads the doc, so the two cannot drift apart.
const DOC = join(REPO_ROOT, 'docs/getting-started.md');
const MAIN = join(REPO_ROOT, 'core/server/src/main.ts');
// Caddy present (always under CI=true, where its absence fails): the edge part must run.
const caddyInstalled = requireCaddy();

export interface DocBlock {
  tag: 'api' | 'edge';
  code: string;
  /** The `# → …` promises, in order, with any trailing `(explanation)` after two spaces removed. */
  expected: string[];
}

/** The marked shell blocks of a markdown document, in order. */
export function testBlocks(markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const match of markdown.matchAll(/<!-- test(?::\s*(\w+))? -->\n```bash\n([\s\S]*?)\n```/g)) {
    const tag = match[1] ?? 'api';
    if (tag !== 'api' && tag !== 'edge') throw new Error(`unknown test marker "${tag}" in ${DOC}`);
    const code = match[2]!;
    const expected = [...code.matchAll(/^# → (.*)$/gm)].map((m) => m[1]!.replace(/\s{2,}\(.*\)\s*$/, '').trim());
    blocks.push({ tag, code, expected });
  }
  return blocks;
}

/** Whether `output` shows every promise in order; whitespace runs compare equal, `…` matches anything. */
export function missingPromise(output: string, expected: string[]): string | undefined {
  const text = output.replace(/\s+/g, ' ');
  let from = 0;
  for (const promise of expected) {
    const pattern = promise
      .replace(/\s+/g, ' ')
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*?');
    const found = new RegExp(pattern).exec(text.slice(from));
    if (!found) return promise;
    from += found.index + found[0].length;
  }
  return undefined;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('docs/getting-started.md', () => {
  it('marks its API walk (and the edge part) for this test', () => {
    const blocks = testBlocks(readFileSync(DOC, 'utf8'));
    expect(blocks.filter((b) => b.tag === 'api').length).toBeGreaterThanOrEqual(5);
    expect(blocks.filter((b) => b.tag === 'edge')).toHaveLength(1);
    expect(missingPromise('a verified\n b  c x', ['verified', 'b c …'])).toBeUndefined();
    expect(missingPromise('live then verified', ['verified', 'live'])).toBe('live');
  });

  it('runs: demo start, sign in, automatic and manual DNS, verified, mapped, live over HTTPS through the local edge', { timeout: 420_000 }, async () => {
    const doc = readFileSync(DOC, 'utf8');
    const blocks = testBlocks(doc);
    // `npm start` builds the widget first (prestart); the demo page serves the build.
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'widget/scripts/build.ts')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(build.status, `widget build failed:\n${build.stdout}${build.stderr}`).toBe(0);

    // A folder of its own, like a fresh clone's root: the demo config (re-exported) and node_modules to resolve
    // plugins from, so `.portico/` (database, demo zone, Caddy's local CA) lives here and nowhere else.
    const cwd = mkdtempSync(join(tmpdir(), 'portico-getting-started-'));
    if (process.getuid?.() === 0) chmodSync(cwd, 0o755); // as root, PostgreSQL runs as `postgres` and must enter it
    writeFileSync(join(cwd, 'portico.config.ts'), `export { default } from ${JSON.stringify(join(REPO_ROOT, 'portico.config.ts'))};\n`);
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(cwd, 'node_modules'));

    const env = {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      PORT: '0',
      PORTICO_PORT: '0',
      PORTICO_DEMO_DNS_PORT: '0',
      PORTICO_DEMO_HOST_PORT: '0',
      PORTICO_DEMO_HTTP_PORT: '0',
      PORTICO_DEMO_HTTPS_PORT: '0',
    };
    const server = spawn(process.execPath, [MAIN, '--config', join(cwd, 'portico.config.ts')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stdout.on('data', (d) => (log += d));
    server.stderr.on('data', (d) => (log += d));
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    let caddyPid: number | undefined;
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner within 180 s:\n${log}`)), 180_000);
        const check = () => {
          if (/Press Ctrl-C to stop/.test(log)) {
            clearTimeout(timer);
            resolve(log);
          }
        };
        server.stdout.on('data', check);
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`Portico exited before its banner:\n${log}`));
        });
      });
      const api = /Portico is up: (http:\/\/\S+)/.exec(banner)?.[1];
      const dnsPort = /Demo DNS \(DNS checks ask\): 127\.0\.0\.1:(\d+)/.exec(banner)?.[1];
      const page = /Demo SaaS page \(start here\): (http:\/\/127\.0\.0\.1:\d+)\//.exec(banner)?.[1];
      const edge = /Demo edge: Caddy \(pid (\d+)\) serves live demo domains on https:\/\/127\.0\.0\.1:(\d+)/.exec(banner);
      expect({ api, dnsPort, page }, banner).toEqual({ api: expect.any(String), dnsPort: expect.any(String), page: expect.any(String) });
      if (edge) caddyPid = Number(edge[1]);
      if (caddyInstalled) expect(edge, `Caddy is installed but the demo edge did not start:\n${banner}`).not.toBeNull();
      else console.log('getting-started: Caddy is not installed, so the doc\'s "Fetch it through the edge" part is not run');

      // The doc's commands name the default addresses; this run has its own ports (the banner's).
      const localise = (code: string) =>
        code
          .replaceAll('http://127.0.0.1:8780', api!)
          .replaceAll('http://127.0.0.1:8781', page!)
          .replaceAll('-p 41234', `-p ${dnsPort}`)
          .replaceAll(':8443', `:${edge?.[2] ?? '8443'}`);
      for (const literal of ['http://127.0.0.1:8780', 'http://127.0.0.1:8781', '-p 41234']) expect(doc, literal).toContain(literal);
      const toRun = blocks.filter((b) => b.tag === 'api' || edge);
      const script = toRun.map((b, i) => `echo "@@block ${i}@@"\n${localise(b.code)}`).join('\n') + '\necho "@@done@@"\n';
      const result = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, timeoutMs: 300_000 });
      const outputs = result.output.split(/@@block \d+@@\n/).slice(1);
      const failedAt = outputs.length - 1;
      expect(result.code, `block ${failedAt} failed:\n${localise(toRun[failedAt]?.code ?? '')}\n--- output ---\n${result.output}\n--- server ---\n${log}`).toBe(0);
      expect(result.output).toContain('@@done@@');
      toRun.forEach((block, i) => {
        const missing = missingPromise(outputs[i]!, block.expected.map(localise));
        expect(missing, `block ${i} does not show "${missing}":\n${localise(block.code)}\n--- output ---\n${outputs[i]}`).toBeUndefined();
      });
      // What the walk is for, said plainly.
      expect(result.output).toMatch(/\bverified\b[\s\S]*\bverified\b/); // automatic and manual
      expect(result.output).toContain('https://www.demo.portico.test/');
      if (edge) expect(result.output).toContain(`Acme Sites — hello from www.demo.portico.test:${edge[2]}`);
    } finally {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM');
        const timer = setTimeout(() => server.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(cwd, { recursive: true, force: true, maxRetries: 3 });
    }
    // Stopping Portico stops the Caddy it started.
    if (caddyPid !== undefined) {
      for (let i = 0; i < 100 && alive(caddyPid); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(caddyPid), `Caddy (pid ${caddyPid}) still running after Portico stopped`).toBe(false);
    }
  });
});
