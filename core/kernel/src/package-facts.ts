import { readFileSync } from 'node:fs';

/** A plugin's version and the `@portico/kernel` range it supports, as its package.json declares them. */
export interface PackageFacts {
  version: string;
  kernel: string;
}

/**
 * The `version` and the `@portico/kernel` peer range of the package a plugin module belongs to, read from the
 * package.json one folder above the module (`src/index.ts` in the repository, `dist/index.js` once built), so a
 * plugin states them once, where npm reads them:
 *
 *   definePlugin({ id: 'dns.example', ...packageFacts(import.meta.url), options, apply })
 *
 * Throws, naming the file, when the package.json has no version or no `@portico/kernel` peer dependency.
 */
export function packageFacts(moduleUrl: string): PackageFacts {
  const file = new URL('../package.json', moduleUrl);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; peerDependencies?: Record<string, unknown> };
  const kernel = manifest.peerDependencies?.['@portico/kernel'];
  if (typeof manifest.version !== 'string' || typeof kernel !== 'string') {
    throw new TypeError(`${file.pathname}: a plugin package needs "version" and a "@portico/kernel" peer dependency (the kernel range it supports)`);
  }
  return { version: manifest.version, kernel };
}
