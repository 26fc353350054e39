import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createOrganizationWithUser, sessionCaller } from '../../core/server/test/factories.ts';
import { signIn } from '../../core/server/test/helpers.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { MEMORY_TOKEN, openSignedIn, useConsoleStack, type ConsoleStack } from './stack.ts';

const skip = browserSkipReason();

/** "Verify now" spacing for the journey: a second press is refused with a short countdown (15 s), not a minute. */
const VERIFY_PER_MINUTE = 4;

async function addDomain(stack: ConsoleStack): Promise<{ id: string; hostname: string }> {
  const hostname = `detail-${randomBytes(4).toString('hex')}.${stack.zone}`;
  const created = await stack.key.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as string, hostname };
}

/**
 * Publishes the routing records the domain needs besides its ownership record (the records check expects both;
 * `publishInstructions` writes the verification instructions only).
 */
async function publishRouting(stack: ConsoleStack, domainId: string): Promise<void> {
  const diff = (await stack.owner.get(`/v1/domains/${domainId}/dns-diff`)).body as { records: Array<{ name: string; type: 'A' | 'AAAA' | 'CNAME' | 'TXT'; ttl: number; desired: string[] }> };
  const routing = diff.records.filter((r) => r.type !== 'TXT').map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, values: r.desired }));
  stack.zones().apply({ zone: stack.zone, upsert: routing, remove: [] });
}

/** Closes the messages in the corner (live events announce the verification) so a screenshot shows the page. */
async function dismissToasts(page: Page): Promise<void> {
  const close = page.getByRole('region', { name: 'Messages' }).getByRole('button', { name: 'Close' });
  while ((await close.count()) > 0) await close.first().click();
}

describe.skipIf(skip)('domain detail', () => {
  const suite = useConsoleStack({}, async (stack) => {
    const patched = await stack.owner.patch(`/v1/organizations/${stack.organizationId}/settings`, { verificationRateLimitPerMinute: VERIFY_PER_MINUTE });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  });

  it('guides a domain from pending to verified, live, and deletes it with the typed hostname', async () => {
    const { id, hostname } = await addDomain(suite.stack);
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, `/domains/${id}`, undefined, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      const status = page.getByTestId('domain-status');
      await page.getByRole('heading', { level: 1, name: hostname }).waitFor();
      await expect.poll(() => status.textContent(), POLL).toContain('Pending');

      // The records to create, with the host as a DNS panel wants it and a copy button per field.
      const instructions = page.getByTestId('instructions');
      const txt = instructions.locator('tr[data-type="TXT"]');
      const expectedHost = `_portico-challenge.${hostname.slice(0, -(suite.stack.zone.length + 1))}`;
      await expect.poll(() => txt.getByTestId('record-host').textContent(), POLL).toBe(expectedHost);
      const txtValue = (await txt.getByTestId('record-value').textContent())!;
      expect(txtValue).toMatch(/^portico-verification=/);
      // The routing record (from the records check) is listed beside the ownership record.
      const label = hostname.slice(0, -(suite.stack.zone.length + 1));
      await expect.poll(() => instructions.locator('tr[data-type="CNAME"]').getByTestId('record-host').textContent(), POLL).toBe(label);
      const copy = txt.getByRole('button', { name: 'Copy: value of the TXT record' });
      await copy.click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), POLL).toBe(txtValue);
      // The button says "Copied" for a moment while its accessible name still says "Copy" (axe flags the mismatch).
      await expect.poll(() => copy.textContent(), POLL).toMatch(/^\s*Copy\s*$/);

      await screenshot(page, 'domain-detail-pending', { fullPage: true });
      expect(await seriousAxeViolations(page, 'domain-detail-pending')).toEqual([]);

      // On a phone the page's content does not overflow its column (tables scroll in their own frame).
      await page.setViewportSize({ width: 375, height: 800 });
      const overflow = () => page.locator('section.domain-detail').evaluate((section) => Array.from(section.querySelectorAll('*')).filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > section.getBoundingClientRect().right + 1).length);
      await expect.poll(overflow, POLL).toBe(0);
      await page.setViewportSize({ width: 1280, height: 860 });

      // Verify now without the records: the check fails (and is retried later).
      const verify = page.getByTestId('verify-now');
      await verify.click();
      await expect.poll(() => status.textContent(), POLL).toContain('Failed (will retry)');

      // Asked again at once: the server refuses with Retry-After and the button counts down.
      await verify.click();
      await page.getByTestId('verify-countdown').waitFor();
      expect(await verify.isDisabled()).toBe(true);
      expect(await verify.textContent()).toMatch(/Verify now \(\d+ s\)/);

      // The customer publishes the records; once the countdown ends, verify now proves control, live.
      await suite.stack.publishInstructions(id);
      await publishRouting(suite.stack, id);
      await expect.poll(() => verify.isEnabled(), { ...POLL, timeout: 60_000 / VERIFY_PER_MINUTE + POLL.timeout }).toBe(true);
      await verify.click();
      await expect.poll(() => status.textContent(), POLL).toContain('Verified');
      await dismissToasts(page);
      await screenshot(page, 'domain-detail-verified', { fullPage: true });
      expect(await seriousAxeViolations(page, 'domain-detail-verified')).toEqual([]);

      // The records check shows every record in place at the authoritative servers.
      const diff = page.getByTestId('dns-diff');
      await expect.poll(() => diff.getByTestId('diff-summary').textContent(), POLL).toContain('All records are in place.');
      const rows = diff.getByTestId('diff-row');
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-status')))).toEqual(Array(await rows.count()).fill('ok'));
      await dismissToasts(page);
      await diff.evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'domain-detail-diff');
      expect(await seriousAxeViolations(page, 'domain-detail-diff')).toEqual([]);

      // The history lists the transitions, newest first.
      const reasons = () => page.getByTestId('timeline-event').evaluateAll((list) => list.map((item) => item.getAttribute('data-reason')));
      await expect.poll(reasons, POLL).toContain('verified');
      const history = await reasons();
      expect(history[0]).toBe('verified');
      expect(history.at(-1)).toBe('created');
      expect(history).toContain('record_missing');

      // Delete: the dialog shows the usage and wants the hostname typed.
      await page.getByTestId('delete-domain').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('No project uses this domain.').waitFor();
      const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
      expect(await confirm.isDisabled()).toBe(true);
      await dialog.getByTestId('confirm-input').fill(hostname);
      await screenshot(page, 'domain-detail-delete');
      expect(await seriousAxeViolations(page, 'domain-detail-delete')).toEqual([]);
      await confirm.click();
      await expect.poll(() => new URL(page.url()).pathname, POLL).toBe('/domains');
      await page.getByText(`${hostname} was deleted.`).waitFor();
      expect((await suite.stack.owner.get(`/v1/domains/${id}`)).status).toBe(404);

      // The browser logs the refused "verify now" (429), which the journey asked for; nothing else may fail.
      expect(errors.filter((e) => !e.includes('status of 429'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('previews automatic setup, replaces a record in the way only when asked, and sets the domain up', async () => {
    const { stack } = suite;
    const credential = await stack.owner.post(`/v1/projects/${stack.projectId}/dns-credentials`, { provider: 'memory', label: 'Memory DNS', credentials: { token: MEMORY_TOKEN } });
    expect(credential.status, JSON.stringify(credential.body)).toBe(201);
    const hostname = `auto-${randomBytes(4).toString('hex')}.${stack.zone}`;
    // A record Portico did not write stands where the routing record goes.
    stack.zones().apply({ zone: stack.zone, upsert: [{ name: hostname, type: 'CNAME', ttl: 300, values: ['old.example.net'] }], remove: [] });
    const created = await stack.key.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname, projectId: stack.projectId });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const { page, context, errors } = await openSignedIn(suite.browser, stack, `/domains/${created.body.id as string}`);
    try {
      const panel = page.getByTestId('dns-plan');
      await expect.poll(() => panel.getByLabel('Credential').inputValue(), POLL).toBe(credential.body.id);
      await panel.getByRole('button', { name: 'Preview changes' }).click();
      const apply = panel.getByTestId('plan-apply');
      await panel.locator('tr[data-action="conflict"]').waitFor();
      await panel.getByText('a record Portico did not create').waitFor();
      expect(await apply.isDisabled()).toBe(true);

      await panel.getByLabel('Replace records Portico did not create').check();
      await panel.getByRole('button', { name: 'Preview changes' }).click();
      await panel.locator('tr[data-action="update"]').waitFor();
      expect(await panel.locator('tr[data-action="conflict"]').count()).toBe(0);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'domain-detail-plan');
      expect(await seriousAxeViolations(page, 'domain-detail-plan')).toEqual([]);

      await apply.click();
      await expect.poll(() => page.getByTestId('domain-status').textContent(), { ...POLL, timeout: 60_000 }).toContain('Verified');
      expect(stack.zones().get(hostname, 'CNAME')?.values).toEqual(['edge.portico.test']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows another organization's domain as not found, without its id", async () => {
    const other = await createOrganizationWithUser(suite.stack.portico, { role: 'owner' });
    const otherOwner = sessionCaller(await signIn(suite.stack.portico, other.email, other.password));
    const created = await otherOwner.post(`/v1/organizations/${other.organizationId}/domains`, { hostname: `foreign-${randomBytes(3).toString('hex')}.${suite.stack.zone}` });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const foreignId = created.body.id as string;

    const { page, context } = await openSignedIn(suite.browser, suite.stack, `/domains/${foreignId}`);
    try {
      await page.locator('[data-state="not-found"]').waitFor();
      expect(await page.locator('main').textContent()).not.toContain(foreignId);
      expect(await page.locator('main').textContent()).not.toContain(created.body.hostname as string);
      await page.getByRole('link', { name: 'All domains' }).waitFor();
      await screenshot(page, 'domain-detail-not-found');
      expect(await seriousAxeViolations(page, 'domain-detail-not-found')).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
