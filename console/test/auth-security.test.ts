import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember } from '../../core/server/test/factories.ts';
import { recipients, startSmtpServer, type TestSmtpServer } from '../../core/server/test/smtp.ts';
import { fillSignIn, unexpectedErrors } from './auth-helpers.ts';
import { browserSkipReason, openPage, POLL, screenshot, seriousAxeViolations, STEP_TIMEOUT_MS } from './browser.ts';
import { openSignedIn, useConsoleStack, waitForApp } from './stack.ts';

const skip = browserSkipReason();

// Keeping an account safe: two-factor sign-in turned on from the profile and then asked for at sign-in, and a
// forgotten password replaced through the link of a real email.
describe.skipIf(skip)('console accounts: two-factor sign-in and password reset', () => {
  let smtp: TestSmtpServer | undefined;
  // Filled in once the SMTP server has a port; the stack reads it when it starts (after this hook).
  const config: Record<string, unknown> = { login: { attemptsPerAccount: 50 } };
  beforeAll(async () => {
    smtp = await startSmtpServer();
    config.mail = { smtp: { host: smtp.host, port: smtp.port, secure: false } };
  });
  afterAll(async () => {
    await smtp?.stop();
  });
  const suite = useConsoleStack({ config });
  const path = (page: { url(): string }) => new URL(page.url()).pathname;

  it('turns two-factor sign-in on from the profile, then signing in asks for a code', async () => {
    const user = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'admin' });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/profile', user);
    try {
      await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
      await expect.poll(() => page.getByTestId('profile-email').textContent(), POLL).toBe(user.email);
      await expect.poll(() => page.getByTestId('session-row').count(), POLL).toBe(1);
      await page.getByTestId('totp-enable').click();
      const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      expect(await page.getByTestId('qr-text').textContent()).toContain(`secret=${secret}`);
      const codeAt = (offsetSeconds: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + offsetSeconds * 1000 });

      await page.getByLabel('Authenticator code').fill('000000' === codeAt(0) ? '111111' : '000000');
      await page.getByRole('button', { name: 'Confirm and turn on' }).click();
      await expect.poll(() => page.getByTestId('auth-error').getAttribute('data-code'), POLL).toBe('TOTP_CODE_INVALID');
      await page.getByLabel('Authenticator code').fill(codeAt(0));
      await page.getByRole('button', { name: 'Confirm and turn on' }).click();
      await expect.poll(() => page.getByTestId('recovery-codes').locator('li').count(), POLL).toBe(10);
      await page.getByTestId('totp-card').scrollIntoViewIfNeeded();
      await screenshot(page, 'auth-profile');
      expect(await seriousAxeViolations(page, 'auth-profile')).toEqual([]);
      await page.getByTestId('recovery-done').click();
      await expect.poll(() => page.getByTestId('totp-status').textContent(), POLL).toBe('On');

      await page.getByTestId('account-menu').click();
      await page.getByTestId('sign-out').click();
      await expect.poll(() => path(page), POLL).toBe('/sign-in');
      await fillSignIn(page, user.email, user.password);
      await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
      await screenshot(page, 'auth-sign-in-code');
      expect(await seriousAxeViolations(page, 'auth-sign-in-code')).toEqual([]);
      // The next step's code: the one used to confirm may not be used again.
      await page.getByLabel('Authenticator code').fill(codeAt(30));
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await expect.poll(() => path(page), POLL).toBe('/domains');
      await page.getByTestId('account-menu').waitFor();
      expect(unexpectedErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('replaces a forgotten password through the emailed link, then signs in with the new one', async () => {
    const user = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'admin' });
    const { page, context, errors } = await openPage(suite.browser, { viewport: { width: 1280, height: 860 } });
    try {
      await page.goto(`${suite.stack.url}/sign-in`);
      await waitForApp(page);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      // The reset page loads its code on the way: until it shows, "Email" is still the sign-in form's field.
      await expect.poll(() => path(page), POLL).toBe('/forgot-password');
      await page.getByRole('button', { name: 'Send reset link' }).waitFor();
      await page.getByLabel('Email').fill(user.email);
      const [requested] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/auth/password-reset' && r.request().method() === 'POST', { timeout: STEP_TIMEOUT_MS }),
        page.getByRole('button', { name: 'Send reset link' }).click(),
      ]);
      expect(requested.status()).toBe(202);
      await expect.poll(() => page.getByTestId('auth-notice').textContent(), POLL).toContain(`If ${user.email} has an account, a link is on its way`);

      const mail = await smtp!.waitFor((m) => recipients(m).includes(user.email) && /reset-password#token=/.test(m.text ?? ''));
      const link = /(http:\/\/\S+\/reset-password#token=[A-Za-z0-9_-]+)/.exec(mail.text ?? '')?.[1];
      expect(link, mail.text).toBeTruthy();
      expect(link!.startsWith(`${suite.stack.url}/reset-password#token=`)).toBe(true);

      await page.goto(link!);
      await waitForApp(page);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      // The token left the address bar once read.
      expect(new URL(page.url()).hash).toBe('');
      await screenshot(page, 'auth-reset');
      expect(await seriousAxeViolations(page, 'auth-reset')).toEqual([]);
      await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password-2026');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect.poll(() => page.getByTestId('auth-notice').textContent(), POLL).toContain('Your password was changed');
      expect(path(page)).toBe('/sign-in');

      await fillSignIn(page, user.email, 'a-brand-new-password-2026');
      await expect.poll(() => path(page), POLL).toBe('/domains');

      // The link worked once.
      const again = await context.request.post(`${suite.stack.url}/v1/auth/password-reset/confirm`, { data: { token: new URL(link!).hash.slice('#token='.length), password: 'yet-another-password-1' } });
      expect(again.status()).toBe(400);
      expect(unexpectedErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
