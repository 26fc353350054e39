import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember } from '../../core/server/test/factories.ts';
import { waitFor } from '../../core/server/test/helpers.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack, type ConsoleStack } from './stack.ts';

const skip = browserSkipReason();

/** Closes the toasts of earlier steps so screenshots show the page itself. */
async function dismissToasts(page: Page): Promise<void> {
  const close = page.getByRole('region', { name: 'Messages' }).getByRole('button', { name: 'Close' });
  // A toast may leave by itself meanwhile: a click that finds nothing is fine.
  while ((await close.count()) > 0) await close.first().click({ timeout: 1000 }).catch(() => undefined);
}

/** A domain of the stack's first project, verified through the stack: records published, then "verify now". */
async function verifiedDomain(stack: ConsoleStack, hostname: string): Promise<string> {
  const added = await stack.owner.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname, projectId: stack.projectId });
  if (added.status !== 201) throw new Error(`add ${hostname}: ${added.status} ${JSON.stringify(added.body)}`);
  await stack.publishInstructions(added.body.id);
  const verify = await stack.owner.post(`/v1/domains/${added.body.id}/verify`);
  if (verify.status !== 202) throw new Error(`verify ${hostname}: ${verify.status} ${JSON.stringify(verify.body)}`);
  const settled = await waitFor(async () => (await stack.owner.get(`/v1/domains/${added.body.id}`)).body, (d) => d.status !== 'verifying' && d.status !== 'pending', 150);
  if (settled.status !== 'verified') throw new Error(`${hostname} ended ${settled.status}`);
  return added.body.id as string;
}

describe.skipIf(skip)('console routing', () => {
  let host = '';
  // A verified domain in the first project whose /api is already routed to a service "billing".
  const suite = useConsoleStack({}, async (stack) => {
    host = `app.${stack.zone}`;
    const domainId = await verifiedDomain(stack, host);
    const billing = await stack.owner.post(`/v1/projects/${stack.projectId}/services`, { name: 'billing', upstreamHost: 'billing.internal', upstreamPort: 9000 });
    if (billing.status !== 201) throw new Error(`billing service: ${billing.status} ${JSON.stringify(billing.body)}`);
    const taken = await stack.owner.post(`/v1/projects/${stack.projectId}/mappings`, { serviceId: billing.body.id, domainId, basePath: '/api' });
    if (taken.status !== 201) throw new Error(`billing mapping: ${taken.status} ${JSON.stringify(taken.body)}`);
  });

  it('adds a service, previews a mapping as it is typed, resolves a conflict with a suggestion, saves, edits and deletes it', async () => {
    const { stack } = suite;
    const { page, context, errors } = await openSignedIn(suite.browser, stack, `/projects/${stack.projectId}/routing`);
    try {
      // A service.
      const services = page.getByTestId('services');
      await services.getByRole('button', { name: 'Add service' }).click();
      await services.getByTestId('service-name').fill('web');
      await services.getByTestId('service-host').fill('web.internal');
      await services.getByTestId('service-port').fill('8080');
      await services.getByTestId('service-save').click();
      const row = services.locator('tr[data-service="web"]');
      await row.waitFor();
      expect(await row.innerText()).toContain('web.internal:8080');
      await dismissToasts(page);
      await screenshot(page, 'routing-services');
      expect(await seriousAxeViolations(page, 'routing-services')).toEqual([]);

      // The mapping editor: the preview follows the typing.
      await page.getByTestId('mapping-new').click();
      const editor = page.getByTestId('mapping-editor');
      await editor.getByTestId('mapping-domain').selectOption({ label: host });
      await editor.getByTestId('mapping-service').selectOption({ label: 'web (web.internal:8080)' });
      await editor.getByTestId('mapping-base-path').fill('/shop');
      const preview = editor.getByTestId('mapping-preview');
      await expect.poll(() => preview.getByTestId('preview-route').innerText().catch(() => ''), POLL).toContain(`https://${host}/shop`);
      expect(await preview.getByTestId('preview-route').innerText()).toContain('http://web.internal:8080/');
      expect(await preview.getByTestId('preview-route').innerText()).toContain('Path /shop is removed before forwarding');
      expect(await preview.getByTestId('preview-example').innerText()).toContain(`https://${host}/shop/example?q=1`);
      expect(await preview.getByTestId('mapping-free').innerText()).toContain(`${host}/shop is free`);
      await preview.scrollIntoViewIfNeeded();
      await dismissToasts(page);
      await screenshot(page, 'routing-mapping-editor');
      expect(await seriousAxeViolations(page, 'routing-mapping-editor')).toEqual([]);

      // A taken path: who holds it, and free alternatives; a click fills the field.
      await editor.getByTestId('mapping-base-path').fill('/api');
      const conflict = preview.getByTestId('mapping-conflict');
      await conflict.waitFor();
      expect(await conflict.innerText()).toContain(`${host}/api is already routed to the service billing`);
      await conflict.scrollIntoViewIfNeeded();
      await dismissToasts(page);
      await screenshot(page, 'routing-conflict');
      expect(await seriousAxeViolations(page, 'routing-conflict')).toEqual([]);
      await conflict.getByRole('button', { name: '/v1', exact: true }).click();
      expect(await editor.getByTestId('mapping-base-path').inputValue()).toBe('/v1');
      await expect.poll(() => preview.getByTestId('mapping-free').innerText().catch(() => ''), POLL).toContain(`${host}/v1 is free`);

      // Save: listed under its host.
      await editor.getByTestId('mapping-save').click();
      const group = page.getByTestId('mapping-list').locator(`section[data-host="${host}"]`);
      const saved = group.locator(`tr[data-mapping="${host}/v1"]`);
      await saved.waitFor();
      expect(await saved.innerText()).toContain('web');
      expect(await saved.innerText()).toContain('HTTPS only');
      expect(await group.locator('tr[data-mapping]').count()).toBe(2);

      // Edit the protocol mode to redirect HTTP → HTTPS.
      await saved.getByRole('button', { name: `Edit mapping ${host}/v1` }).click();
      const edit = page.getByTestId('mapping-edit');
      await edit.getByRole('radio', { name: 'Redirect HTTP → HTTPS' }).check();
      await edit.getByTestId('mapping-save').click();
      await expect.poll(() => saved.innerText().catch(() => ''), POLL).toContain('Redirect HTTP → HTTPS');
      const listed = (await stack.owner.get(`/v1/projects/${stack.projectId}/mappings`)).body.data as Array<{ basePath: string; protocol: string; redirectStatus: number }>;
      expect(listed.find((m) => m.basePath === '/v1')).toMatchObject({ protocol: 'redirect-to-https', redirectStatus: 308 });

      // Delete it.
      await saved.getByRole('button', { name: `Delete mapping ${host}/v1` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await expect.poll(() => group.locator('tr[data-mapping]').count(), POLL).toBe(1);
      expect(((await stack.owner.get(`/v1/projects/${stack.projectId}/mappings`)).body.data as unknown[]).length).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a project member the routing and settings read-only', async () => {
    const { stack } = suite;
    const member = await createMember(stack.portico, stack.organizationId, { role: 'project_member', projectId: stack.projectId });
    const { page, context, errors } = await openSignedIn(suite.browser, stack, `/projects/${stack.projectId}/routing`, member);
    try {
      const services = page.getByTestId('services');
      await services.locator('tr[data-service="billing"]').waitFor();
      expect(await services.getByRole('button').count()).toBe(0);
      expect(await page.getByTestId('mapping-new').count()).toBe(0);
      expect(await page.getByTestId('mapping-list').getByRole('button').count()).toBe(0);
      expect(await page.getByText('changing it needs the project admin role').count()).toBe(1);

      await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Domains' }).click();
      await page.getByTestId('project-domains').locator(`tr[data-hostname="${host}"]`).waitFor();
      expect(await page.getByRole('button', { name: 'Assign domains' }).count()).toBe(0);

      await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Settings' }).click();
      expect(await page.getByTestId('settings-name').isDisabled()).toBe(true);
      expect(await page.getByTestId('project-delete').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
