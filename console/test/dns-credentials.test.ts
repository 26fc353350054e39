import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { MEMORY_TOKEN, openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

/** Closes the toasts on screen so screenshots show the page alone (a toast may leave by itself meanwhile). */
async function dismissToasts(page: Page): Promise<void> {
  for (const button of await page.getByRole('region', { name: 'Messages' }).getByRole('button', { name: 'Close' }).all()) await button.click({ timeout: 1000 }).catch(() => undefined);
}

describe.skipIf(skip)('a project’s DNS credentials', () => {
  const suite = useConsoleStack();
  const stored = async () => ((await suite.stack.owner.get(`/v1/projects/${suite.stack.projectId}/dns-credentials`)).body as { data: Array<{ label: string; provider: string }> }).data;

  it('adds a credential for the in-memory provider (refused, then accepted) and deletes it', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, `/projects/${suite.stack.projectId}/dns`);
    try {
      await page.getByRole('heading', { level: 2, name: 'DNS credentials', exact: true }).waitFor();
      await page.getByText('No DNS credentials yet').waitFor();

      await page.getByRole('button', { name: 'Add credential' }).click();
      const form = page.getByTestId('dns-credential-form');
      await form.waitFor();
      expect(await page.getByTestId('credential-provider').inputValue()).toBe('memory');
      expect(await form.textContent()).toContain('None: the reference provider lives in the Portico process');
      const token = form.getByLabel(/^Token/);
      expect(await token.getAttribute('type')).toBe('password');
      await form.getByLabel(/^Label/).fill('Reference DNS');
      await token.fill('not-the-token');
      await screenshot(page, 'dns-credential-form', { fullPage: true });
      expect(await seriousAxeViolations(page, 'dns-credential-form')).toEqual([]);

      await form.getByRole('button', { name: 'Check and store' }).click();
      const alert = page.getByTestId('credential-error');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('DNS_CREDENTIAL_REJECTED');
      expect(await alert.textContent()).toContain('refused this credential');
      expect(await form.getByLabel(/^Label/).inputValue()).toBe('Reference DNS');
      expect(await token.inputValue()).toBe('');
      expect(await stored()).toEqual([]);
      expect(await seriousAxeViolations(page, 'dns-credential-rejected')).toEqual([]);

      await token.fill(MEMORY_TOKEN);
      await form.getByRole('button', { name: 'Check and store' }).click();
      const row = page.locator('[data-credential="Reference DNS"]');
      await row.waitFor();
      expect(await row.textContent()).toContain('In-memory (reference)');
      expect(await form.count()).toBe(0);
      expect((await stored()).map((c) => [c.label, c.provider])).toEqual([['Reference DNS', 'memory']]);
      expect(await page.content()).not.toContain(MEMORY_TOKEN);
      await dismissToasts(page);
      await screenshot(page, 'dns-credentials', { fullPage: true });
      expect(await seriousAxeViolations(page, 'dns-credentials')).toEqual([]);

      await row.getByRole('button', { name: 'Delete credential Reference DNS' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('fall back to manual setup');
      await dialog.getByRole('button', { name: 'Delete credential' }).click();
      await expect.poll(() => row.count(), POLL).toBe(0);
      await page.getByText('No DNS credentials yet').waitFor();
      expect(await stored()).toEqual([]);
      // The refused attempt is the one failed request the browser reports.
      expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
