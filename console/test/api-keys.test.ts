import { describe, expect, it } from 'vitest';
import { createMember, keyCaller } from '../../core/server/test/factories.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

describe.skipIf(skip)('API keys', () => {
  const suite = useConsoleStack();

  it('creates a key with two scopes, shows its secret once, and revokes it', async () => {
    const { stack } = suite;
    const { page, context, errors } = await openSignedIn(suite.browser, stack, '/api-keys');
    try {
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      await page.locator('[data-api-key="saas-backend"]').waitFor();
      await screenshot(page, 'api-keys', { fullPage: true });
      expect(await seriousAxeViolations(page, 'api-keys')).toEqual([]);

      await page.getByTestId('create-api-key').click();
      const form = page.getByTestId('api-key-form');
      await form.getByLabel('Name').fill('ci-deploy');
      await form.getByRole('checkbox', { name: /^domains:read/ }).check();
      await form.getByRole('checkbox', { name: /^projects:read/ }).check();
      await form.getByRole('button', { name: 'Create key' }).click();

      const dialog = page.getByTestId('api-key-secret-dialog');
      await dialog.getByText('You will not see it again').waitFor();
      const secret = (await page.getByTestId('api-key-secret').textContent())!.trim();
      expect(secret).toMatch(/^pk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      await screenshot(page, 'api-key-secret');
      expect(await seriousAxeViolations(page, 'api-key-secret')).toEqual([]);

      // The key works with the scopes it was given, and only those.
      const key = keyCaller(stack.portico, secret);
      expect((await key.get(`/v1/organizations/${stack.organizationId}/projects`)).status).toBe(200);
      expect((await key.get(`/v1/projects/${stack.projectId}/dns-credentials`)).status).toBe(403);

      await page.getByTestId('api-key-secret-close').click();
      await expect.poll(() => dialog.isVisible(), POLL).toBe(false);
      expect(await page.content()).not.toContain(secret);
      const row = page.locator('[data-api-key="ci-deploy"]');
      expect(await row.textContent()).toContain('domains:read');
      expect(await row.textContent()).toContain('projects:read');
      expect(await row.textContent()).toContain('Whole organization');

      await row.getByRole('button', { name: 'Revoke key ci-deploy' }).click();
      await page.getByRole('dialog', { name: /Revoke API key/ }).getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => row.getAttribute('data-revoked'), POLL).toBe('true');
      expect(await row.textContent()).toContain('Revoked');
      expect((await key.get(`/v1/organizations/${stack.organizationId}/projects`)).status).toBe(401);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows members below admin the permission-denied state', async () => {
    const member = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'project_member', projectId: suite.stack.projectId });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/api-keys', member);
    try {
      await page.locator('[data-state="forbidden"]').waitFor();
      expect(await page.getByTestId('create-api-key').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
