import { describe, expect, it } from 'vitest';
import { createMember } from '../../core/server/test/factories.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();
/** Console errors other than the refusals the journey provokes on purpose (answered 409). */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 409/.test(e));

describe.skipIf(skip)('console team', () => {
  const suite = useConsoleStack();

  it('invites by email, changes a role, explains LAST_OWNER and revokes an invitation', async () => {
    const colleague = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'admin' });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/team', suite.stack.ownerUser, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
      await page.getByTestId(`member-${colleague.email}`).waitFor();
      await screenshot(page, 'team', { fullPage: true });
      expect(await seriousAxeViolations(page, 'team')).toEqual([]);

      // Narrow screens: nothing wider than the window (tables scroll inside their frame).
      await page.setViewportSize({ width: 375, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await page.setViewportSize({ width: 1280, height: 860 });

      // Invite: the link comes back once, with a copy button.
      await page.getByTestId('invite-email').fill('new.person@example.test');
      await page.getByLabel('Role', { exact: true }).selectOption('project_member');
      await page.getByRole('checkbox', { name: 'main' }).check();
      await page.getByRole('button', { name: 'Send invitation' }).click();
      const link = page.getByTestId('invitation-link');
      await expect.poll(() => link.textContent(), POLL).toContain('/invitations/accept');
      const invitation = page.getByTestId('invitation-new.person@example.test');
      await expect.poll(() => invitation.textContent(), POLL).toContain('Pending');
      await screenshot(page, 'team-invite', { fullPage: true });
      expect(await seriousAxeViolations(page, 'team-invite')).toEqual([]);
      await link.getByRole('button', { name: 'Copy: invitation link' }).click();
      const url = await link.locator('code').textContent();
      expect(url).toContain('/invitations/accept');
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), POLL).toBe(url);

      // Change the colleague's role to project admin of `main`.
      const row = page.getByTestId(`member-${colleague.email}`);
      await row.getByRole('combobox').selectOption('project_admin');
      await row.getByRole('checkbox', { name: 'main' }).check();
      await row.getByRole('button', { name: 'Save role' }).click();
      await page.getByText(/is now Project admin/).waitFor();
      const members = await suite.stack.owner.get(`/v1/organizations/${suite.stack.organizationId}/members`);
      const changed = members.body.data.find((m: { email: string }) => m.email === colleague.email);
      expect(changed).toMatchObject({ role: null, projects: [{ projectId: suite.stack.projectId, role: 'project_admin' }] });

      // Demoting yourself as the only owner is refused and explained; the select keeps the choice.
      const mine = page.getByTestId(`member-${suite.stack.ownerUser.email}`);
      await mine.getByRole('combobox').selectOption('admin');
      await mine.getByRole('button', { name: 'Save role' }).click();
      const alert = mine.getByRole('alert');
      await expect.poll(() => alert.textContent(), POLL).toContain('needs at least one owner');
      expect(await alert.textContent()).toContain('LAST_OWNER');
      expect(await mine.getByRole('combobox').inputValue()).toBe('admin');

      // Revoke the invitation.
      await invitation.getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => invitation.textContent(), POLL).toContain('Revoked');
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('lets a member leave the organization and takes them to /welcome when it was their only one', async () => {
    const leaver = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'admin' });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/team', leaver);
    try {
      await page.getByTestId(`member-${leaver.email}`).getByRole('button', { name: 'Leave organization' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Leave organization' }).click();
      await expect.poll(() => new URL(page.url()).pathname, POLL).toBe('/welcome');
      const members = await suite.stack.owner.get(`/v1/organizations/${suite.stack.organizationId}/members`);
      expect(members.body.data.map((m: { email: string }) => m.email)).not.toContain(leaver.email);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
