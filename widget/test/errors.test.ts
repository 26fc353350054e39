import { describe, expect, it } from 'vitest';
import { waitFor } from '../../core/server/test/helpers.ts';
import { browserSkipReason, screenshot, seriousAxeViolations } from './browser.ts';
import { fastestVerifyPace, heading, openManualSetup, useWidgetStack, waitForText } from './journey.ts';

// When verification fails (the customer made a typo in the TXT value), the widget says what Portico saw, takes
// the customer back to the records with the hostname kept and the wrong record named, and checks again when told.
const skip = browserSkipReason();
const ZONE = 'errors.test';

describe.skipIf(skip !== null)('a failed verification', () => {
  // The organization's fastest "verify now" pace, so asking again after fixing the typo does not wait a minute.
  const suite = useWidgetStack({ zone: ZONE }, fastestVerifyPace);

  it('shows what was found, goes back to the records with the wrong one named, and verifies once it is fixed', async () => {
    const hostname = `shop.${ZONE}`;
    const { page, context } = await openManualSetup(suite.browser, suite.stack, hostname);
    try {
      await suite.stack.publishInstructions(hostname, { tamper: true });
      await page.getByRole('button', { name: 'I have added them' }).click();

      // Portico found a TXT record with another value: a definite failure, which the widget names in Portico's words.
      const failed = await waitFor(
        () => suite.stack.domainByHostname(hostname),
        (d) => d?.status !== 'pending' && d?.status !== 'verifying',
        150,
      );
      expect(failed?.status).toBe('failed_permanent');
      expect(failed?.statusMessage).toBeTruthy();
      await heading(page, `We could not verify ${hostname}`).waitFor();
      await waitForText(page, failed!.statusMessage!);
      await page.getByRole('button', { name: 'Try again' }).waitFor();
      await screenshot(page, 'error');
      expect(await seriousAxeViolations(page, 'verification failed (light)')).toEqual([]);

      await page.getByRole('button', { name: 'Set it up myself instead' }).click();
      await heading(page, 'Add these records').waitFor();
      const text = await waitForText(page, 'Records in the way');
      expect(text).toContain('-typo');
      expect(text).toContain(hostname);
      expect(await seriousAxeViolations(page, 'manual with records in the way (light)')).toEqual([]);

      await suite.stack.publishInstructions(hostname);
      await page.getByRole('button', { name: 'I have added them' }).click();
      await heading(page, 'Verified — main will finish connecting it').waitFor();
    } finally {
      await context.close();
    }
  });
});
