import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('console notifications', () => {
  const suite = useConsoleStack();

  it('counts a new notification live, toasts it, lists it in the bell, marks all read and keeps a preference', async () => {
    const { stack } = suite;
    const { page, context, errors } = await openSignedIn(suite.browser, stack, '/notifications');
    try {
      const bell = page.getByTestId('notification-bell');
      await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
      // Live updates run over the events stream (not the polling fallback) before anything happens.
      await expect.poll(() => page.locator('.bell').getAttribute('data-live'), POLL).toBe('stream');
      expect(await bell.getAttribute('aria-label')).toBe('Notifications');
      expect(await page.getByTestId('notification-count').count()).toBe(0);

      // A domain verified through the API, as a customer would by publishing its record: the owner is notified.
      const hostname = `shop-${randomBytes(3).toString('hex')}.${stack.zone}`;
      const created = await stack.owner.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname });
      expect(created.status).toBe(201);
      await stack.publishInstructions(created.body.id as string);
      expect((await stack.owner.post(`/v1/domains/${created.body.id as string}/verify`)).status).toBe(202);

      // Without a reload: the toast for the live event, then the bell's count.
      await page.getByRole('link', { name: `${hostname} is verified.` }).waitFor({ timeout: POLL.timeout * 2 });
      await expect.poll(async () => Number((await page.getByTestId('notification-count').textContent().catch(() => '0')) ?? 0), POLL).toBeGreaterThanOrEqual(1);
      expect(await bell.getAttribute('aria-label')).toMatch(/^Notifications, \d+ unread$/);

      // The panel lists it; Esc closes it and gives focus back to the bell.
      await bell.click();
      const panel = page.getByTestId('notification-panel');
      await panel.getByText(`${hostname} is verified`, { exact: true }).waitFor();
      await screenshot(page, 'notifications-panel');
      expect(await seriousAxeViolations(page, 'notifications-panel')).toEqual([]);
      await page.keyboard.press('Escape');
      await expect.poll(() => panel.count(), POLL).toBe(0);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('notification-bell');

      await bell.click();
      await panel.getByTestId('notification-mark-all').click();
      await expect.poll(() => page.getByTestId('notification-count').count(), POLL).toBe(0);
      expect(await bell.getAttribute('aria-label')).toBe('Notifications');
      await panel.getByRole('link', { name: 'All notifications and preferences' }).click();

      // The page lists it (read now); a preference toggled there is kept.
      const list = page.getByTestId('notification-list');
      await list.getByText(`${hostname} is verified`, { exact: true }).waitFor();
      const email = page.getByRole('checkbox', { name: 'Email for All domain notifications' });
      expect(await email.isChecked()).toBe(false);
      await email.check();
      await page.getByText('Preferences saved.').waitFor();
      await page.reload();
      await page.getByTestId('notification-preferences').waitFor();
      await expect.poll(() => page.getByRole('checkbox', { name: 'Email for All domain notifications' }).isChecked(), POLL).toBe(true);
      expect(await page.getByRole('checkbox', { name: 'Email for Domain verified' }).isChecked()).toBe(true);
      expect(await page.getByRole('checkbox', { name: 'Email for All usage notifications' }).isChecked()).toBe(false);
      await screenshot(page, 'notifications-page', { fullPage: true });
      expect(await seriousAxeViolations(page, 'notifications-page')).toEqual([]);

      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
