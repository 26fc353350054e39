import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { inject } from 'vitest';

/** The repository root (widget/test → ../../). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Screenshots of every run (test artifacts, not committed). */
export const SCREENSHOT_DIR = join(REPO_ROOT, '.tmp/widget-screenshots');
/** Screenshots the docs show, rewritten only with PORTICO_UPDATE_SCREENSHOTS=1. */
export const DOCS_IMAGE_DIR = join(REPO_ROOT, 'docs/images/widget');

/** Locator and navigation timeouts: generous for a busy machine, they only stop a hung step (nothing asserts time). */
export const STEP_TIMEOUT_MS = 15_000;
/** Options for `expect.poll` (its own default gives up after one second, too soon on a busy machine). */
export const POLL = { timeout: STEP_TIMEOUT_MS, interval: 100 };

/**
 * Why this file's browser journeys cannot run, or null. Printed once by the global setup; under CI=true the
 * setup fails the run instead, so a skip never hides a missing browser there.
 */
export function browserSkipReason(): string | null {
  return inject('widgetSkipReason');
}

/**
 * Debian's Chromium, headless, with the flags a closed network and a root user need: no sandbox (root), no
 * GPU, no QUIC, and nothing that phones home. Playwright gives each launch a fresh throwaway profile.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = inject('chromiumPath');
  if (!executablePath) throw new Error('launchBrowser: no Chromium (the global setup should have skipped or failed the run)');
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (printed when a test fails, useful to assert on). */
  errors: string[];
}

/** A fresh context (cookies, storage, permissions of its own) with one page and bounded timeouts. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<PageSession> {
  const context = await browser.newContext({ viewport: { width: 900, height: 760 }, locale: 'en-US', colorScheme: 'light', ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS * 2);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors };
}

/**
 * A PNG of the page (or of the widget alone when `target` is 'widget'): always under .tmp/widget-screenshots,
 * and under docs/images/widget too when PORTICO_UPDATE_SCREENSHOTS=1. Names are stable (enter, manual, …).
 */
export async function screenshot(page: Page, name: string, target: 'page' | 'widget' = 'widget'): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot: name "${name}" must be lower-case words joined by dashes`);
  // Let transitions and the caret settle so the images do not change from run to run for no reason.
  const png = target === 'widget' ? await page.locator('portico-connect').screenshot({ animations: 'disabled', caret: 'hide' }) : await page.screenshot({ animations: 'disabled', caret: 'hide' });
  const files = [join(SCREENSHOT_DIR, `${name}.png`)];
  if (process.env.PORTICO_UPDATE_SCREENSHOTS === '1') files.push(join(DOCS_IMAGE_DIR, `${name}.png`));
  for (const file of files) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, png);
  }
  return files[0];
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core over the widget, or over what `include` selects (axe walks open shadow roots itself): every violation,
 * with the selector of each node. Tests assert that none is serious or critical and log the rest (`reportAxe`).
 */
export async function axe(page: Page, include = 'portico-connect'): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which a page's Content-Security-Policy does not restrict.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (selector) => {
    const run = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; impact: AxeViolation['impact']; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await run.run({ include: [[selector]] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, include);
}

/** Axe results of every screen a file checked, printed once at its end (the report lists them per screen). */
export const axeLog: Array<{ screen: string; violations: AxeViolation[] }> = [];

/** Runs axe, records the result under `screen`, and returns the serious and critical violations (tests expect none). */
export async function seriousAxeViolations(page: Page, screen: string): Promise<AxeViolation[]> {
  const violations = await axe(page);
  axeLog.push({ screen, violations });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per screen: `axe <screen>: none` or the violations' ids and impacts. */
export function printAxeLog(): void {
  for (const { screen, violations } of axeLog.splice(0)) {
    const text = violations.length ? violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'})`).join(', ') : 'none';
    console.info(`axe ${screen}: ${text}`);
    for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) console.info(`  ${v.id}: ${v.help} at ${v.nodes.join(' ')}`);
  }
}
