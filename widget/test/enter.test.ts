import { describe, expect, it } from 'vitest';
import { browserSkipReason, screenshot, seriousAxeViolations } from './browser.ts';
import { enterDomain, heading, openWidget, useWidgetStack, waitForText } from './journey.ts';

// Entering a domain: what the customer typed is checked by the API, shown back as people read it (Unicode for
// an IDN), with the DNS provider detected; anything that cannot go on is said in plain words, and what was typed
// stays in the field.
const skip = browserSkipReason();
const ZONE = 'enter.test';

describe.skipIf(skip !== null)('entering a domain', () => {
  const suite = useWidgetStack({ zone: ZONE });

  it('says why a name is not a domain, and keeps what was typed', async () => {
    const { page, context } = await openWidget(suite.browser, suite.stack);
    try {
      await enterDomain(page, 'not a domain!');
      await waitForText(page, '“not a domain!” is not a domain name we can connect.');
      expect(await page.getByRole('textbox', { name: 'Your domain' }).inputValue()).toBe('not a domain!');
      await screenshot(page, 'enter-invalid');
      expect(await seriousAxeViolations(page, 'enter invalid (light)')).toEqual([]);

      await enterDomain(page, '');
      await waitForText(page, 'Enter a domain, for example shop.example.com.');
    } finally {
      await context.close();
    }
  });

  it('shows an internationalized name in Unicode and names the detected DNS provider', async () => {
    const { page, context } = await openWidget(suite.browser, suite.stack);
    try {
      await enterDomain(page, `Bücher.${ZONE}`);
      await heading(page, `Connect bücher.${ZONE}`).waitFor();
      const text = await waitForText(page, 'Your DNS is hosted at In-memory (reference).');
      expect(text).not.toContain('xn--');
      // Both ways on offer: the provider has an API, and doing it oneself is always possible.
      await page.getByRole('button', { name: 'Connect automatically' }).waitFor();
      await page.getByRole('button', { name: 'Set it up myself' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('refuses, in words, a name outside the token’s limit and a name another customer connected', async () => {
    const taken = `taken.${ZONE}`;
    const added = await suite.stack.key.post(`/v1/organizations/${suite.stack.organizationId}/domains`, { hostname: taken, projectId: suite.stack.projectId, customerRef: 'someone-else' });
    expect(added.status, JSON.stringify(added.body)).toBe(201);

    const limited = await openWidget(suite.browser, suite.stack, { hostname: `shop.${ZONE}` });
    try {
      await enterDomain(limited.page, `www.${ZONE}`);
      await waitForText(limited.page, `You can only connect shop.${ZONE} here.`);
      expect(await limited.page.getByRole('textbox', { name: 'Your domain' }).inputValue()).toBe(`www.${ZONE}`);
    } finally {
      await limited.context.close();
    }

    const { page, context } = await openWidget(suite.browser, suite.stack);
    try {
      await enterDomain(page, taken);
      await waitForText(page, `${taken} is already connected to another account.`);
      expect(await page.getByRole('textbox', { name: 'Your domain' }).inputValue()).toBe(taken);
    } finally {
      await context.close();
    }
  });

  it('says when the name is in no DNS zone it can find', async () => {
    const { page, context } = await openWidget(suite.browser, suite.stack);
    try {
      await enterDomain(page, 'shop.nowhere.example');
      await waitForText(page, 'We could not find shop.nowhere.example in DNS.');
      expect(await page.getByRole('textbox', { name: 'Your domain' }).inputValue()).toBe('shop.nowhere.example');
    } finally {
      await context.close();
    }
  });
});
