import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMember } from '../../core/server/test/factories.ts';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack, type ConsoleStack } from './stack.ts';

// Connecting a domain from the console (/domains/new): "Set it up myself" adds it and opens its page; "Guide me"
// mounts the Connect widget (the journey the SaaS's customers see, served by Portico itself) and, once the widget
// reports the domain connected, assigns it to every chosen project.
const skip = browserSkipReason();

interface ApiDomain {
  id: string;
  hostname: string;
  status: string;
  projectIds: string[];
}

async function createProject(stack: ConsoleStack, name: string): Promise<string> {
  const res = await stack.owner.post(`/v1/organizations/${stack.organizationId}/projects`, { name, slug: name.toLowerCase() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function domainByHostname(stack: ConsoleStack, hostname: string): Promise<ApiDomain | null> {
  const list = (await stack.owner.get(`/v1/organizations/${stack.organizationId}/domains?q=${encodeURIComponent(hostname)}`)).body as { data: Array<{ id: string; hostname: string }> };
  const found = list.data.find((d) => d.hostname === hostname);
  return found ? ((await stack.owner.get(`/v1/domains/${found.id}`)).body as ApiDomain) : null;
}

const project = (page: Page, name: string) => page.getByRole('group', { name: 'Projects' }).getByRole('checkbox', { name: new RegExp(`^${name}\\b`) });
const widget = (page: Page) => page.locator('portico-connect');

describe.skipIf(skip)('connecting a domain from the console', () => {
  let shop = '';
  let blog = '';
  const suite = useConsoleStack({}, async (stack) => {
    shop = await createProject(stack, 'Shop');
    blog = await createProject(stack, 'Blog');
  });

  it('“Set it up myself” adds the domain, assigns it to both chosen projects and opens its page; the same name again is HOSTNAME_TAKEN', async () => {
    const hostname = `self.${suite.stack.zone}`;
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains/new');
    try {
      await page.getByRole('heading', { level: 1, name: 'Connect a domain' }).waitFor();
      await page.getByLabel('Domain', { exact: true }).fill(`https://${hostname.toUpperCase()}/`);
      await expect.poll(() => page.getByTestId('hostname-preview').innerText(), POLL).toBe(`Will be added as ${hostname}`);
      await project(page, 'Shop').check();
      await project(page, 'Blog').check();
      await page.getByRole('radio', { name: /Set it up myself/ }).check();
      await screenshot(page, 'domain-connect');
      expect(await seriousAxeViolations(page, 'domain-connect')).toEqual([]);

      await page.getByRole('button', { name: 'Add domain' }).click();
      await expect.poll(() => new URL(page.url()).pathname, POLL).toMatch(/^\/domains\/[0-9a-f-]{36}$/);
      const domainId = new URL(page.url()).pathname.split('/')[2]!;
      const domain = (await suite.stack.owner.get(`/v1/domains/${domainId}`)).body as ApiDomain;
      expect(domain.hostname).toBe(hostname);
      expect(domain.projectIds.sort()).toEqual([shop, blog].sort());

      // Again: the organization has it already; the error says so, links to it, and the typed text stays.
      await page.goto(`${suite.stack.url}/domains/new`);
      await page.getByLabel('Domain', { exact: true }).fill(hostname);
      await project(page, 'Shop').check();
      await page.getByRole('button', { name: 'Add domain' }).click();
      const error = page.getByTestId('connect-error');
      await expect.poll(() => error.getAttribute('data-code'), POLL).toBe('HOSTNAME_TAKEN');
      expect(await error.innerText()).toContain(`Your organization already has ${hostname}.`);
      await expect.poll(() => error.getByRole('link', { name: `Open ${hostname}` }).getAttribute('href'), POLL).toBe(`/domains/${domainId}`);
      expect(await page.getByLabel('Domain', { exact: true }).inputValue()).toBe(hostname);
      expect(await seriousAxeViolations(page, 'domain-connect (taken)')).toEqual([]);
      // The browser logs the refused request itself (409); nothing else went wrong.
      expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('“Guide me” runs the Connect widget inside the console up to verified, then assigns the domain to the chosen projects', async () => {
    const hostname = `guided.${suite.stack.zone}`;
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains/new');
    try {
      await page.getByLabel('Domain', { exact: true }).fill(hostname);
      await project(page, 'main').check();
      await project(page, 'Blog').check();
      await page.getByRole('radio', { name: /Guide me/ }).check();
      await page.getByRole('button', { name: 'Continue' }).click();

      // The widget, served by Portico, in the console's page: the hostname is suggested.
      await widget(page).waitFor();
      const input = widget(page).getByRole('textbox', { name: 'Your domain' });
      await expect.poll(() => input.inputValue(), POLL).toBe(hostname);
      await widget(page).getByRole('button', { name: 'Continue' }).click();
      await widget(page).getByRole('button', { name: 'Set it up myself' }).click();
      await widget(page).getByRole('heading', { name: 'Add these records' }).waitFor();
      await screenshot(page, 'domain-connect-widget');
      expect(await seriousAxeViolations(page, 'domain-connect-widget')).toEqual([]);

      // Added in the first chosen project by the widget; the records are published at the "DNS provider".
      let domain: ApiDomain | null = null;
      await expect.poll(async () => (domain = await domainByHostname(suite.stack, hostname)) !== null, POLL).toBe(true);
      expect(domain!.projectIds).toEqual([suite.stack.projectId]);
      await suite.stack.publishInstructions(domain!.id);
      await widget(page).getByRole('button', { name: 'I have added them' }).click();

      const done = page.getByTestId('connect-done');
      await done.waitFor();
      expect(await widget(page).evaluate((el) => el.shadowRoot?.textContent ?? '')).toContain('Verified');
      expect(await done.innerText()).toContain(`${hostname} is connected`);
      expect(await done.getByRole('link', { name: 'Open the domain' }).getAttribute('href')).toBe(`/domains/${domain!.id}`);
      await expect.poll(async () => (await domainByHostname(suite.stack, hostname))?.projectIds.sort(), POLL).toEqual([suite.stack.projectId, blog].sort());
      expect((await domainByHostname(suite.stack, hostname))?.status).toBe('verified');
      await screenshot(page, 'domain-connect-done');
      expect(await seriousAxeViolations(page, 'domain-connect-done')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows a project member that their role cannot add domains', async () => {
    const member = await createMember(suite.stack.portico, suite.stack.organizationId, { role: 'project_member', projectId: suite.stack.projectId });
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/domains/new', member);
    try {
      await page.getByRole('heading', { name: 'You do not have access' }).waitFor();
      expect(await page.getByTestId('domain-connect-form').count()).toBe(0);
      expect(await seriousAxeViolations(page, 'domain-connect (forbidden)')).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
