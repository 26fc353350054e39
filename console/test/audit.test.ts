import { describe, expect, it } from 'vitest';
import { createMember } from '../../core/server/test/factories.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();
/** Console errors besides the settings page's answer that no single sign-on is set up (404). */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 404/.test(e));

describe.skipIf(skip)('console audit log', () => {
  const suite = useConsoleStack();

  it('shows the changes made in the console, newest first, filtered and page by page', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/settings');
    try {
      // Changes made by clicking: a limit and the organization's name.
      await page.getByTestId('settings-limits').waitFor();
      await page.getByLabel('Domains', { exact: true }).fill('30');
      await page.getByRole('button', { name: 'Save limits' }).click();
      await page.getByText('The limits were saved.').waitFor();
      await page.getByTestId('organization-name').fill('Audited Org');
      await page.getByRole('button', { name: 'Save name' }).click();
      await page.getByText('The organization is now called Audited Org.').waitFor();

      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      const log = page.getByTestId('audit-log');
      await expect.poll(() => log.locator(':scope > tbody > tr').first().getAttribute('data-action'), POLL).toBe('organization.update');
      const settings = log.locator('tr[data-action="organization_settings.update"]').first();
      await settings.getByText('Show changes').click();
      const diff = await settings.locator('table.diff').textContent();
      expect(diff).toContain('maxDomains');
      expect(diff).toContain('50');
      expect(diff).toContain('30');
      expect(await settings.textContent()).toContain(suite.stack.ownerUser.email);
      await screenshot(page, 'audit', { fullPage: true });
      expect(await seriousAxeViolations(page, 'audit')).toEqual([]);

      // Narrow screens: nothing wider than the window (tables scroll inside their frame).
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await page.setViewportSize({ width: 1280, height: 860 });

      // Filter by action.
      await page.getByTestId('audit-action').fill('organization.update');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(async () => [...new Set(await log.locator(':scope > tbody > tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))], POLL).toEqual(['organization.update']);

      // More than a page: 55 changes made through the API, then "Load more".
      for (let n = 0; n < 55; n++) await suite.stack.owner.patch(`/v1/organizations/${suite.stack.organizationId}`, { name: `Audited Org ${n}` }).expect(200);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(() => log.locator(':scope > tbody > tr').count(), POLL).toBe(50);
      await page.getByTestId('audit-more').click();
      await expect.poll(() => log.locator(':scope > tbody > tr').count(), POLL).toBe(56);
      await page.getByText('That is everything.').waitFor();

      // A span of days with nothing in it, then every filter cleared.
      await page.getByTestId('audit-from').fill(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByRole('heading', { name: 'No entries match.' }).waitFor();
      await page.getByRole('button', { name: 'Clear' }).click();
      await expect.poll(() => log.locator(':scope > tbody > tr').count(), POLL).toBe(50);
      expect(await page.getByTestId('audit-action').inputValue()).toBe('');
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows someone with a project role the permission-denied state', async () => {
    const member = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'project_admin', projectId: suite.stack.projectId });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/audit', member);
    try {
      await page.getByRole('heading', { name: 'You do not have access' }).waitFor();
      expect(await page.getByTestId('audit-log').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Apply filters' }).count()).toBe(0);
      expect(await seriousAxeViolations(page, 'audit-forbidden')).toEqual([]);
      expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
