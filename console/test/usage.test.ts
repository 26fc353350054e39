import { describe, expect, it } from 'vitest';
import { createMember } from '../../core/server/test/factories.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();
const DAY = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

// Usage: a plan allowing 5 domains, 4 held (2 of them in the `main` project) → the domains meter is near its limit;
// three daily snapshots give the history charts three days.
describe.skipIf(skip)('console usage', () => {
  const suite = useConsoleStack({ config: { plans: { list: [{ id: 'starter', name: 'Starter', limits: { domains: 5, projects: 3, members: 10 } }] } } }, async (stack) => {
    for (const [index, label] of ['alpha', 'beta', 'gamma', 'delta'].entries()) {
      const body = { hostname: `${label}.${stack.zone}`, ...(index < 2 ? { projectId: stack.projectId } : {}) };
      const res = await stack.owner.post(`/v1/organizations/${stack.organizationId}/domains`, body);
      if (res.status !== 201) throw new Error(`domain ${label}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const usage = stack.portico.container.cradle.usageService;
    const connection = stack.portico.container.cradle.orm.em.getConnection();
    for (const [back, checks] of [[2, 12], [1, 30], [0, 7]] as const) {
      const day = dayOf(new Date(Date.now() - back * DAY));
      await usage.snapshot(day);
      await connection.execute('update usage_daily set checks = ? where organization_id = ? and day = ?::date', [checks, stack.organizationId, day]);
    }
  });

  it('shows each limit as a meter, warns near the limit and draws the last days', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/usage');
    try {
      await page.getByRole('heading', { level: 1, name: 'Usage' }).waitFor();
      const domains = page.getByTestId('usage-meter').filter({ has: page.getByText('Domains', { exact: true }) });
      await expect.poll(() => domains.textContent(), POLL).toContain('4 of 5');
      expect(await domains.getAttribute('data-level')).toBe('near');
      expect(await domains.getByRole('meter', { name: 'Domains' }).getAttribute('aria-valuenow')).toBe('4');
      expect(await domains.textContent()).toContain('Near limit');
      expect(await page.getByTestId('usage-meter').count()).toBeGreaterThanOrEqual(9);
      expect(await page.getByRole('link', { name: 'Change plan' }).getAttribute('href')).toBe('/billing');

      const charts = page.getByTestId('usage-chart');
      expect(await charts.count()).toBe(3);
      expect(await charts.first().locator('rect.bar').count()).toBe(3);
      expect(await page.getByRole('img', { name: /^Checks per day: 3 days/ }).getAttribute('aria-label')).toContain('highest 30');
      const domainsChart = page.getByRole('img', { name: /^Domains held per day: 3 days/ });
      expect(await domainsChart.getAttribute('aria-label')).toContain('latest 4');
      await screenshot(page, 'usage', { fullPage: true });
      expect(await seriousAxeViolations(page, 'usage')).toEqual([]);

      // Narrow screens: nothing wider than the window (tables scroll inside their frame).
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await page.setViewportSize({ width: 1280, height: 860 });

      // One project's usage: its two domains, without the organization's limit.
      await page.getByLabel('Show usage of').selectOption({ label: 'main' });
      await expect.poll(() => domains.textContent(), POLL).toContain('2 · no limit');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows someone with a project role their project’s usage, not the organization’s', async () => {
    const member = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'project_member', projectId: suite.stack.projectId });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/usage', member);
    try {
      const domains = page.getByTestId('usage-meter').filter({ has: page.getByText('Domains', { exact: true }) });
      await expect.poll(() => domains.textContent(), POLL).toContain('2 · no limit');
      expect(await page.getByLabel('Show usage of').inputValue()).toBe(suite.stack.projectId);
      expect(await page.getByRole('option', { name: 'The whole organization' }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
