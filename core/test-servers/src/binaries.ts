import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True when running in CI (`CI=true`): a missing server then fails the suite instead of skipping it. */
export const isCi = process.env.CI === 'true';

/** The Debian package that ships each binary we start, for the message telling how to install it. */
const PACKAGES: Record<string, string> = {
  pdns_server: 'pdns-server',
  pdnsutil: 'pdns-server',
  sqlite3: 'sqlite3',
  dig: 'bind9-dnsutils',
  nsupdate: 'bind9-dnsutils',
};

// Daemons live in sbin, which a non-root PATH often lacks.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of an executable on PATH (or in an sbin directory), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (isExecutable(path)) return path;
  }
  return undefined;
}

/**
 * Whether `name` can be started. Missing in CI: throws, so the suite fails. Missing elsewhere: warns with the
 * apt package to install and returns false, for `describe.skipIf(!available)`.
 */
export function requireBinary(name: string, aptPackage = PACKAGES[name] ?? name): boolean {
  return findBinary(name) !== undefined || missing(`${name} is not installed`, aptPackage);
}

/** `requireBinary('pdns_server')`, plus the gsqlite3 backend module the servers here are started with. */
export function requirePowerDns(): boolean {
  if (!requireBinary('pdns_server')) return false;
  return gsqlite3Module() !== undefined || missing('the PowerDNS gsqlite3 backend is not installed', 'pdns-backend-sqlite3');
}

/** Path of libgsqlite3backend.so in pdns_server's module directory, or undefined. */
export function gsqlite3Module(): string | undefined {
  const binary = findBinary('pdns_server');
  if (!binary) return undefined;
  try {
    const defaults = execFileSync(binary, ['--no-config', '--config=default'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    const dir = /^# module-dir=(.+)$/m.exec(defaults)?.[1]?.trim();
    const path = dir && join(dir, 'libgsqlite3backend.so');
    return path && isReadable(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function missing(what: string, aptPackage: string): false {
  const message = `${what}: apt-get install ${aptPackage}`;
  if (isCi) throw new Error(`${message} (CI=true: a missing test server fails the suite)`);
  console.warn(`Skipping tests that need it. ${message}`);
  return false;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
