import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { MEMORY_TOKEN, openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('DNS providers grid', () => {
  const suite = useConsoleStack();

  it('shows the enabled in-memory provider as automatic and well-known providers as manual, filtered and searched', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/providers');
    try {
      await page.getByRole('heading', { level: 1, name: 'DNS providers' }).waitFor();
      const memory = page.locator('[data-provider="memory"]');
      await memory.waitFor();
      expect(await memory.getAttribute('data-setup')).toBe('api');
      await expect.poll(() => memory.textContent(), POLL).toContain('Automatic (API)');
      expect(await memory.textContent()).toContain('None: the reference provider lives in the Portico process');
      expect(await memory.locator('code', { hasText: 'token' }).count()).toBe(1);

      const cloudflare = page.locator('[data-provider="cloudflare"]');
      expect(await cloudflare.getAttribute('data-setup')).toBe('manual');
      expect(await cloudflare.textContent()).toContain('Manual');
      await screenshot(page, 'providers');
      expect(await seriousAxeViolations(page, 'providers')).toEqual([]);

      await page.getByLabel(/^Manual \(\d+\)$/).check();
      await expect.poll(() => memory.count(), POLL).toBe(0);
      expect(await cloudflare.count()).toBe(1);
      await page.getByLabel(/^Automatic \(\d+\)$/).check();
      await expect.poll(() => cloudflare.count(), POLL).toBe(0);
      expect(await memory.count()).toBe(1);

      await page.getByLabel(/^All \(\d+\)$/).check();
      await page.getByRole('searchbox', { name: 'Search' }).fill('route 53');
      await expect.poll(() => page.locator('[data-provider]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-provider'))), POLL).toEqual(['route53']);
      await page.getByRole('searchbox', { name: 'Search' }).fill('no such provider');
      await page.getByTestId('provider-none').waitFor();
      await page.getByRole('button', { name: 'Show all providers' }).click();
      await expect.poll(() => page.locator('[data-provider]').count(), POLL).toBeGreaterThan(5);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe.skipIf(skip)('the dns, widget and API key screens on a phone in the dark theme', () => {
  const suite = useConsoleStack();

  it('fit 375 px without sideways scrolling and keep their contrast', async () => {
    const { stack } = suite;
    const added = await stack.owner.post(`/v1/projects/${stack.projectId}/dns-credentials`, { provider: 'memory', label: 'Phone check', credentials: { token: MEMORY_TOKEN } });
    expect(added.status).toBe(201);
    const { page, context, errors } = await openSignedIn(suite.browser, stack, '/providers', stack.ownerUser, { viewport: { width: 375, height: 812 }, colorScheme: 'dark' });
    try {
      const screens: Array<[string, string, () => Promise<void>]> = [
        ['/providers', 'providers-phone', () => page.locator('[data-provider="memory"]').waitFor()],
        [`/projects/${stack.projectId}/dns`, 'dns-credentials-phone', async () => {
          await page.getByRole('button', { name: 'Add credential' }).click();
          await page.getByTestId('dns-credential-form').waitFor();
        }],
        [`/projects/${stack.projectId}/widget`, 'widget-settings-phone', () => page.getByTestId('snippet-html').waitFor()],
        ['/api-keys', 'api-keys-phone', async () => {
          await page.getByTestId('create-api-key').click();
          await page.getByTestId('api-key-form').waitFor();
        }],
      ];
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      for (const [path, screen, ready] of screens) {
        await page.goto(`${stack.url}${path}`);
        await ready();
        // Only these pages' content is measured here: the shell's top bar is hidden (it is the shell's to fit).
        await page.evaluate(() => document.querySelector<HTMLElement>('.topbar')?.style.setProperty('display', 'none'));
        expect(await page.evaluate(() => document.documentElement.scrollWidth), screen).toBeLessThanOrEqual(375);
        await page.evaluate(() => document.querySelector<HTMLElement>('.topbar')?.style.removeProperty('display'));
        expect(await seriousAxeViolations(page, screen)).toEqual([]);
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
