import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { openPage, type PageSession } from './browser.ts';
import type { HostPageOptions, StackDomain, WidgetStack } from './stack.ts';

/** The host page with the widget on it, its first screen (or `until`) shown. */
export async function openWidget(browser: Browser, stack: WidgetStack, options: HostPageOptions = {}, context: BrowserContextOptions = {}): Promise<PageSession> {
  const session = await openPage(browser, context);
  await session.page.goto(stack.host.url(options));
  await session.page.waitForFunction(() => (window as unknown as { porticoReady?: boolean }).porticoReady === true);
  return session;
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
