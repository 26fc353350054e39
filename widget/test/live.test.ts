import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import getPort from 'get-port';
import { requireCaddy, requirePebble, type Caddy, type Pebble } from '@portico/test-servers';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caddyEdge, edgeCaddyPlugin, httpsGet, startCaddyWithPebble } from '../../core/server/test/caddy-stack.ts';
import { browserSkipReason, launchBrowser, POLL, printAxeLog, screenshot, seriousAxeViolations } from './browser.ts';
import { announcements, heading, hostEvents, openManualSetup, recordAnnouncements } from './journey.ts';
import { startWidgetStack, type WidgetStack } from './stack.ts';

// All the way to live: the project's widget has a default service, so a domain the customer verifies is mapped to
// it at once; a real Caddy gets its certificate from a real Pebble (names resolved by the in-memory DNS) and
// Portico's HTTPS probe marks the domain live. The widget shows each step as it happens and ends on the live URL.
// Needs Caddy and Pebble as well as Chromium; without them it is skipped with the reason printed.
const skip = browserSkipReason() ?? (requireCaddy() && requirePebble() ? null : 'Caddy or Pebble is not installed');
const ZONE = 'live.test';

describe.skipIf(skip !== null)('progress all the way to live', () => {
  let stack: WidgetStack;
  let browser: Browser;
  let caddy: Caddy;
  let pebble: Pebble;
  let root: string;
  let app: Server;

  beforeAll(async () => {
    const ports = { api: await getPort({ host: '127.0.0.1' }), dns: await getPort({ host: '127.0.0.1' }) };
    let listenerCa: string, rootFile: string;
    ({ caddy, pebble, root, listenerCa, rootFile } = await startCaddyWithPebble(`127.0.0.1:${ports.dns}`, 'widget-live'));
    app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('the SaaS app'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    [stack, browser] = await Promise.all([
      startWidgetStack({
        zone: ZONE,
        ports,
        // The customer's name already points at the platform (here: Caddy on loopback); only ownership is left.
        records: [{ name: `shop.${ZONE}`, type: 'A', ttl: 300, values: ['127.0.0.1'] }],
        config: { edges: [caddyEdge(caddy, rootFile)], routing: { ipv4: ['127.0.0.1'] } },
        plugins: [edgeCaddyPlugin(caddy, { askUrl: `http://127.0.0.1:${ports.api}/edge/ask`, issuers: [{ module: 'acme', ca: pebble.directoryUrl, trustedRootsPemFiles: [listenerCa] }] })],
      }),
      launchBrowser(),
    ]);
    const service = await stack.owner.post(`/v1/projects/${stack.projectId}/services`, { name: 'app', upstreamHost: '127.0.0.1', upstreamPort: (app.address() as AddressInfo).port });
    expect(service.status, JSON.stringify(service.body)).toBe(201);
    const settings = await stack.owner.patch(`/v1/projects/${stack.projectId}/widget`, { defaultServiceId: service.body.id });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  }, 180_000);
  afterAll(async () => {
    printAxeLog();
    await browser?.close();
    await stack?.stop();
    await caddy?.stop();
    await pebble?.stop();
    await new Promise((resolve) => app?.close(resolve));
  }, 120_000);

  it('goes on to live without a reload, announcing the steps as they pass, and ends on the live URL', { timeout: 180_000 }, async () => {
    const hostname = `shop.${ZONE}`;
    const { page, context, domain } = await openManualSetup(browser, stack, hostname);
    try {
      await stack.publishInstructions(hostname);
      await recordAnnouncements(page);
      await page.getByRole('button', { name: 'I have added them' }).click();

      await heading(page, `Connecting ${hostname}`).waitFor();
      await heading(page, `https://${hostname} is live`).waitFor({ timeout: 120_000 });
      // Screen readers heard the steps advance (the newest change at each poll: steps passed between two polls
      // are not read one by one), in order, never backwards.
      const heard = await announcements(page);
      const steps = ['Records found', 'Ownership verified', 'Certificate', 'Live'];
      const at = heard.map((line) => steps.findIndex((step) => new RegExp(`^${step} (done|in progress)\\.$`).test(line)));
      expect(heard.length, heard.join(' | ')).toBeGreaterThan(0);
      expect(at.every((index, i) => index >= 0 && (i === 0 || index >= at[i - 1])), heard.join(' | ')).toBe(true);
      await screenshot(page, 'success');
      expect(await seriousAxeViolations(page, 'success (light)')).toEqual([]);
      const link = page.getByRole('link', { name: new RegExp(`https://${hostname.replace(/\./g, '\\.')}`) });
      expect(await link.getAttribute('href')).toMatch(new RegExp(`^https://${hostname.replace(/\./g, '\\.')}`));
      await expect.poll(async () => (await hostEvents(page)).find((e) => e.type === 'portico:connected')?.detail, POLL).toMatchObject({ domainId: domain.id, hostname, status: 'live' });

      // It really is live: Caddy serves the SaaS's app for the name over HTTPS with Pebble's certificate.
      const answer = await httpsGet(caddy.httpsPort, hostname, '/', root);
      expect(answer.body).toBe('the SaaS app');
    } finally {
      await context.close();
    }
  });
});
