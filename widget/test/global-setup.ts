import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the journeys drive, or null when none is installed (tests then skip, or fail under CI=true). */
    chromiumPath: string | null;
    /** Why the browser journeys cannot run (no Chromium, no widget build), or null when they can. */
    widgetSkipReason: string | null;
  }
}

const BUILD_SCRIPT = new URL('../scripts/build.ts', import.meta.url);

/** `PORTICO_CHROMIUM`, then Debian's /usr/bin/chromium, then `chromium` or `chromium-browser` on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const executable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (env.PORTICO_CHROMIUM) {
    if (!executable(env.PORTICO_CHROMIUM)) throw new Error(`PORTICO_CHROMIUM=${env.PORTICO_CHROMIUM} is not an executable file`);
    return env.PORTICO_CHROMIUM;
  }
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) if (executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/**
 * Builds the widget once for the run (the build skips itself when widget/dist is up to date) and finds Chromium.
 * Under CI=true a missing browser or build fails the run; elsewhere the journeys skip with the reason printed.
 */
export default async function setup(project: TestProject): Promise<void> {
  const ci = process.env.CI === 'true';
  const chromium = findChromium();
  let reason: string | null = null;
  if (!chromium) reason = 'no Chromium found (install Debian’s `chromium` or set PORTICO_CHROMIUM)';

  if (existsSync(BUILD_SCRIPT)) {
    const { buildWidget } = (await import(BUILD_SCRIPT.href)) as { buildWidget: (options?: { force?: boolean }) => Promise<{ built: boolean }> };
    try {
      await buildWidget();
    } catch (error) {
      reason ??= `the widget does not build: ${(error as Error).message}`;
    }
  } else {
    reason ??= 'widget/scripts/build.ts does not exist yet, so there is no widget to test';
  }

  if (reason && ci) throw new Error(`The widget's browser tests cannot run under CI=true: ${reason}`);
  if (reason) console.warn(`[widget] browser journeys skipped: ${reason}`);
  project.provide('chromiumPath', chromium);
  project.provide('widgetSkipReason', reason);
}
