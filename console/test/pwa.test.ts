import { describe, expect, it } from 'vitest';
import { browserSkipReason, openPage, POLL, screenshot } from './browser.ts';
import { openSignedIn, useConsoleStack, waitForApp } from './stack.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('the console as an installable app', () => {
  const suite = useConsoleStack();

  it('has a manifest with icons, a service worker in control, and Chromium finds nothing that stops an install', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains');
    try {
      const manifest = (await (await context.request.get(`${suite.stack.url}/manifest.webmanifest`)).json()) as { name: string; start_url: string; display: string; icons: Array<{ src: string; sizes: string }> };
      expect(manifest).toMatchObject({ name: 'Portico', start_url: '/domains', display: 'standalone' });
      for (const icon of manifest.icons) expect((await context.request.get(`${suite.stack.url}${icon.src}`)).status(), icon.src).toBe(200);
      expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      await waitForApp(page);
      await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), POLL).toBe(true);

      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> };
      // Playwright's browser contexts are incognito profiles, where Chromium never offers an install; that is the
      // only reason allowed here.
      expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens its shell offline, says it is offline, and never serves API answers from the cache', async () => {
    const { page, context } = await openPage(suite.browser, { viewport: { width: 1100, height: 760 } });
    try {
      await page.goto(`${suite.stack.url}/sign-in`);
      await waitForApp(page);
      await page.evaluate(() => navigator.serviceWorker.ready);
      await context.setOffline(true);
      await page.goto(`${suite.stack.url}/sign-in`);
      await waitForApp(page);
      await page.getByText('You are offline').waitFor();
      await screenshot(page, 'pwa-offline');
      const cached = await page.evaluate(async () => {
        const names = await caches.keys();
        const urls: string[] = [];
        for (const name of names) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        return urls;
      });
      expect(cached).toContain('/');
      expect(cached.filter((path) => path.startsWith('/v1/'))).toEqual([]);
    } finally {
      await context.setOffline(false);
      await context.close();
    }
  });
});
