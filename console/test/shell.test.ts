import { describe, expect, it } from 'vitest';
import { browserSkipReason, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack, waitForApp } from './stack.ts';
import { openPage } from './browser.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('console shell', () => {
  const suite = useConsoleStack();

  it('sends a signed-out visitor of / to the sign-in page', async () => {
    const { page, context } = await openPage(suite.browser);
    try {
      await page.goto(`${suite.stack.url}/`);
      await waitForApp(page);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    } finally {
      await context.close();
    }
  });

  it('shows a signed-in owner the navigation of their organization', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains');
    try {
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Domains' }).waitFor();
      expect(await page.getByTestId('organization-switcher').inputValue()).toBe(suite.stack.organizationId);
      await screenshot(page, 'shell');
      expect(await seriousAxeViolations(page, 'shell')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a phone: no sideways scrolling, the navigation behind a menu button', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains', undefined, { viewport: { width: 375, height: 740 }, colorScheme: 'dark' });
    try {
      await page.getByTestId('organization-switcher').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      const nav = page.getByRole('navigation', { name: 'Main navigation' });
      expect(await nav.isVisible()).toBe(false);
      await page.getByRole('button', { name: 'Main navigation' }).click();
      await nav.getByRole('link', { name: 'Projects' }).click();
      await page.waitForURL(/\/projects$/);
      expect(await nav.isVisible()).toBe(false);
      await screenshot(page, 'shell-phone-dark');
      expect(await seriousAxeViolations(page, 'shell-phone-dark')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
