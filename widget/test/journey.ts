import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, openPage, printAxeLog, type PageSession } from './browser.ts';
import { startWidgetStack, type HostPageOptions, type StackDomain, type WidgetStack } from './stack.ts';

/** The stack and browser a suite's tests share (read them inside tests and hooks: they exist once `beforeAll` ran). */
export interface WidgetSuite {
  readonly stack: WidgetStack;
  readonly browser: Browser;
}

/**
 * Registers the suite's `beforeAll`/`afterAll`: starts a widget stack and a browser (together), runs `prepare`
 * once both are up, and afterwards prints the axe log and stops both.
 */
export function useWidgetStack(options: Parameters<typeof startWidgetStack>[0], prepare?: (stack: WidgetStack) => Promise<void>): WidgetSuite {
  let stack: WidgetStack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startWidgetStack(options), launchBrowser()]);
    await prepare?.(stack);
  });
  afterAll(async () => {
    printAxeLog();
    await browser?.close();
    await stack?.stop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('the widget stack is not started (read it inside a test or hook)');
      return stack;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched (read it inside a test or hook)');
      return browser;
    },
  };
}

/** Sets the organization's "verify now" pace to the fastest it allows, so a journey may ask again within a minute. */
export async function fastestVerifyPace(stack: WidgetStack): Promise<void> {
  const settings = (await stack.owner.get(`/v1/organizations/${stack.organizationId}/settings`)).body as { maxima: { verificationRateLimitPerMinute: number } };
  const patched = await stack.owner.patch(`/v1/organizations/${stack.organizationId}/settings`, { verificationRateLimitPerMinute: settings.maxima.verificationRateLimitPerMinute });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
}

/** The host page with the widget on it, its first screen (or `until`) shown. */
export async function openWidget(browser: Browser, stack: WidgetStack, options: HostPageOptions = {}, context: BrowserContextOptions = {}): Promise<PageSession> {
  const session = await openPage(browser, context);
  await session.page.goto(stack.host.url(options));
  await session.page.waitForFunction(() => (window as unknown as { porticoReady?: boolean }).porticoReady === true);
  return session;
}

/**
 * The widget with `hostname` entered and "Set it up myself" chosen: the records are shown and the domain was added.
 * The page's context is closed again when getting there fails.
 */
export async function openManualSetup(browser: Browser, stack: WidgetStack, hostname: string): Promise<PageSession & { domain: StackDomain }> {
  const session = await openWidget(browser, stack);
  try {
    await enterDomain(session.page, hostname);
    await session.page.getByRole('button', { name: 'Set it up myself' }).click();
    await heading(session.page, 'Add these records').waitFor();
    return { ...session, domain: await waitForDomain(stack, hostname) };
  } catch (error) {
    await session.context.close();
    throw error;
  }
}

/** Types `hostname` into "Your domain" and continues. */
export async function enterDomain(page: Page, hostname: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Your domain' });
  await input.fill(hostname);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The heading of the screen shown now (each screen has one h2-level heading the widget moves focus to). */
export function heading(page: Page, name: string | RegExp) {
  return page.locator('portico-connect').getByRole('heading', { name });
}

/** The widget's visible text: the rendered text of its shadow root (the host's innerText sees only light DOM). */
export function widgetText(page: Page): Promise<string> {
  return page.locator('portico-connect').evaluate((el) =>
    Array.from(el.shadowRoot?.children ?? [])
      .filter((child): child is HTMLElement => child instanceof HTMLElement && child.tagName !== 'STYLE')
      .map((child) => child.innerText)
      .join('\n'),
  );
}

/** Events the widget dispatched on the host page, in order. */
export function hostEvents(page: Page): Promise<Array<{ type: string; detail: Record<string, unknown> }>> {
  return page.evaluate(() => (window as unknown as { porticoEvents: Array<{ type: string; detail: Record<string, unknown> }> }).porticoEvents);
}

/** The domain the widget added for `hostname` (bounded wait: the click that adds it may still be on its way). */
export async function waitForDomain(stack: WidgetStack, hostname: string): Promise<StackDomain> {
  for (let i = 0; i < 100; i++) {
    const domain = await stack.domainByHostname(hostname);
    if (domain) return domain;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no domain ${hostname} was added`);
}

/**
 * Waits until the widget's visible text contains `text` (bounded); on a timeout the error shows what the widget
 * said instead, which is what one needs to see when a journey goes elsewhere.
 */
export async function waitForText(page: Page, text: string | RegExp, tries = 150): Promise<string> {
  let seen = '';
  for (let i = 0; i < tries; i++) {
    seen = await widgetText(page).catch(() => '');
    if (typeof text === 'string' ? seen.includes(text) : text.test(seen)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the widget never showed ${String(text)}; it shows:\n${seen}`);
}

/**
 * Starts keeping what the widget's live region (role=status) announces, in order, so a test can assert the steps
 * a screen reader user heard without catching each short-lived state on screen. Read with `announcements`.
 */
export async function recordAnnouncements(page: Page): Promise<void> {
  await page.locator('portico-connect').evaluate((el) => {
    const region = el.shadowRoot?.querySelector('[role="status"][aria-live]');
    if (!region) throw new Error('the widget has no live region');
    const heard: string[] = [];
    (window as unknown as { porticoAnnouncements: string[] }).porticoAnnouncements = heard;
    new MutationObserver(() => {
      const text = region.textContent?.trim();
      if (text && heard.at(-1) !== text) heard.push(text);
    }).observe(region, { childList: true, characterData: true, subtree: true });
  });
}

/** What the live region announced since `recordAnnouncements`. */
export function announcements(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { porticoAnnouncements?: string[] }).porticoAnnouncements ?? []);
}
