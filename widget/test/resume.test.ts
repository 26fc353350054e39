import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { enterDomain, heading, hostEvents, openManualSetup, openWidget, useWidgetStack, waitForDomain, waitForText } from './journey.ts';

// Not losing one's place: closing mid-flow asks first, a reload or a later visit resumes the domain, and an
// expired token pauses the widget (overlay + event) until the page hands in a fresh one, then the same step goes on.
const skip = browserSkipReason();
const ZONE = 'resume.test';

describe.skipIf(skip !== null)('not losing one’s place', () => {
  const suite = useWidgetStack({ zone: ZONE });

  it('asks before closing mid-flow (Escape keeps going), tells the page, and resumes the domain after a reload', async () => {
    const hostname = `shop.${ZONE}`;
    const { page, context, domain } = await openManualSetup(suite.browser, suite.stack, hostname);
    try {

      await page.getByRole('button', { name: 'Close' }).click();
      const dialog = page.getByRole('dialog', { name: `Stop connecting ${hostname}?` });
      await dialog.waitFor();
      await screenshot(page, 'confirm-close');
      expect(await seriousAxeViolations(page, 'confirm-close (light)')).toEqual([]);
      // Focus starts on the safe choice; Escape cancels and nothing is lost.
      expect(await page.getByRole('button', { name: 'Keep going' }).evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
      // Tab stays inside the dialog.
      const focusedText = () => page.locator('portico-connect').evaluate((el) => el.shadowRoot?.activeElement?.textContent?.trim());
      await page.keyboard.press('Tab');
      expect(await focusedText()).toBe('Stop');
      await page.keyboard.press('Tab');
      expect(await focusedText()).toBe('Keep going');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await heading(page, 'Add these records').waitFor();
      expect((await hostEvents(page)).map((e) => e.type)).not.toContain('portico:close');

      await page.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect.poll(async () => (await hostEvents(page)).find((e) => e.type === 'portico:close')?.detail, POLL).toEqual({ domainId: domain.id, status: 'pending' });

      // Coming back later (same browser): the widget picks the domain up where it was.
      await page.reload();
      await heading(page, 'Add these records').waitFor();
      await waitForText(page, hostname);
    } finally {
      await context.close();
    }
  });

  it('resumes the domain named by the domain-id attribute, in a browser that never saw it', async () => {
    const domain = await waitForDomain(suite.stack, `shop.${ZONE}`);
    const { page, context } = await openWidget(suite.browser, suite.stack, { domainId: domain.id });
    try {
      await heading(page, 'Add these records').waitFor();
      await waitForText(page, `shop.${ZONE}`);
    } finally {
      await context.close();
    }
  });

  it('pauses on an expired token, tells the page, and carries on with the fresh token it hands in', async () => {
    const hostname = `late.${ZONE}`;
    const { page, context } = await openWidget(suite.browser, suite.stack, { manualToken: true });
    try {
      await enterDomain(page, hostname);
      await page.getByRole('button', { name: 'Set it up myself' }).click();
      await heading(page, 'Add these records').waitFor();
      const domain = await waitForDomain(suite.stack, hostname);
      await suite.stack.publishInstructions(hostname);

      await suite.stack.expireTokens();
      await page.getByRole('button', { name: 'I have added them' }).click();
      await page.getByRole('alertdialog', { name: 'Your session expired' }).waitFor();
      await expect.poll(async () => (await hostEvents(page)).filter((e) => e.type === 'portico:token-expired').map((e) => e.detail), POLL).toEqual([{ domainId: domain.id }]);
      await screenshot(page, 'expired');
      expect(await seriousAxeViolations(page, 'expired (light)')).toEqual([]);
      // Nothing was sent with the dead token.
      expect((await suite.stack.domainByHostname(hostname))?.status).toBe('pending');

      await page.evaluate(() => (window as unknown as { porticoHandToken: () => Promise<void> }).porticoHandToken());
      await page.getByRole('alertdialog').waitFor({ state: 'detached' });
      // The check that waited for the token was sent: the domain goes on to verified.
      await heading(page, 'Verified — main will finish connecting it').waitFor();
    } finally {
      await context.close();
    }
  });
});
