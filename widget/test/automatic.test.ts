import { describe, expect, it } from 'vitest';
import { browserSkipReason, screenshot, seriousAxeViolations } from './browser.ts';
import { enterDomain, heading, openWidget, useWidgetStack, widgetText } from './journey.ts';
import { MEMORY_TOKEN } from './stack.ts';

// Automatic setup with the in-memory DNS provider: the customer pastes an API token of their DNS provider into
// the widget (stored for this customer only), Portico writes the records, sees them in DNS and verifies the
// domain. A token the provider refuses, and records of someone else in the way, are explained on the spot.
const skip = browserSkipReason();
const ZONE = 'auto.test';
const PROVIDER = 'In-memory (reference)';

describe.skipIf(skip !== null)('automatic setup through a DNS provider’s API', () => {
  const suite = useWidgetStack({ zone: ZONE });

  it('asks for the provider’s token with the exact permissions, says so when the provider refuses it, then sets the domain up', async () => {
    const hostname = `shop.${ZONE}`;
    const { page, context } = await openWidget(suite.browser, suite.stack);
    try {
      await enterDomain(page, hostname);
      await heading(page, `Connect ${hostname}`).waitFor();
      await page.getByRole('button', { name: 'Connect automatically' }).click();

      await heading(page, `Connect ${PROVIDER}`).waitFor();
      expect(await widgetText(page)).toContain('The token needs exactly:');
      const token = page.locator('portico-connect').getByLabel(/token/i);
      expect(await token.getAttribute('type')).toBe('password');
      await screenshot(page, 'automatic-credential');
      expect(await seriousAxeViolations(page, 'automatic-credential (light)')).toEqual([]);

      await token.fill('not-the-token');
      await page.getByRole('button', { name: `Connect ${PROVIDER}` }).click();
      await page.locator('portico-connect').getByText(`${PROVIDER} refused this token`, { exact: false }).waitFor();
      // Nothing was stored, no domain was added, and the field is still there to correct.
      expect((await suite.stack.owner.get(`/v1/projects/${suite.stack.projectId}/dns-credentials`)).body.data).toEqual([]);
      expect(await suite.stack.domainByHostname(hostname)).toBeUndefined();
      await screenshot(page, 'automatic-credential-refused');
      expect(await seriousAxeViolations(page, 'automatic-credential refused (light)')).toEqual([]);

      await token.fill(MEMORY_TOKEN);
      await page.getByRole('button', { name: `Connect ${PROVIDER}` }).click();
      await heading(page, 'Verified — main will finish connecting it').waitFor();
      expect(suite.stack.zones().get(hostname, 'CNAME')?.values).toEqual(['edge.portico.test']);
      expect((await suite.stack.domainByHostname(hostname))?.status).toBe('verified');
      // Stored for this customer (the SaaS team sees it; the token never leaves Portico again).
      const stored = (await suite.stack.owner.get(`/v1/projects/${suite.stack.projectId}/dns-credentials`)).body.data as Array<{ provider: string }>;
      expect(stored.map((c) => c.provider)).toEqual(['memory']);
      expect(JSON.stringify(stored)).not.toContain(MEMORY_TOKEN);
    } finally {
      await context.close();
    }
  });

  it('shows records of someone else in the way and replaces them only when asked', async () => {
    const hostname = `blog.${ZONE}`;
    suite.stack.zones().apply({ zone: ZONE, upsert: [{ name: hostname, type: 'CNAME', ttl: 300, values: ['old-blog.hosting.example'] }], remove: [] });
    // The customer's credential is stored already (as after the first journey): no token is asked for again.
    const stored = (await suite.stack.owner.get(`/v1/projects/${suite.stack.projectId}/dns-credentials`)).body.data as unknown[];
    if (stored.length === 0) await suite.stack.storeCustomerCredential({ provider: 'memory', credentials: { token: MEMORY_TOKEN } });
    const { page, context } = await openWidget(suite.browser, suite.stack);
    try {
      await enterDomain(page, hostname);
      await heading(page, `Connect ${hostname}`).waitFor();
      await page.getByRole('button', { name: 'Connect automatically' }).click();
      await heading(page, 'Some records are in the way').waitFor();
      const text = await widgetText(page);
      expect(text).toContain('old-blog.hosting.example');
      expect(text).toContain('CNAME');
      await screenshot(page, 'conflict');
      expect(await seriousAxeViolations(page, 'conflict (light)')).toEqual([]);
      // Nothing is touched before the customer agrees.
      expect(suite.stack.zones().get(hostname, 'CNAME')?.values).toEqual(['old-blog.hosting.example']);

      await page.getByRole('button', { name: 'Replace these records' }).click();
      await heading(page, 'Verified — main will finish connecting it').waitFor();
      expect(suite.stack.zones().get(hostname, 'CNAME')?.values).toEqual(['edge.portico.test']);
    } finally {
      await context.close();
    }
  });
});
