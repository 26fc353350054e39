#!/usr/bin/env node
// The operator CLI: `npm run portico -- <command>` (node core/server/src/cli.ts), or `portico <command>` from the
// published package (its `bin`, built to dist/cli.js). See docs/reference/cli.md.
import { parseArgs } from 'node:util';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { createOwnerCommand, makeOperatorCommand } from './cli-users.ts';
import { doctorTable, runDoctor } from './doctor.ts';
import { listPlugins, pluginsTable } from './plugins-list.ts';
import { loadConfig } from './config/load-config.ts';
import { createLogger } from './logger.ts';
import type { EdgeHealth, EdgePreview, ReconcileResult } from './modules/edges/service.ts';
import { startPortico } from './runtime.ts';

export const USAGE = `Usage: portico <command> [options]

Commands:
  start [--role api|worker|all]
                               Start the server (what \`npm start\` runs; default role all)
  doctor [--hostname <name>]   What this machine can reach: the database, the DNS servers checks ask (and one
                               name's zone and TXT records with --hostname), every edge (a dry run), the ACME CA
  plugins list                 The configured plugins: id, version, kernel range, what each provides, whether
                               its options are valid
  edges status                 Health and last sync of every configured edge
  edges reconcile              Render the route table and push it to the edges now (a forced reconcile)
  edges reconcile --dry-run    Show what a reconcile would change (a diff), pushing nothing
  users create-owner --email <address> [--organization <name>] [--name <name>] [--password-stdin]
                               Create a user who owns an organization (created unless one with that name's
                               slug exists). The password is generated and printed once, or read from the
                               first line of stdin with --password-stdin (at least 12 characters)
  users make-operator --email <address> [--revoke]
                               Make an existing account an instance operator (the /v1/operator routes), or
                               with --revoke withdraw it

Options:
  --config <path>    Configuration file (default: PORTICO_CONFIG, else ./portico.config.json when present)
  --edge <id>        Only this edge (repeatable; default every configured edge)
  --exit-code        With --dry-run: exit 1 when some edge would change (for CI checks of a GitOps repo)
  --json             Machine-readable output
  --email, --organization, --name, --password-stdin   For users create-owner
  --revoke           For users make-operator: withdraw the flag
  --hostname <name>  For doctor: also look this name up as verification does
  -h, --help         This help
`;

const COMMANDS = ['doctor', 'plugins list', 'edges status', 'edges reconcile', 'users create-owner', 'users make-operator'];

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  logger?: Logger;
  /** All of stdin (default: the process's); for --password-stdin. */
  readStdin?: () => Promise<string>;
}

const iso = (date: Date | null) => date?.toISOString() ?? '-';

function statusTable(rows: EdgeHealth[]): string {
  const header = ['EDGE', 'PLUGIN', 'HEALTH', 'LAST SYNC', 'ROUTES', 'FAILURES', 'DETAIL / LAST ERROR'];
  const lines = rows.map((r) => [r.edgeId, r.edge, r.health, iso(r.lastSyncAt), String(r.routes), String(r.consecutiveFailures), (r.health === 'failing' ? r.lastError : r.detail) ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function previewText(p: EdgePreview): string {
  if (!p.preview) return `${p.edgeId} (${p.edge}): no dry run — this edge's configuration is served, not pushed; ${p.routes} routes would be served.\n`;
  const head = `${p.edgeId} (${p.edge}): ${p.preview.changed ? p.preview.summary : 'up to date'} (${p.routes} routes)\n`;
  return p.preview.changed ? `${head}${p.preview.diff.endsWith('\n') ? p.preview.diff : `${p.preview.diff}\n`}` : head;
}

/** Run one CLI command; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        edge: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        'exit-code': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        email: { type: 'string' },
        organization: { type: 'string' },
        name: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        revoke: { type: 'boolean', default: false },
        hostname: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals.join(' ');
  if (values.help || command === '') {
    io.out(USAGE);
    return values.help ? 0 : 2;
  }
  if (!COMMANDS.includes(command)) {
    io.err(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }

  const logger = io.logger ?? createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  let portico: Awaited<ReturnType<typeof startPortico>> | undefined;
  try {
    const { config, baseDir } = await loadConfig({ path: values.config });
    if (command === 'users make-operator') return await makeOperatorCommand(config, { email: values.email, revoke: values.revoke }, io, logger);
    if (command === 'users create-owner') {
      return await createOwnerCommand(config, { email: values.email, name: values.name, organization: values.organization, passwordStdin: values['password-stdin'] }, io, logger);
    }
    if (command === 'plugins list') {
      const plugins = await listPlugins(config, baseDir);
      io.out(values.json ? `${JSON.stringify(plugins, null, 2)}\n` : `${pluginsTable(plugins)}\n`);
      return plugins.every((p) => p.status === 'ok' || p.status === 'disabled') ? 0 : 1;
    }
    if (command === 'doctor') {
      portico = await startPortico({ config: { ...config, seedDemo: false }, baseDir, logger, role: 'cli' });
      const checks = await runDoctor(portico, config, { baseDir, ...(values.hostname === undefined ? {} : { hostname: values.hostname }) });
      io.out(values.json ? `${JSON.stringify(checks, null, 2)}\n` : `${doctorTable(checks)}\n`);
      return checks.every((c) => c.ok) ? 0 : 1;
    }
    const unknown = (values.edge ?? []).filter((id) => !config.edges.some((e) => e.id === id));
    if (unknown.length > 0) {
      io.err(`No configured edge ${unknown.map((id) => `"${id}"`).join(', ')} (configured: ${config.edges.map((e) => e.id).join(', ') || 'none'}).\n`);
      return 2;
    }
    if (config.edges.length === 0) {
      io.err('No edges are configured (`edges` in the configuration): nothing to do.\n');
      return 2;
    }
    portico = await startPortico({ config: { ...config, seedDemo: false }, baseDir, logger, role: 'cli' });
    const { edgeService } = portico.container.cradle;
    const ids = values.edge ?? config.edges.map((e) => e.id);

    if (command === 'edges status') {
      const rows = (await edgeService.statuses()).filter((r) => ids.includes(r.edgeId));
      io.out(values.json ? `${JSON.stringify(rows, null, 2)}\n` : `${statusTable(rows)}\n`);
      return rows.every((r) => r.health === 'ok') ? 0 : 1;
    }
    if (values['dry-run']) {
      const previews = await edgeService.preview(ids);
      io.out(values.json ? `${JSON.stringify(previews.map(({ output: _output, ...p }) => p), null, 2)}\n` : previews.map(previewText).join('\n'));
      return values['exit-code'] && previews.some((p) => p.preview?.changed) ? 1 : 0;
    }
    let failed = 0;
    const results: Array<ReconcileResult | { edgeId: string; error: string }> = [];
    for (const id of ids) {
      try {
        const result = await edgeService.runReconcile(id);
        if (result) results.push(result);
      } catch (error) {
        failed += 1;
        results.push({ edgeId: id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (values.json) io.out(`${JSON.stringify(results, null, 2)}\n`);
    else {
      for (const r of results) {
        if ('error' in r) io.err(`${r.edgeId}: reconcile failed: ${r.error}\n`);
        else io.out(`${r.edgeId} (${r.edge}): delivered ${r.routes} routes in ${r.durationMs} ms${r.detail ? ` — ${r.detail}` : ''}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  } catch (error) {
    const e = error as { code?: string; message: string };
    io.err(`portico ${command} failed${e.code ? ` [${e.code}]` : ''}: ${e.message}\n`);
    return 1;
  } finally {
    await portico?.stop();
  }
}

/** Run as a program rather than imported. An installed `portico` is a symlink to this file, so compare real paths. */
function runAsProgram(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (runAsProgram()) {
  if (process.argv[2] === 'start') {
    // The server itself, with the rest of the arguments (`--role`, `--config`): main.ts reads them from argv.
    process.argv.splice(2, 1);
    await import('./main.ts');
  } else process.exitCode = await runCli(process.argv.slice(2));
}
