import { describe, expect, it } from 'vitest';
import { createMember } from '../../core/server/test/factories.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

// Two plans: organizations start on `free`; the owner moves to `pro` (no billing module: at once). Others read only.
const PLANS = [
  { id: 'free', name: 'Free', description: 'To try Portico.', limits: { domains: 3, projects: 2, members: 5 }, features: ['widget'] },
  { id: 'pro', name: 'Pro', description: 'For production.', limits: { domains: 100, projects: 20, members: 50 }, features: ['widget', 'webhooks', 'sso'] },
];

describe.skipIf(skip)('console plan & billing', () => {
  const suite = useConsoleStack({ config: { plans: { list: PLANS } } });

  it('lists the plans and lets the owner switch plan', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/billing');
    try {
      await page.getByRole('heading', { level: 1, name: 'Plan & billing' }).waitFor();
      await expect.poll(() => page.getByTestId('current-plan').textContent(), POLL).toContain('Free');
      expect(await page.getByTestId('plan-free').textContent()).toContain('Current plan');
      expect(await page.getByTestId('plan-pro').textContent()).toContain('100');
      expect(await page.getByRole('button', { name: 'Choose Free' }).count()).toBe(0);
      await screenshot(page, 'billing', { fullPage: true });
      expect(await seriousAxeViolations(page, 'billing')).toEqual([]);

      // Narrow screens: nothing wider than the window (tables scroll inside their frame).
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await page.setViewportSize({ width: 1280, height: 860 });

      await page.getByRole('button', { name: 'Choose Pro' }).click();
      const dialog = page.getByRole('dialog', { name: 'Switch to Pro?' });
      await dialog.getByRole('button', { name: 'Switch plan' }).click();
      await expect.poll(() => page.getByTestId('current-plan').textContent(), POLL).toContain('Pro');
      await page.getByText('The organization is now on Pro.').waitFor();
      expect(await page.getByTestId('plan-pro').textContent()).toContain('Current plan');
      const stored = await suite.stack.owner.get(`/v1/subscription?organizationId=${suite.stack.organizationId}`);
      expect(stored.body.plan.id).toBe('pro');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows an admin the plan read-only', async () => {
    const admin = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'admin' });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/billing', admin);
    try {
      await page.getByTestId('billing-read-only').waitFor();
      expect(await page.getByTestId('plan-free').isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: /^Choose / }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
