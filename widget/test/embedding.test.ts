import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, openPage, screenshot, seriousAxeViolations } from './browser.ts';
import { useWidgetStack, waitForText } from './journey.ts';

// Embedding: the SaaS's page loads the widget with one script tag (SRI + crossorigin) and hands it a token its
// server asked Portico for. Only origins the project lists may use the token; a script that does not match its
// integrity never runs. Skipped without Chromium or a widget build (the global setup prints why; CI fails instead).
const skip = browserSkipReason();

describe.skipIf(skip !== null)('embedding the widget in a page', () => {
  const suite = useWidgetStack({ zone: 'embed.test' });

  it('loads from one script tag whose integrity holds, and defines <portico-connect>', async () => {
    const { page, errors, context } = await openPage(suite.browser);
    try {
      const script = page.waitForResponse((res) => res.url() === suite.stack.scriptUrl);
      await page.goto(suite.stack.host.url());
      const served = await script;
      expect(served.status()).toBe(200);
      // Portico serves it for any page: immutable under its versioned path, readable cross-origin (SRI needs CORS).
      expect(await served.allHeaders()).toMatchObject({ 'content-type': expect.stringMatching(/^text\/javascript/), 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*' });
      await page.waitForFunction(() => (window as unknown as { porticoReady?: boolean }).porticoReady === true);
      expect(await page.evaluate(() => customElements.get('portico-connect') !== undefined)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('loads the ES module build the same way', async () => {
    const { page, errors, context } = await openPage(suite.browser);
    try {
      await page.goto(suite.stack.host.url({ module: true }));
      await page.getByRole('textbox', { name: 'Your domain' }).waitFor();
      expect(await page.evaluate(() => Array.from(document.scripts).some((s) => s.type === 'module' && s.src.endsWith('/portico-connect.mjs')))).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('never runs a script whose integrity does not match: the element is not defined', async () => {
    const { page, errors, context } = await openPage(suite.browser);
    try {
      await page.goto(suite.stack.host.url({ tamperIntegrity: true }));
      await page.waitForFunction(() => (window as unknown as { porticoReady?: boolean }).porticoReady === true);
      expect(await page.evaluate(() => customElements.get('portico-connect'))).toBeUndefined();
      // Chromium says why on the console: the digest did not match.
      expect(errors.join('\n')).toMatch(/integrity/i);
    } finally {
      await context.close();
    }
  });

  it('shows the first screen on an allowed origin', async () => {
    const { page, context } = await openPage(suite.browser);
    try {
      await page.goto(suite.stack.host.url());
      await expect.poll(() => page.getByRole('textbox', { name: 'Your domain' }).count(), POLL).toBe(1);
      await page.getByRole('button', { name: 'Continue' }).waitFor();
      await screenshot(page, 'enter');
      expect(await seriousAxeViolations(page, 'enter (light)')).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('tells a page on an origin the project does not list that it may not use the widget, naming the origin', async () => {
    const { page, context } = await openPage(suite.browser);
    try {
      await page.goto(suite.stack.refusedHost.url());
      const text = await waitForText(page, 'This page is not allowed to use this widget.');
      expect(text).toContain(suite.stack.refusedHost.origin);
      // Nothing of the journey is offered on a refused origin.
      expect(await page.getByRole('textbox', { name: 'Your domain' }).count()).toBe(0);
      await screenshot(page, 'refused-origin');
      expect(await seriousAxeViolations(page, 'refused-origin')).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
