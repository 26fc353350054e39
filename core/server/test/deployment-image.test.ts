import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, requireBinary } from '@portico/test-servers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { loadSecretKeys } from '../src/modules/credentials/crypto.ts';
import { REPO_ROOT } from './helpers.ts';
import { CMD, configs, ENTRYPOINT, envFileNames, gid, imageEnv, inCheckout, instruction, missingNodeOptions, nodeCommand, porticoRefusal, read, roleOf, ROLES, run, STOP_DEADLINE_S, uid, unitEnv, unitFiles, units, unknownConfigKeys, unknownEnv } from './deployment-files.ts';

// The files of docs/deployment/ and docs/deployment.md against the code they drive. Every Kubernetes object is
// validated against the Kubernetes schemas, unknown fields included; every role, flag, environment variable and
// config key they use must be one the server reads; ports and probe paths are asked of a running Portico; the
// Containerfile's commands must name real scripts and files; the systemd units pass systemd-analyze; the migration
// step and the backup query run against a real database. Each failure names the file and what is wrong in it.


describe('Containerfile', () => {
  const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };

  it('builds from the Node.js the repository pins', () => {
    const args = Object.fromEntries(instruction('ARG').map((a) => a.split('=') as [string, string]));
    const images = instruction('FROM').map((f) => f.split(/\s+/)[0]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args[name] ?? name));
    expect(images.length, 'a multi-stage build').toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image, 'FROM').toMatch(new RegExp(`^node:${rootPackage.devDependencies.node!.replaceAll('.', '\\.')}-`));
  });

  it('runs only real npm scripts and files, and does what npm start runs first (prestart)', () => {
    const commands = instruction('RUN').flatMap((r) => r.split('&&').map((c) => c.trim()));
    const problems: string[] = [];
    const ran: string[] = [];
    for (const command of commands) {
      const [program, verb, arg] = command.split(/\s+/);
      if (program === 'npm' && verb === 'run') {
        if (!rootPackage.scripts[arg!]) problems.push(`npm run ${arg}: no such script in package.json`);
        else ran.push(...rootPackage.scripts[arg!]!.split('&&').map((c) => c.trim()));
      } else if (program === 'npm' && !['ci', 'prune'].includes(verb!)) problems.push(`${command}: an npm command this file should not need`);
      else if (program === 'rm' && !existsSync(join(REPO_ROOT, command.split(/\s+/).at(-1)!))) problems.push(`${command}: removes a file the repository does not have`);
    }
    for (const step of rootPackage.scripts.prestart!.split('&&').map((c) => c.trim())) if (!ran.includes(step)) problems.push(`prestart's "${step}" is not run`);
    expect(problems).toEqual([]);
    expect(commands, 'dev dependencies are dropped after the build').toContain('npm prune --omit=dev');
  });

  it('runs as a non-root user, exposes the port Portico listens on, and starts the API by default', async () => {
    expect(uid, 'USER uid').toBeGreaterThan(0);
    expect(gid, 'USER gid').toBeGreaterThan(0);
    expect(instruction('EXPOSE'), 'EXPOSE').toEqual([imageEnv.PORTICO_PORT]);
    expect(unknownEnv(Object.keys(imageEnv)), 'ENV names Portico does not read').toEqual([]);
    expect(ENTRYPOINT[0]).toBe('node');
    expect(missingNodeOptions(ENTRYPOINT), 'ENTRYPOINT node options').toEqual([]);
    expect(roleOf([...ENTRYPOINT, ...CMD])).toBe('api');
    expect(await porticoRefusal([...ENTRYPOINT, ...CMD]), `${[...ENTRYPOINT, ...CMD].join(' ')}`).toBeUndefined();
    expect(await porticoRefusal([...ENTRYPOINT, 'start', '--role', 'worker']), 'the documented worker command').toBeUndefined();
  });

  it('keeps dependencies, builds and local data out of the build context', () => {
    const ignored = read('docs/deployment/Containerfile.dockerignore').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.portico', '.git']));
  });
});

// ── systemd ────────────────────────────────────────────────────────────────────────────────────────────────────

describe('systemd units (docs/deployment/systemd)', () => {
  it('has one unit per role, each hardened and stopping within its timeout', async () => {
    expect(unitFiles.sort()).toEqual(['portico-api.service', 'portico-worker.service']);
    for (const { file, unit } of units) {
      const s = unit.Service ?? {};
      const one = (key: string) => s[key]?.at(-1);
      const wanted: Record<string, string> = { NoNewPrivileges: 'yes', ProtectSystem: 'strict', Restart: 'on-failure', ProtectHome: 'yes', PrivateTmp: 'yes' };
      for (const [key, value] of Object.entries(wanted)) expect(one(key), `${file}: ${key}`).toBe(value);
      expect(one('User') !== undefined && one('User') !== 'root' || one('DynamicUser') === 'yes', `${file}: a dedicated user or DynamicUser`).toBe(true);
      expect(one('ReadWritePaths'), `${file}: ReadWritePaths`).toBeDefined();
      expect(one('EnvironmentFile'), `${file}: EnvironmentFile (secrets)`).toMatch(/^\/etc\//);
      expect(Number(/^(\d+)s$/.exec(one('TimeoutStopSec') ?? '')?.[1]), `${file}: TimeoutStopSec vs Portico's ${STOP_DEADLINE_S} s stop deadline`).toBeGreaterThan(STOP_DEADLINE_S);

      const [binary, ...args] = one('ExecStart')!.split(/\s+/);
      expect(existsSync(inCheckout(binary!)), `${file}: ExecStart ${binary} (after npm ci)`).toBe(true);
      expect(one('WorkingDirectory'), `${file}: WorkingDirectory`).toBe('/opt/portico');
      expect(existsSync(join(REPO_ROOT, nodeCommand(['node', ...args]).script)), `${file}: ${nodeCommand(['node', ...args]).script}`).toBe(true);
      expect(missingNodeOptions(['node', ...args]), `${file}: node options`).toEqual([]);
      expect(ROLES, `${file}: --role`).toContain(roleOf(args));
      expect(file).toContain(roleOf(args)!);
      expect(await porticoRefusal(['node', ...args]), `${file}: ${args.join(' ')}`).toBeUndefined();
      expect(unknownEnv(Object.keys(unitEnv(s))), `${file}: Environment= names`).toEqual([]);
      expect(unitEnv(s).PORTICO_CONFIG, `${file}: PORTICO_CONFIG`).toBe('/opt/portico/config/portico.config.json');
    }
  });

  it('has an EnvironmentFile example of real variables whose placeholders Portico refuses', async () => {
    const text = read('docs/deployment/systemd/portico.env.example');
    expect(unknownEnv(envFileNames(text))).toEqual([]);
    expect(envFileNames(text)).toEqual(expect.arrayContaining(['DATABASE_URL', 'PORTICO_ENCRYPTION_KEYS']));
    const keys = /^PORTICO_ENCRYPTION_KEYS=(.*)$/m.exec(text)![1]!;
    await expect(loadSecretKeys({ PORTICO_ENCRYPTION_KEYS: keys }), 'the example key must not be usable').rejects.toMatchObject({ code: 'SECRET_KEYS_INVALID' });
  });

  const analyze = findBinary('systemd-analyze') !== undefined || requireBinary('systemd-analyze', 'systemd');
  it.skipIf(!analyze)('passes systemd-analyze verify (the Node binary swapped for this one, which exists here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-units-'));
    for (const { file } of units) {
      const path = join(dir, file);
      writeFileSync(path, read(`docs/deployment/systemd/${file}`).replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
      const { output } = await run(['systemd-analyze', 'verify', path], {}, dir);
      expect(output.split('\n').filter((l) => l.includes(file)), `${file}: systemd-analyze verify`).toEqual([]);
    }
  });
});

// ── The config files ───────────────────────────────────────────────────────────────────────────────────────────

describe('the config files (systemd, ConfigMap)', () => {
  it('know only fields the schema has, and pass its validation', () => {
    expect(configs).toHaveLength(2);
    for (const { where, text } of configs) {
      const raw = JSON.parse(text) as unknown;
      expect(unknownConfigKeys(raw), `${where}: fields the config schema does not have`).toEqual([]);
      expect(() => parseConfig(raw, {}, where)).not.toThrow();
    }
  });
});

// ── Against a real PostgreSQL and a real Portico ───────────────────────────────────────────────────────────────
