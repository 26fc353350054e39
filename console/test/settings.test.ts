import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();
/** Console errors besides the answers the journey expects: no SSO provider yet (404), refusals (409, 502). */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of (404|409|502)/.test(e));

/** Closes the toasts and puts a section's end (or start) at the window's edge, for a stable screenshot. */
async function showSection(page: Page, testId: string, block: 'start' | 'end'): Promise<void> {
  for (const close of await page.getByRole('region', { name: 'Messages' }).getByRole('button', { name: 'Close' }).all()) await close.click();
  await page.getByTestId(testId).evaluate((element, where) => element.scrollIntoView({ block: where }), block);
}

describe.skipIf(skip)('console organization settings', () => {
  const suite = useConsoleStack({}, async (stack) => {
    for (const label of ['one', 'two']) {
      const res = await stack.owner.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname: `${label}.${stack.zone}` });
      if (res.status !== 201) throw new Error(`domain ${label}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });

  it('refuses a limit below usage, records a valid change and renames the organization', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/settings');
    try {
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await page.getByTestId('settings-limits').waitFor();
      await page.getByTestId('sso-none').waitFor();
      await screenshot(page, 'settings');
      expect(await seriousAxeViolations(page, 'settings')).toEqual([]);

      // Narrow screens: nothing wider than the window (tables scroll inside their frame).
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await page.setViewportSize({ width: 1280, height: 860 });

      // Below usage (2 domains): refused, explained beside the field, the value kept.
      const domains = page.getByLabel('Domains', { exact: true });
      await domains.fill('1');
      await page.getByRole('button', { name: 'Save limits' }).click();
      const limits = page.getByTestId('settings-limits');
      await expect.poll(() => limits.getByRole('alert').textContent(), POLL).toContain('cannot go below what is in use (2)');
      expect(await limits.getByRole('alert').textContent()).toContain('SETTINGS_BELOW_USAGE');
      expect(await domains.inputValue()).toBe('1');
      expect(await domains.getAttribute('aria-invalid')).toBe('true');

      // A valid change: saved, and a row in the history.
      await domains.fill('40');
      await page.getByRole('button', { name: 'Save limits' }).click();
      const history = page.getByTestId('settings-history');
      await expect.poll(() => history.locator('tbody tr').count(), POLL).toBe(1);
      expect(await history.locator('tbody tr').first().textContent()).toContain('50 → 40');
      expect(await limits.getByRole('alert').count()).toBe(0);
      await showSection(page, 'settings-history', 'end');
      await screenshot(page, 'settings-limits-history');
      expect(await seriousAxeViolations(page, 'settings-limits-history')).toEqual([]);

      // Single sign-on: an issuer that cannot be reached is explained, the fields keep what was typed.
      const sso = page.getByTestId('settings-sso');
      await sso.getByLabel('Name on the sign-in button').fill('Acme SSO');
      await sso.getByLabel('Issuer URL').fill('https://127.0.0.1:9/');
      await sso.getByLabel('Client ID').fill('portico-console');
      await sso.getByRole('button', { name: 'Save provider' }).click();
      await expect.poll(() => sso.getByRole('alert').textContent(), POLL).toContain('OIDC_PROVIDER_UNAVAILABLE');
      expect(await sso.getByLabel('Client ID').inputValue()).toBe('portico-console');
      await showSection(page, 'settings-sso', 'start');
      await screenshot(page, 'settings-sso');
      expect(await seriousAxeViolations(page, 'settings-sso')).toEqual([]);

      // Rename: the organization switcher shows the new name.
      await page.getByTestId('organization-name').fill('Renamed Org');
      await page.getByRole('button', { name: 'Save name' }).click();
      const switcher = page.getByTestId('organization-switcher');
      await expect.poll(() => switcher.locator('option:checked').textContent(), POLL).toBe('Renamed Org');
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('deletes the organization after its slug is typed, then shows /welcome', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/settings');
    try {
      const slug = await page.getByTestId('organization-slug').inputValue();
      await page.getByRole('button', { name: 'Delete organization' }).click();
      const dialog = page.getByRole('dialog');
      const confirm = dialog.getByRole('button', { name: 'Delete organization' });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByTestId('confirm-input').fill(slug);
      await confirm.click();
      await expect.poll(() => new URL(page.url()).pathname, POLL).toBe('/welcome');
      expect((await suite.stack.owner.get('/v1/organizations')).body.data).toEqual([]);
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
