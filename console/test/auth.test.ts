import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { User } from '../../core/server/src/modules/users/entity.ts';
import { createLoneUser, fillSignIn, unexpectedErrors } from './auth-helpers.ts';
import { browserSkipReason, openPage, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack, waitForApp } from './stack.ts';

const skip = browserSkipReason();

// Getting in: the sign-in form (a wrong password explained by its code), sign-up as the installation allows it,
// accepting an invitation as a new person, and a first organization for an account without one.
describe.skipIf(skip)('console accounts: sign-in, sign-up, invitations, first organization', () => {
  const suite = useConsoleStack({ config: { login: { attemptsPerAccount: 50 } } });
  const path = (page: { url(): string }) => new URL(page.url()).pathname;

  it('signs in with a password: a wrong one is explained by its code, the right one lands on the page asked for', async () => {
    const { page, context, errors } = await openPage(suite.browser, { viewport: { width: 1280, height: 860 } });
    try {
      await page.goto(`${suite.stack.url}/team`);
      await waitForApp(page);
      await expect.poll(() => path(page), POLL).toBe('/sign-in');
      await page.getByRole('heading', { name: 'Sign in to Portico' }).waitFor();
      await screenshot(page, 'auth-sign-in');
      expect(await seriousAxeViolations(page, 'auth-sign-in')).toEqual([]);
      expect(await page.getByTestId('first-owner').count()).toBe(0);
      expect(await page.getByTestId('sign-up-link').count()).toBe(0);

      await fillSignIn(page, suite.stack.ownerUser.email, 'not-the-password');
      const alert = page.getByTestId('auth-error');
      await expect.poll(() => alert.textContent(), POLL).toContain('The email address or password is wrong.');
      expect(await alert.textContent()).toContain('INVALID_CREDENTIALS');
      expect(await page.getByLabel('Email').inputValue()).toBe(suite.stack.ownerUser.email);

      await page.getByLabel('Password', { exact: true }).fill(suite.stack.ownerUser.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(() => path(page), POLL).toBe('/team');
      await page.getByTestId('account-menu').waitFor();
      expect(unexpectedErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('sign-up says invitations are the way in here, and the server’s refusal is explained', async () => {
    const { page, context, errors } = await openPage(suite.browser, { viewport: { width: 1280, height: 860 } });
    try {
      await page.goto(`${suite.stack.url}/sign-up`);
      await waitForApp(page);
      await page.getByTestId('signup-not-open').waitFor();
      await page.getByLabel('Your name').fill('Eve');
      await page.getByLabel('Email').fill('eve@example.test');
      await page.getByLabel('Password', { exact: true }).fill('a-long-enough-password');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => page.getByTestId('auth-error').getAttribute('data-code'), POLL).toBe('SIGNUP_CLOSED');
      expect(await page.getByLabel('Email').inputValue()).toBe('eve@example.test');
      await screenshot(page, 'auth-sign-up');
      expect(await seriousAxeViolations(page, 'auth-sign-up')).toEqual([]);
      expect(unexpectedErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a new person accepts an invitation: creates the account on the invitation page and lands in the organization', async () => {
    const email = `invitee-${Date.now()}@example.test`;
    const invited = await suite.stack.owner.post(`/v1/organizations/${suite.stack.organizationId}/invitations`, { email, role: 'admin' });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const acceptUrl = invited.body.acceptUrl as string;
    expect(acceptUrl).toMatch(/\/invitations\/accept#token=/);

    const { page, context, errors } = await openPage(suite.browser, { viewport: { width: 1280, height: 860 } });
    try {
      await page.goto(acceptUrl);
      await waitForApp(page);
      await expect.poll(() => page.getByTestId('invitation-email').textContent(), POLL).toBe(email);
      expect(await page.getByTestId('invitation-summary').textContent()).toContain('as Admin');
      await screenshot(page, 'auth-invitation');
      expect(await seriousAxeViolations(page, 'auth-invitation')).toEqual([]);

      await page.getByLabel('Your name').fill('Ivy Invitee');
      await page.getByLabel('Password', { exact: true }).fill('invited-person-password');
      await page.getByRole('button', { name: 'Create account and join' }).click();
      await expect.poll(() => path(page), POLL).toBe('/domains');
      await expect.poll(() => page.getByTestId('organization-switcher').inputValue(), POLL).toBe(suite.stack.organizationId);
      expect(await page.getByTestId('account-menu').textContent()).toContain('Ivy Invitee');
      expect(unexpectedErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an account without an organization is asked to create one; refused unless allowed, then created', async () => {
    const lone = await createLoneUser(suite.stack);
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains', lone);
    try {
      await expect.poll(() => path(page), POLL).toBe('/welcome');
      await page.getByLabel('Organization name').fill('Lone Ventures');
      expect(await page.getByLabel('Short name (slug)').inputValue()).toBe('lone-ventures');
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.getByTestId('welcome-refused').waitFor();
      await screenshot(page, 'auth-welcome');
      expect(await seriousAxeViolations(page, 'auth-welcome')).toEqual([]);

      // An instance operator may create organizations whatever the sign-up setting.
      await suite.stack.portico.container.cradle.orm.em.fork().nativeUpdate(User, { email: lone.email }, { operator: true });
      await page.getByRole('button', { name: 'Create organization' }).click();
      await expect.poll(() => path(page), POLL).toBe('/domains');
      const organizations = (await context.request.get(`${suite.stack.url}/v1/organizations`)).json() as Promise<{ data: Array<{ slug: string; role: string }> }>;
      expect((await organizations).data).toMatchObject([{ slug: 'lone-ventures', role: 'owner' }]);
      expect(unexpectedErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a 375 px wide screen: the sign-in page and the profile scroll only vertically', async () => {
    const phone = { viewport: { width: 375, height: 740 } };
    const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const signedOut = await openPage(suite.browser, phone);
    try {
      await signedOut.page.goto(`${suite.stack.url}/sign-in`);
      await waitForApp(signedOut.page);
      await signedOut.page.getByRole('heading', { name: 'Sign in to Portico' }).waitFor();
      expect(await overflow(signedOut.page)).toBe(0);
    } finally {
      await signedOut.context.close();
    }
    const { page, context } = await openSignedIn(suite.browser, suite.stack, '/profile', suite.stack.ownerUser, phone);
    try {
      await expect.poll(() => page.getByTestId('session-row').count(), POLL).toBeGreaterThan(0);
      expect(await overflow(page)).toBe(0);
      await screenshot(page, 'auth-profile-narrow', { fullPage: true });
    } finally {
      await context.close();
    }
  });
});
