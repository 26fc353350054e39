import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

/** Closes the toasts of earlier steps so screenshots show the page itself. */
async function dismissToasts(page: Page): Promise<void> {
  const close = page.getByRole('region', { name: 'Messages' }).getByRole('button', { name: 'Close' });
  // A toast may leave by itself meanwhile: a click that finds nothing is fine.
  while ((await close.count()) > 0) await close.first().click({ timeout: 1000 }).catch(() => undefined);
}

describe.skipIf(skip)('console projects', () => {
  // The organization starts without projects (its first one is deleted) and with one domain not in any project.
  const suite = useConsoleStack({}, async (stack) => {
    const deleted = await stack.owner.delete(`/v1/projects/${stack.projectId}?confirm=main`);
    if (deleted.status !== 204) throw new Error(`delete main project: ${deleted.status} ${JSON.stringify(deleted.body)}`);
    const added = await stack.owner.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname: `existing.${stack.zone}` });
    if (added.status !== 201) throw new Error(`add domain: ${added.status} ${JSON.stringify(added.body)}`);
  });

  it('creates a project, assigns an existing and a new domain in one step, removes one, renames and deletes it', async () => {
    const { stack } = suite;
    const existing = `existing.${stack.zone}`;
    const fresh = `new.${stack.zone}`;
    const { page, context, errors } = await openSignedIn(suite.browser, stack, '/projects');
    try {
      // Empty organization: the empty state offers the first project.
      await page.getByRole('heading', { name: 'No projects yet' }).waitFor();
      await dismissToasts(page);
      await screenshot(page, 'projects-empty');
      expect(await seriousAxeViolations(page, 'projects-empty')).toEqual([]);

      await page.getByRole('button', { name: 'Create your first project' }).click();
      await page.getByLabel('Name').fill('Web Shop');
      await expect.poll(() => page.getByTestId('project-slug').inputValue(), POLL).toBe('web-shop');
      await page.getByRole('button', { name: 'Create project' }).click();
      const row = page.getByTestId('project-list').locator('tr[data-project="web-shop"]');
      await row.waitFor();
      expect(await row.innerText()).toContain('Web Shop');
      await expect.poll(async () => (await row.locator('td').nth(2).innerText()).trim(), POLL).toBe('0');
      await dismissToasts(page);
      await screenshot(page, 'projects-list');
      expect(await seriousAxeViolations(page, 'projects-list')).toEqual([]);

      // Assign one existing organization domain and one new hostname in one request.
      await row.getByRole('link', { name: 'Web Shop' }).click();
      await page.getByRole('heading', { level: 1, name: 'Web Shop' }).waitFor();
      await page.getByRole('heading', { name: 'No domains in this project' }).waitFor();
      await page.getByRole('button', { name: 'Assign domains' }).click();
      await page.getByLabel('Search by hostname').fill('existing');
      const existingBox = page.getByRole('checkbox', { name: existing });
      await existingBox.waitFor();
      await existingBox.check();
      await page.getByLabel('New hostnames').fill(fresh);
      await dismissToasts(page);
      await screenshot(page, 'project-assign');
      expect(await seriousAxeViolations(page, 'project-assign')).toEqual([]);
      await page.getByRole('button', { name: 'Assign 2 domains' }).click();

      const results = page.getByTestId('assign-results');
      await results.waitFor();
      expect(await results.locator(`li[data-outcome="assigned"]`).innerText()).toContain(existing);
      expect(await results.locator(`li[data-outcome="created"]`).innerText()).toContain(fresh);
      const table = page.getByTestId('project-domains');
      await expect.poll(async () => table.locator('tbody tr').count(), POLL).toBe(2);
      expect(await table.locator(`tr[data-hostname="${fresh}"] a`).getAttribute('href')).toMatch(/^\/domains\/[0-9a-f-]{36}$/);
      await page.getByTestId('assign-domains').getByRole('button', { name: 'Close', exact: true }).click();
      await dismissToasts(page);
      await screenshot(page, 'project-domains');
      expect(await seriousAxeViolations(page, 'project-domains')).toEqual([]);

      // Remove the new one: the confirmation says which mappings go (none here).
      await page.getByRole('button', { name: `Remove from project: ${fresh}` }).click();
      const dialog = page.getByRole('dialog');
      await expect.poll(() => dialog.getByTestId('remove-mappings').innerText(), POLL).toContain('No mappings use this domain');
      await dialog.getByRole('button', { name: 'Remove from project' }).click();
      await expect.poll(async () => table.locator('tbody tr').count(), POLL).toBe(1);
      expect(await table.locator('tbody tr').innerText()).toContain(existing);
      expect((await stack.owner.get(`/v1/organizations/${stack.organizationId}/domains?q=new.`)).body.data.map((d: { hostname: string }) => d.hostname)).toEqual([fresh]);

      // Rename on the settings tab: the header follows.
      await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Settings' }).click();
      const name = page.getByTestId('settings-name');
      await expect.poll(() => name.inputValue(), POLL).toBe('Web Shop');
      await name.fill('Web Shop EU');
      await page.getByTestId('settings-save').click();
      await page.getByRole('heading', { level: 1, name: 'Web Shop EU' }).waitFor();
      await page.getByTestId('settings-slug').fill('web-shop-eu');
      await page.getByText('Changing the slug renames the project').waitFor();
      await dismissToasts(page);
      await screenshot(page, 'project-settings');
      expect(await seriousAxeViolations(page, 'project-settings')).toEqual([]);
      await page.getByTestId('settings-save').click();
      await expect.poll(() => page.getByTestId('project-slug-value').innerText(), POLL).toBe('web-shop-eu');

      // Delete with the slug typed: back to the empty list; the domain stays in the organization.
      await page.getByTestId('project-delete').click();
      const confirm = page.getByRole('dialog');
      const submit = confirm.getByRole('button', { name: 'Delete project' });
      expect(await submit.isDisabled()).toBe(true);
      await confirm.getByTestId('confirm-input').fill('web-shop-eu');
      await submit.click();
      await expect.poll(() => new URL(page.url()).pathname, POLL).toBe('/projects');
      await page.getByRole('heading', { name: 'No projects yet' }).waitFor();
      expect((await stack.owner.get(`/v1/organizations/${stack.organizationId}/projects`)).body.data).toEqual([]);
      expect((await stack.owner.get(`/v1/organizations/${stack.organizationId}/domains?q=existing`)).body.data).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows not found for a project id outside the organization', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/projects/00000000-0000-4000-8000-000000000000');
    try {
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      expect(await page.getByRole('link', { name: 'Back to the projects' }).getAttribute('href')).toBe('/projects');
      expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
