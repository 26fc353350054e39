import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type TestOidcProvider } from '../../core/server/test/oidc-provider.ts';
import { unexpectedErrors } from './auth-helpers.ts';
import { browserSkipReason, openPage, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { useConsoleStack, waitForApp } from './stack.ts';

const skip = browserSkipReason();

// Single sign-on from the sign-in page: the organization's own provider found by its short name, the button a
// plain link to the server's start route, and the browser back in the console, signed in, on the page it asked for.
describe.skipIf(skip)('console accounts: sign-in with an organization’s OpenID Connect provider', () => {
  let idp: TestOidcProvider | undefined;
  beforeAll(async () => {
    idp = await startOidcProvider({ clients: [], accounts: { dana: { email: 'dana@corp.test', email_verified: true, name: 'Dana Corp' } } });
  });
  afterAll(async () => {
    await idp?.stop();
  });
  // The test provider speaks plain http on 127.0.0.1.
  const suite = useConsoleStack({ config: { auth: { oidc: { allowInsecureIssuers: true } } } });

  it('finds the company’s sign-in by its short name and comes back signed in', async () => {
    const { owner, organizationId, url } = suite.stack;
    const settings = `/v1/organizations/${organizationId}/oidc`;
    const body = { displayName: 'Corp SSO', issuer: idp!.issuer, clientId: 'pending', clientSecret: 'pending-secret' };
    const created = await owner.put(settings, body);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const client = await idp!.addClient({ redirect_uris: [created.body.callbackUrl as string] });
    expect((await owner.put(settings, { ...body, clientId: client.clientId, clientSecret: client.clientSecret })).status).toBe(200);
    const slug = (await owner.get(`/v1/organizations/${organizationId}`)).body.slug as string;

    // Service workers off: the console's own would take the navigation out of page.route's reach.
    const { page, context, errors } = await openPage(suite.browser, { viewport: { width: 1280, height: 860 }, serviceWorkers: 'block' });
    try {
      // The link's navigation reaches the server's start route for real (its binding cookie lands in this browser);
      // the test provider then signs the account in over HTTP from the authorization URL the server answered, and
      // the browser follows the provider's redirect back to the callback.
      let authorizationUrl: string | null = null;
      await page.route('**/v1/auth/oidc/*/start*', async (route) => {
        const started = await route.fetch({ maxRedirects: 0 });
        authorizationUrl = started.headers().location ?? null;
        await route.fulfill({ status: 204 });
      });
      await page.goto(`${url}/sign-in?redirect=/projects`);
      await waitForApp(page);
      await page.getByText('Sign in with your company').click();
      await page.getByLabel('Organization (short name)').fill(slug);
      await page.getByRole('button', { name: 'Find sign-in' }).click();
      const button = page.getByRole('link', { name: 'Sign in with Corp SSO' });
      await button.waitFor();
      expect(await seriousAxeViolations(page, 'auth-sign-in-company')).toEqual([]);
      await screenshot(page, 'auth-sign-in-company');
      await button.click();
      await expect.poll(() => authorizationUrl, POLL).not.toBeNull();
      expect(authorizationUrl!.startsWith(idp!.issuer)).toBe(true);

      const back = await idp!.login(authorizationUrl!, 'dana');
      expect(back.href.startsWith(`${url}/v1/auth/oidc/`)).toBe(true);
      await page.goto(back.href);
      await waitForApp(page);
      await expect.poll(() => new URL(page.url()).pathname, POLL).toBe('/projects');
      await expect.poll(() => page.getByTestId('account-menu').textContent(), POLL).toContain('Dana Corp');
      expect(unexpectedErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
