import { describe, expect, it } from 'vitest';
import { createOrganizationWithUser } from '../../core/server/test/factories.ts';
import { waitFor } from '../../core/server/test/helpers.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack, type ConsoleStack } from './stack.ts';

const skip = browserSkipReason();

/** More than one page of 50, so "Load more" has something to load. */
const SHOPS = 48;
const APIS = 6;

interface Added {
  id: string;
  hostname: string;
}

async function add(stack: ConsoleStack, hostname: string, projectId: string | null = null): Promise<Added> {
  const created = await stack.key.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname, projectId });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, hostname };
}

/** Waits (bounded, outside a test: in the suite's setup) until the domain reached `status`. */
async function settle(stack: ConsoleStack, id: string, status: string): Promise<void> {
  const read = async () => (await stack.owner.get(`/v1/domains/${id}`)).body.status as string;
  expect(await waitFor(read, (s) => s === status, 150)).toBe(status);
}

describe.skipIf(skip)('domain dashboard', () => {
  const seeded: { shops: Added[]; apis: Added[]; verified: Added[] } = { shops: [], apis: [], verified: [] };
  const suite = useConsoleStack({}, async (stack) => {
    const patched = await stack.owner.patch(`/v1/organizations/${stack.organizationId}/settings`, { maxDomains: 500 });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    for (let i = 1; i <= SHOPS; i++) seeded.shops.push(await add(stack, `shop-${String(i).padStart(2, '0')}.${stack.zone}`));
    // Two API hosts are used by the project (a bulk delete previews them).
    for (let i = 1; i <= APIS; i++) seeded.apis.push(await add(stack, `api-${i}.${stack.zone}`, i <= 2 ? stack.projectId : null));
    // Two verified domains (their records published, verified through the API).
    for (const name of ['verified-a', 'verified-b']) {
      const domain = await add(stack, `${name}.${stack.zone}`);
      await stack.publishInstructions(domain.id);
      expect((await stack.owner.post(`/v1/domains/${domain.id}/verify`)).status).toBe(202);
      await settle(stack, domain.id, 'verified');
      seeded.verified.push(domain);
    }
  });
  const total = SHOPS + APIS + 2;

  it('searches, filters by status, sorts and loads more, with the state in the URL', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains');
    try {
      const table = page.getByTestId('domain-table');
      const rows = table.locator('tbody tr');
      await expect.poll(() => rows.count(), POLL).toBe(50);
      await expect.poll(() => page.getByTestId('domains-showing').textContent(), POLL).toBe(`Showing 50 of ${total}`);
      await screenshot(page, 'domains-dashboard');
      expect(await seriousAxeViolations(page, 'domains-dashboard')).toEqual([]);

      // Search: typed, then applied once typing stops.
      await page.getByLabel('Search').fill('api-');
      await expect.poll(() => rows.count(), POLL).toBe(APIS);
      await expect.poll(() => new URL(page.url()).searchParams.get('q'), POLL).toBe('api-');
      await expect.poll(() => rows.first().textContent(), POLL).toContain('Not used');
      await page.getByLabel('Search').fill('');
      await expect.poll(() => rows.count(), POLL).toBe(50);

      // Status group: only the verified ones.
      await page.getByRole('button', { name: 'Verified or live' }).click();
      await expect.poll(() => rows.count(), POLL).toBe(2);
      expect(await rows.locator('td').nth(2).textContent()).toContain('Verified');
      await expect.poll(() => new URL(page.url()).searchParams.get('status'), POLL).toBe('verified,live');
      // Back undoes the filter.
      await page.goBack();
      await expect.poll(() => rows.count(), POLL).toBe(50);

      // Sort by hostname: A→Z, then Z→A.
      const hostnameHeader = table.locator('th[aria-sort]').first();
      await page.getByRole('button', { name: 'Hostname' }).click();
      await expect.poll(() => hostnameHeader.getAttribute('aria-sort'), POLL).toBe('ascending');
      await expect.poll(() => rows.first().locator('td.hostname a').textContent(), POLL).toBe(`api-1.${suite.stack.zone}`);
      await page.getByRole('button', { name: 'Hostname' }).click();
      await expect.poll(() => hostnameHeader.getAttribute('aria-sort'), POLL).toBe('descending');
      await expect.poll(() => rows.first().locator('td.hostname a').textContent(), POLL).toBe(`verified-b.${suite.stack.zone}`);

      // Load more: the rest, and a reload shows the same list.
      await page.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => rows.count(), POLL).toBe(total);
      expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
      await page.reload();
      await expect.poll(() => rows.count(), POLL).toBe(total);
      await expect.poll(() => rows.last().locator('td.hostname a').textContent(), POLL).toBe(`api-1.${suite.stack.zone}`);

      // At 375 px the table scrolls inside its frame; the page itself does not scroll sideways.
      await page.setViewportSize({ width: 375, height: 800 });
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), POLL).toBeLessThanOrEqual(375);
      await screenshot(page, 'domains-dashboard-narrow');
      await page.setViewportSize({ width: 1280, height: 860 });

      // A hostname opens its domain page.
      await rows.first().locator('td.hostname a').click();
      await expect.poll(() => new URL(page.url()).pathname, POLL).toBe(`/domains/${seeded.verified[1]!.id}`);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('verifies and deletes a selection in bulk; statuses change without a reload', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains?q=shop-0&sort=hostname');
    try {
      const rows = page.getByTestId('domain-table').locator('tbody tr');
      await expect.poll(() => rows.count(), POLL).toBe(9);
      const [first, second] = seeded.shops;
      for (const d of [first!, second!]) await suite.stack.publishInstructions(d.id);

      // Bulk verify: both rows turn verified as the checks finish (events, or the poll).
      await page.getByRole('checkbox', { name: `Select ${first!.hostname}` }).check();
      await page.getByRole('checkbox', { name: `Select ${second!.hostname}` }).check();
      await expect.poll(() => page.getByTestId('bulk-bar').textContent(), POLL).toContain('2 domains selected');
      await page.getByRole('button', { name: 'Verify now' }).click();
      const statusOf = (d: Added) => page.locator(`tr[data-domain-id="${d.id}"] td`).nth(2);
      for (const d of [first!, second!]) await expect.poll(() => statusOf(d).textContent(), { ...POLL, timeout: 30_000 }).toContain('Verified');

      // A verified domain and a pending one: the pending one is checked, the verified one refused in its own result.
      const third = seeded.shops[2]!;
      await page.getByRole('checkbox', { name: `Select ${first!.hostname}` }).check();
      await page.getByRole('checkbox', { name: `Select ${third.hostname}` }).check();
      await page.getByRole('button', { name: 'Verify now' }).click();
      const results = page.getByTestId('bulk-results');
      await expect.poll(() => results.textContent(), POLL).toContain('Its status does not allow a verification now.');
      expect(await results.locator('li').count()).toBe(1);
      expect(await results.textContent()).toContain(first!.hostname);
      await expect.poll(() => statusOf(third).textContent(), { ...POLL, timeout: 30_000 }).toMatch(/Verifying|Failed \(will retry\)/);
      await results.getByRole('button', { name: 'Dismiss' }).click();
      await page.getByRole('button', { name: 'Clear selection' }).click();

      // Bulk delete with the typed confirmation: two API hosts are in use by the project; an owner may delete them.
      await page.getByLabel('Search').fill('api-');
      await expect.poll(() => rows.count(), POLL).toBe(APIS);
      await page.getByRole('checkbox', { name: 'Select all domains on this page' }).check();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await expect.poll(() => dialog.getByTestId('bulk-delete-usage').textContent(), POLL).toContain('2 of them are used by projects');
      const confirm = dialog.getByRole('button', { name: 'Delete domains' });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByLabel(`Type delete ${APIS} domains to confirm`).fill(`delete ${APIS} domains`);
      await screenshot(page, 'domains-bulk-delete');
      expect(await seriousAxeViolations(page, 'domains-bulk-delete')).toEqual([]);
      await confirm.click();
      await expect.poll(() => dialog.isVisible(), POLL).toBe(false);
      await expect.poll(() => page.getByTestId('domains-no-match').isVisible(), POLL).toBe(true);
      const left = (await suite.stack.owner.get(`/v1/organizations/${suite.stack.organizationId}/domains?q=api-`)).body;
      expect(left.total).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('explains an empty organization and links to connecting a domain', async () => {
    const fresh = await createOrganizationWithUser(suite.stack.portico, { role: 'owner' });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains', fresh);
    try {
      const empty = page.getByTestId('domains-empty');
      await empty.waitFor();
      expect(await empty.getByRole('heading', { name: 'No domains yet' }).count()).toBe(1);
      await screenshot(page, 'domains-dashboard-empty');
      expect(await seriousAxeViolations(page, 'domains-dashboard-empty')).toEqual([]);
      await empty.getByRole('link', { name: 'Connect a domain' }).click();
      await expect.poll(() => new URL(page.url()).pathname, POLL).toBe('/domains/new');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
