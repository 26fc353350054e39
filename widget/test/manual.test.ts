import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { waitFor } from '../../core/server/test/helpers.ts';
import { announcements, fastestVerifyPace, heading, hostEvents, openWidget, recordAnnouncements, useWidgetStack, waitForDomain, waitForText, widgetText } from './journey.ts';

// Manual setup and progress: the customer copies the records from the widget into their DNS panel (here: the test
// writes them into the in-memory zone Portico's DNS checks read), says "I have added them", and watches the steps
// advance without a reload until the domain is verified. The project has no default service, so the journey ends
// honestly at "verified": the SaaS finishes connecting it.
const skip = browserSkipReason();
const ZONE = 'manual.test';

describe.skipIf(skip !== null)('manual setup, then progress up to verified', () => {
  // The organization's fastest "verify now" pace: the journey asks twice within a minute.
  const suite = useWidgetStack({ zone: ZONE }, fastestVerifyPace);

  it('shows the records with copy buttons, checks when told, and advances to verified without a reload', async () => {
    const hostname = `shop.${ZONE}`;
    const { page, context } = await openWidget(suite.browser, suite.stack, { domain: hostname }, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      // The suggested domain is filled in.
      await expect.poll(() => page.getByRole('textbox', { name: 'Your domain' }).inputValue(), POLL).toBe(hostname);
      await page.getByRole('button', { name: 'Continue' }).click();

      await heading(page, `Connect ${hostname}`).waitFor();
      expect(await widgetText(page)).toContain('Your DNS is hosted at In-memory (reference).');
      await screenshot(page, 'detected');
      expect(await seriousAxeViolations(page, 'detected (light)')).toEqual([]);

      await page.getByRole('button', { name: 'Set it up myself' }).click();
      await heading(page, 'Add these records').waitFor();
      const domain = await waitForDomain(suite.stack, hostname);
      const table = page.locator('portico-connect').getByRole('table');
      await table.first().waitFor();
      const text = await widgetText(page);
      const owner = (await suite.stack.owner.get(`/v1/domains/${domain.id}`)).body as { instructions: Array<{ name: string; type: string; value: string }> };
      const challenge = owner.instructions.find((r) => r.type === 'TXT')!;
      // Host relative to the zone, as DNS panels want it; the full name too; the exact value.
      expect(text).toContain(challenge.name.slice(0, -(ZONE.length + 1)));
      expect(text).toContain(challenge.name);
      expect(text).toContain(challenge.value);

      await page.getByRole('button', { name: 'Copy value of TXT record' }).first().click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), POLL).toBe(challenge.value);
      await page.locator('portico-connect').getByText('Copied').first().waitFor();
      await screenshot(page, 'manual');
      expect(await seriousAxeViolations(page, 'manual (light)')).toEqual([]);

      // Too quick: "I have added them" before the records are there. Portico looks, finds nothing yet, and the
      // widget waits honestly at the first step.
      await page.getByRole('button', { name: 'I have added them' }).click();
      await heading(page, `Connecting ${hostname}`).waitFor();
      await waitFor(
        () => suite.stack.domainByHostname(hostname),
        (d) => d?.status === 'failed_temporary',
        150,
      );
      await expect.poll(() => page.locator('portico-connect').getByRole('listitem').first().getAttribute('data-state'), POLL).toBe('current');
      await waitForText(page, 'DNS changes can take a few minutes to show.');
      await screenshot(page, 'progress');
      expect(await seriousAxeViolations(page, 'progress (light)')).toEqual([]);

      // The customer adds the records at their DNS provider, comes back and says so again.
      await suite.stack.publishInstructions(hostname);
      await recordAnnouncements(page);
      await page.getByRole('button', { name: 'Show the records again' }).click();
      await heading(page, 'Add these records').waitFor();
      await page.getByRole('button', { name: 'I have added them' }).click();
      await heading(page, 'Verified — main will finish connecting it').waitFor();
      expect((await suite.stack.domainByHostname(hostname))?.status).toBe('verified');
      expect(await widgetText(page)).toContain(hostname);
      await screenshot(page, 'verified');
      expect(await seriousAxeViolations(page, 'verified (light)')).toEqual([]);
      expect(await announcements(page)).toContain('Ownership verified done.');
      // The domain carries the SaaS's reference for this customer.
      expect((await suite.stack.domainByHostname(hostname))?.customerRef).toBe('customer-1');
      expect((await hostEvents(page)).filter((e) => e.type === 'portico:error')).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('can be completed with the keyboard alone (Tab, Enter, Space)', async () => {
    const hostname = `keys.${ZONE}`;
    const { page, context } = await openWidget(suite.browser, suite.stack);
    try {
      const input = page.getByRole('textbox', { name: 'Your domain' });
      await input.waitFor();
      // Tab from the top of the page until the widget's input has focus.
      const focused = () => input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement);
      for (let i = 0; i < 10 && !(await focused()); i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(true);
      await page.keyboard.type(hostname);
      await page.keyboard.press('Enter');
      await heading(page, `Connect ${hostname}`).waitFor();
      // Focus moved to the new screen's heading, so a screen reader reads where one is.
      await expect.poll(() => page.locator('portico-connect').evaluate((el) => el.shadowRoot?.activeElement?.textContent?.trim()), POLL).toBe(`Connect ${hostname}`);

      const pressOn = async (name: string, key: 'Enter' | 'Space') => {
        const button = page.getByRole('button', { name });
        await button.waitFor();
        const isFocused = () => button.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement);
        for (let i = 0; i < 40 && !(await isFocused()); i++) await page.keyboard.press('Tab');
        expect(await isFocused(), `focus reaches "${name}" by Tab`).toBe(true);
        await page.keyboard.press(key);
      };
      await pressOn('Set it up myself', 'Space');
      await heading(page, 'Add these records').waitFor();
      await suite.stack.publishInstructions(hostname);
      await pressOn('I have added them', 'Enter');
      await heading(page, 'Verified — main will finish connecting it').waitFor();
    } finally {
      await context.close();
    }
  });

  it('reads well in the dark theme and in German (axe on each, screenshots)', async () => {
    const dark = await openWidget(suite.browser, suite.stack, { theme: 'dark', domain: `dark.${ZONE}` }, { colorScheme: 'dark' });
    try {
      await dark.page.getByRole('textbox', { name: 'Your domain' }).waitFor();
      await screenshot(dark.page, 'dark');
      expect(await seriousAxeViolations(dark.page, 'enter (dark)')).toEqual([]);
      await dark.page.getByRole('button', { name: 'Continue' }).click();
      await heading(dark.page, `Connect dark.${ZONE}`).waitFor();
      expect(await seriousAxeViolations(dark.page, 'detected (dark)')).toEqual([]);
      await dark.page.getByRole('button', { name: 'Set it up myself' }).click();
      await heading(dark.page, 'Add these records').waitFor();
      await screenshot(dark.page, 'dark-manual');
      expect(await seriousAxeViolations(dark.page, 'manual (dark)')).toEqual([]);
    } finally {
      await dark.context.close();
    }

    const de = await openWidget(suite.browser, suite.stack, { locale: 'de', domain: `laden.${ZONE}` }, { locale: 'de-DE' });
    try {
      await de.page.locator('portico-connect').getByRole('textbox').waitFor();
      await screenshot(de.page, 'de');
      expect(await seriousAxeViolations(de.page, 'enter (de)')).toEqual([]);
      // Not the English catalogue: the heading is German.
      expect(await widgetText(de.page)).not.toContain('Connect your domain');
    } finally {
      await de.context.close();
    }
  });
});
