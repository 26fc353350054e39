import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

/** Closes the toasts on screen so screenshots show the page alone (a toast may leave by itself meanwhile). */
async function dismissToasts(page: Page): Promise<void> {
  for (const button of await page.getByRole('region', { name: 'Messages' }).getByRole('button', { name: 'Close' }).all()) await button.click({ timeout: 1000 }).catch(() => undefined);
}

describe.skipIf(skip)('a project’s widget settings', () => {
  const suite = useConsoleStack();
  const settings = async () => (await suite.stack.owner.get(`/v1/projects/${suite.stack.projectId}/widget`)).body as { allowedOrigins: string[]; defaultServiceId: string | null };

  it('adds an allowed origin (normalised), shows a refused origin’s reason in its row, and shows the pinned embed code', async () => {
    const manifest = (await (await fetch(`${suite.stack.url}/widget/manifest.json`)).json()) as { version: string; files: Record<string, { integrity: string }> };
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, `/projects/${suite.stack.projectId}/widget`);
    try {
      await page.getByRole('heading', { level: 2, name: 'Connect widget' }).waitFor();
      await page.getByTestId('origins-empty').waitFor();

      await page.getByRole('button', { name: 'Add origin' }).click();
      await page.getByLabel('Allowed origin 1').fill('HTTPS://App.Example.com:443');
      await page.getByRole('button', { name: 'Save origins' }).click();
      await expect.poll(() => page.getByLabel('Allowed origin 1').inputValue(), POLL).toBe('https://app.example.com');
      expect((await settings()).allowedOrigins).toEqual(['https://app.example.com']);

      await page.getByRole('button', { name: 'Add origin' }).click();
      await page.getByLabel('Allowed origin 2').fill('http://insecure.example.com');
      await page.getByRole('button', { name: 'Save origins' }).click();
      const rowError = page.locator('[data-origin-row="1"] [role="alert"]');
      await rowError.waitFor();
      expect(await rowError.textContent()).toContain('must use https');
      expect(await page.getByLabel('Allowed origin 2').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Allowed origin 2').inputValue()).toBe('http://insecure.example.com');
      expect(await page.locator('[data-origin-row="0"] [role="alert"]').count()).toBe(0);
      expect((await settings()).allowedOrigins).toEqual(['https://app.example.com']);

      const html = page.getByTestId('snippet-html');
      const integrity = manifest.files['portico-connect.js']!.integrity;
      await expect.poll(() => html.textContent(), POLL).toContain(`integrity="${integrity}"`);
      expect(await html.textContent()).toContain(`${suite.stack.url}/widget/v${manifest.version}/portico-connect.js`);
      expect(await html.textContent()).toContain('crossorigin="anonymous"');
      expect(await page.getByTestId('snippet-curl').textContent()).toContain(suite.stack.projectId);
      expect(await page.getByTestId('snippet-node').textContent()).toContain('process.env.PORTICO_API_KEY');

      await page.getByRole('radio', { name: 'Dark' }).check();
      await expect.poll(() => html.textContent(), POLL).toContain('theme="dark"');
      expect(await page.getByTestId('theme-preview').getAttribute('data-theme-choice')).toBe('dark');
      await page.getByRole('radio', { name: 'Auto (follows the system)' }).check();

      await dismissToasts(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'widget-settings', { fullPage: true });
      expect(await seriousAxeViolations(page, 'widget-settings')).toEqual([]);
      // The refused origin is the one failed request the browser reports.
      expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
