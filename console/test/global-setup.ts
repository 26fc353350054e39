import type { TestProject } from 'vitest/node';
import { findChromium } from '../../widget/test/global-setup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the console's browser journeys cannot run (no Chromium, no console build), or null when they can. */
    consoleSkipReason: string | null;
  }
}

/**
 * Builds the console and the widget once for the run (each build skips itself when up to date) and finds Chromium.
 * Under CI=true a missing browser or a failed build fails the run; elsewhere the journeys skip with the reason printed.
 */
export default async function setup(project: TestProject): Promise<void> {
  const ci = process.env.CI === 'true';
  const chromium = findChromium();
  let reason: string | null = chromium ? null : 'no Chromium found (install Debian’s `chromium` or set PORTICO_CHROMIUM)';
  try {
    const { buildConsole } = await import('../scripts/build.ts');
    const { buildWidget } = await import('../../widget/scripts/build.ts');
    await buildWidget();
    await buildConsole();
  } catch (error) {
    reason ??= `the console does not build: ${(error as Error).message}`;
  }
  if (reason && ci) throw new Error(`The console's browser tests cannot run under CI=true: ${reason}`);
  if (reason) console.warn(`[console] browser journeys skipped: ${reason}`);
  project.provide('chromiumPath', chromium);
  project.provide('consoleSkipReason', reason);
}
