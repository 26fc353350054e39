import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { User } from '../../core/server/src/modules/users/entity.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();
const traefikDir = await mkdtemp(join(tmpdir(), 'portico-console-traefik-'));
afterAll(() => rm(traefikDir, { recursive: true, force: true }));

describe.skipIf(skip)('operator pages', () => {
  const suite = useConsoleStack(
    {
      plugins: [{ package: '@portico/edge-traefik', options: { delivery: { kind: 'directory', path: traefikDir } } }],
      config: { edges: [{ id: 'traefik-dir', edge: 'traefik', probe: { attempts: 1 } }] },
    },
    async (stack) => {
      await stack.portico.container.cradle.orm.em.fork().nativeUpdate(User, { email: stack.ownerUser.email }, { operator: true });
    },
  );

  it('shows an edge, its dry-run diff, and reconciles it on request', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/operator/edges');
    try {
      const card = page.getByTestId('edge-traefik-dir');
      await card.waitFor();
      await card.getByRole('button', { name: 'Dry run' }).click();
      const dialog = page.getByRole('dialog', { name: /What a reconcile would change on/ });
      await dialog.waitFor();
      await screenshot(page, 'operator-edge-preview');
      await dialog.getByRole('button', { name: 'Close' }).click();

      await card.getByRole('button', { name: 'Reconcile now' }).click();
      await page.getByText(/traefik-dir: delivered \d+ routes/).waitFor();
      await expect.poll(() => card.getByText('Delivering').count(), POLL).toBe(1);
      await screenshot(page, 'operator-edges');
      expect(await seriousAxeViolations(page, 'operator-edges')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('lists every organization and the plans', async () => {
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/operator/organizations');
    try {
      const org = (await suite.stack.owner.get(`/v1/organizations/${suite.stack.organizationId}`)).body as { slug: string };
      await page.locator('td code', { hasText: org.slug }).waitFor();
      await screenshot(page, 'operator-organizations');
      expect(await seriousAxeViolations(page, 'operator-organizations')).toEqual([]);
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Plans' }).click();
      await page.getByRole('heading', { level: 1, name: 'Plans' }).waitFor();
      await screenshot(page, 'operator-plans');
      expect(await seriousAxeViolations(page, 'operator-plans')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows people who are not operators the permission-denied state, and no operator links', async () => {
    await suite.stack.portico.container.cradle.orm.em.fork().nativeUpdate(User, { email: suite.stack.ownerUser.email }, { operator: false });
    const { page, context } = await openSignedIn(suite.browser, suite.stack, '/operator/edges');
    try {
      await page.getByRole('heading', { name: 'You do not have access' }).waitFor();
      expect(await page.getByRole('link', { name: 'Edges' }).count()).toBe(0);
      expect((await suite.stack.owner.get('/v1/operator/edges')).body.error.code).toBe('OPERATOR_REQUIRED');
    } finally {
      await context.close();
      await suite.stack.portico.container.cradle.orm.em.fork().nativeUpdate(User, { email: suite.stack.ownerUser.email }, { operator: true });
    }
  });
});
