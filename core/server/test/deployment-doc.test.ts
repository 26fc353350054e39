import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.ts';
import { CLI_COMMANDS, CLI_FLAGS, configPathExists, DEPLOY, doc, filesUnder, MAIN_FLAGS, MIGRATE_FLAGS, missingNodeOptions, read, REQUIRED_NODE_OPTIONS, ROLES, schemaRoot, unknownEnv, unwrap } from './deployment-files.ts';

// The files of docs/deployment/ and docs/deployment.md against the code they drive. Every Kubernetes object is
// validated against the Kubernetes schemas, unknown fields included; every role, flag, environment variable and
// config key they use must be one the server reads; ports and probe paths are asked of a running Portico; the
// Containerfile's commands must name real scripts and files; the systemd units pass systemd-analyze; the migration
// step and the backup query run against a real database. Each failure names the file and what is wrong in it.


const NOT_ENV_VARS = new Set(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'LISTEN', 'NOTIFY', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD', 'USER', 'STOP_DEADLINE_MS', 'VERIFY_SLOTS', 'NOT_READY']);
/** GitHub's anchor for a heading. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replaceAll(' ', '-');

describe('docs/deployment.md', () => {
  const code = [...doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
  const ticks = [...doc.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

  it('is linked from the README, and its links lead to files that exist', () => {
    expect(read('README.md')).toContain('(docs/deployment.md)');
    const links = [...doc.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.filter((l) => !existsSync(resolve(REPO_ROOT, 'docs', l))), 'links to missing files').toEqual([]);
    const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));
    expect([...doc.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!).filter((a) => !anchors.has(a)), 'links to missing headings').toEqual([]);
  });

  it('describes every file of docs/deployment/', () => {
    const files = filesUnder(DEPLOY).map((f) => relative(join(REPO_ROOT, 'docs'), f));
    expect(files.filter((f) => !doc.includes(f))).toEqual([]);
  });

  it('names only config fields the schema has', () => {
    const keys = new Set(Object.keys(unwrap(schemaRoot)._zod.def.shape ?? {}));
    const paths = ticks.filter((t) => /^[a-z][A-Za-z0-9]*(?:\.[a-z][A-Za-z0-9]*|\[\])+$/.test(t) && (keys.has(t.split(/[.[]/)[0]!) || /[A-Z]/.test(t)));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !configPathExists(p))).toEqual([]);
  });

  it('names only environment variables the server reads', () => {
    const named = [...ticks.filter((t) => /^[A-Z][A-Z0-9_]{2,}$/.test(t)), ...[...code.matchAll(/(?<![\w-])([A-Z][A-Z0-9_]{2,})=/g)].map((m) => m[1]!)];
    expect(unknownEnv(new Set(named.filter((n) => !NOT_ENV_VARS.has(n)))), 'not read by Portico (add real non-variables to NOT_ENV_VARS)').toEqual([]);
  });

  it("runs Portico's commands only with its roles, commands and flags", () => {
    const problems: string[] = [];
    const commands = [
      { marker: 'core/server/src/main.ts', flags: MAIN_FLAGS },
      { marker: 'core/server/src/cli.ts', flags: [...CLI_FLAGS, ...MAIN_FLAGS] },
      { marker: 'npm run portico --', flags: [...CLI_FLAGS] },
      { marker: 'docs/deployment/migrate.ts', flags: MIGRATE_FLAGS },
      { marker: 'portico:0.1.0', flags: [...CLI_FLAGS, ...MAIN_FLAGS] },
    ];
    for (const line of [...code.split('\n'), ...ticks]) {
      for (const { marker, flags } of commands) {
        const at = line.indexOf(marker);
        if (at === -1) continue;
        const rest = REQUIRED_NODE_OPTIONS.reduce((text, option) => text.replaceAll(option, ''), line.slice(at + marker.length).replace(/\s#.*$/, ''));
        for (const [, flag] of rest.matchAll(/(?:^|\s)--([a-z][a-z-]*)/g)) if (!flags.includes(flag!)) problems.push(`${line.trim()}: --${flag}`);
        const role = /--role\s+(\w+)/.exec(rest)?.[1];
        if (role && !ROLES.includes(role)) problems.push(`${line.trim()}: role ${role}`);
        const command = /^\s+([a-z]+(?: [a-z][a-z-]*)?)(?=\s|$)/.exec(rest)?.[1];
        if (marker !== 'core/server/src/main.ts' && marker !== 'docs/deployment/migrate.ts' && command && !CLI_COMMANDS.has(command) && !CLI_COMMANDS.has(command.split(' ')[0]!)) problems.push(`${line.trim()}: command ${command}`);
      }
    }
    for (const line of [...code.split('\n'), ...ticks]) {
      for (const m of line.matchAll(/\bnode((?:\s+--?[\w-]+(?:=\S+)?)*)\s+((?:core|docs)\/\S+\.ts)/g)) {
        const missing = missingNodeOptions(['node', ...m[1]!.trim().split(/\s+/).filter(Boolean), m[2]!]);
        if (missing.length > 0) problems.push(`${line.trim()}: lacks ${missing.join(' ')}`);
      }
    }
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    for (const [, script] of doc.matchAll(/npm run ([a-z][\w:-]*)/g)) if (!scripts.includes(script!)) problems.push(`npm run ${script}: no such script`);
    expect(problems).toEqual([]);
  });
});
