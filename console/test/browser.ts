import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { axe as axeWidget, REPO_ROOT, type AxeViolation } from '../../widget/test/browser.ts';

export { launchBrowser, openPage, POLL, STEP_TIMEOUT_MS, REPO_ROOT, type PageSession, type AxeViolation } from '../../widget/test/browser.ts';

/** Screenshots of every run (test artifacts, not committed). */
export const SCREENSHOT_DIR = join(REPO_ROOT, '.tmp/console-screenshots');
/** Screenshots docs/console.md shows, rewritten only with PORTICO_UPDATE_SCREENSHOTS=1. */
export const DOCS_IMAGE_DIR = join(REPO_ROOT, 'docs/images/console');

/** Why the console's journeys cannot run, or null (printed by the global setup; under CI=true it fails instead). */
export function browserSkipReason(): string | null {
  return inject('consoleSkipReason');
}

/**
 * A PNG of the whole page: always under .tmp/console-screenshots, and under docs/images/console too when
 * PORTICO_UPDATE_SCREENSHOTS=1. Names are stable, lower-case words joined by dashes (`domain-detail`).
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot: name "${name}" must be lower-case words joined by dashes`);
  // Let transitions, the caret and pending fonts settle so the images do not change from run to run for no reason.
  await page.evaluate(() => document.fonts.ready);
  const png = await page.screenshot({ animations: 'disabled', caret: 'hide', fullPage: options.fullPage ?? false });
  const files = [join(SCREENSHOT_DIR, `${name}.png`)];
  if (process.env.PORTICO_UPDATE_SCREENSHOTS === '1') files.push(join(DOCS_IMAGE_DIR, `${name}.png`));
  for (const file of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, png);
  }
  return files[0]!;
}

/** axe-core over the whole page: the serious and critical violations (tests expect none); all are logged. */
export async function seriousAxeViolations(page: Page, screen: string): Promise<AxeViolation[]> {
  const violations = await axeWidget(page, 'body');
  const text = violations.length ? violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ') : 'none';
  console.info(`axe ${screen}: ${text}`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Closes every toast on the page, so a screenshot shows the screen itself. */
export async function dismissToasts(page: Page): Promise<void> {
  for (const button of await page.locator('.toasts .toast button').all()) await button.click().catch(() => {});
}
