import { generateKeyPairSync } from 'node:crypto';
import { getMemoryDnsInstance } from '@portico/dns-memory';
import { loadShippedTemplate, publicKeyRecords } from '@portico/dns-domainconnect';
import { settingsFor, startFakeProvider, type FakeProvider } from '@portico/dns-domainconnect/testing';
import { createDnsLookup } from '@portico/kernel';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, POLL, printAxeLog, screenshot, seriousAxeViolations } from './browser.ts';
import { enterDomain, heading, openWidget, waitForText } from './journey.ts';
import { startWidgetStack, type WidgetStack } from './stack.ts';

// Automatic setup by Domain Connect: the customer's DNS provider (a fake written from the spec, on loopback)
// asks the customer to agree in a window of its own. The widget opens that window from the click, waits, and
// carries on once DNS shows the records; the agreement itself is never taken as proof.
const skip = browserSkipReason();
const ZONE = 'customer.test';
const SECRET_ENV = 'PORTICO_SECRET_DOMAINCONNECT_KEY';

describe.skipIf(skip !== null)('automatic setup by Domain Connect consent', () => {
  let stack: WidgetStack;
  let browser: Browser;
  let provider: FakeProvider;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

  beforeAll(async () => {
    provider = await startFakeProvider();
    provider.supported.add('portico/customdomain');
    provider.zones.set(ZONE, settingsFor(provider));
    const published = publicKeyRecords(keys.publicKey, '_dcpubkeyv1', 'portico.example');
    process.env[SECRET_ENV] = keys.privateKey;
    [stack, browser] = await Promise.all([
      startWidgetStack({
        zone: ZONE,
        zones: [{ name: 'portico.example', records: [{ name: published[0].name, type: 'TXT', values: published.map((r) => r.value) }] }],
        records: [{ name: `_domainconnect.${ZONE}`, type: 'TXT', ttl: 300, values: [provider.host] }],
        plugins: [{ package: '@portico/dns-domainconnect', options: { providerId: 'portico', serviceId: 'customdomain', privateKeySecret: 'domainconnect-key', settingsScheme: 'http', allowPrivateAddresses: true } }],
      }),
      launchBrowser(),
    ]);
    const dns = getMemoryDnsInstance()!;
    provider.consent = {
      dns: createDnsLookup({ servers: [`127.0.0.1:${dns.address!.port}`], timeoutMs: 1000, tries: 1 }),
      template: loadShippedTemplate('portico', 'customdomain'),
      write: (zone, records) => dns.zones.apply({ zone, upsert: records, remove: [] }),
    };
  });
  afterAll(async () => {
    printAxeLog();
    delete process.env[SECRET_ENV];
    await browser?.close();
    await stack?.stop();
    await provider?.close();
  });

  it('opens the provider’s consent window from the click, waits, and goes on to verified once DNS shows the records', async () => {
    const hostname = `shop.${ZONE}`;
    const { page, context } = await openWidget(browser, stack);
    try {
      // Hold the provider's page until the widget's waiting screen has been looked at.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await context.route('**/sync/v2/domainTemplates/**', async (route) => {
        await held;
        await route.continue();
      });

      await enterDomain(page, hostname);
      await waitForText(page, 'Your DNS is hosted at Fake DNS.');
      const popup = context.waitForEvent('page');
      await page.getByRole('button', { name: 'Connect automatically' }).click();
      const consentWindow = await popup;

      await heading(page, 'Approve the change at Fake DNS').waitFor();
      await screenshot(page, 'consent');
      expect(await seriousAxeViolations(page, 'consent (light)')).toEqual([]);
      expect(stack.zones().get(hostname, 'CNAME')).toBeUndefined();

      // The customer agrees at the provider; the provider writes the records.
      release();
      await expect.poll(() => consentWindow.url(), POLL).toMatch(/\/sync\/v2\/domainTemplates\/providers\/portico\/services\/customdomain\/apply\?domain=customer\.test&host=shop&/);
      await heading(page, 'Verified — main will finish connecting it').waitFor();
      expect(stack.zones().get(hostname, 'CNAME')?.values).toEqual(['edge.portico.test']);
    } finally {
      await context.close();
    }
  });
});
