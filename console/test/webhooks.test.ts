import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import getPort from 'get-port';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL, screenshot, seriousAxeViolations } from './browser.ts';
import { openSignedIn, useConsoleStack } from './stack.ts';

const skip = browserSkipReason();

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1: records every request; answers 500 while `failing`, else 204. */
async function startReceiver() {
  const port = await getPort({ host: '127.0.0.1' });
  const received: Received[] = [];
  const state = { failing: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(state.failing ? 500 : 204, { 'content-type': 'text/plain' }).end(state.failing ? 'receiver broken on purpose' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/portico-hook`,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The event a Standard Webhooks library accepts with `secret`, or the error it throws. */
function verify(secret: string, message: Received): { type: string } {
  const headers = { 'webhook-id': String(message.headers['webhook-id']), 'webhook-timestamp': String(message.headers['webhook-timestamp']), 'webhook-signature': String(message.headers['webhook-signature']) };
  return new Webhook(secret).verify(message.body, headers) as { type: string };
}

describe.skipIf(skip)('console webhooks', () => {
  // Portico refuses loopback targets unless the operator allows private addresses (development and tests).
  const suite = useConsoleStack({ config: { webhooks: { allowPrivateAddresses: true } } });

  it('adds an endpoint, shows its secret once, sends a test that verifies, logs a failure, replays it and rotates the secret', async () => {
    const receiver = await startReceiver();
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/webhooks', undefined, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
      await page.getByRole('heading', { name: 'No webhook endpoints yet' }).waitFor();

      // A URL that is not one: the server's code is explained next to the field and the text stays.
      await page.getByTestId('webhook-add').click();
      const url = page.getByLabel('Endpoint URL');
      await url.fill('not a url');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'WEBHOOK_URL_INVALID' }).count(), POLL).toBe(1);
      expect(await url.inputValue()).toBe('not a url');

      await url.fill(receiver.url);
      await page.getByLabel('Description (optional)').fill('Billing service');
      await page.getByTestId('events-chosen').check();
      await page.getByRole('checkbox', { name: 'All Domains events' }).check();
      await page.getByRole('button', { name: 'Add endpoint' }).click();

      // The secret, once: copied through the clipboard as a user would.
      const secretPanel = page.getByTestId('webhook-secret');
      await secretPanel.waitFor();
      const shown = (await page.getByTestId('webhook-secret-value').textContent())!.trim();
      expect(shown).toMatch(/^whsec_/);
      await screenshot(page, 'webhook-create-secret');
      expect(await seriousAxeViolations(page, 'webhook-create-secret')).toEqual([]);
      await secretPanel.getByRole('button', { name: 'Copy: signing secret' }).click();
      const secret = await page.evaluate(() => navigator.clipboard.readText());
      expect(secret).toBe(shown);
      await page.getByTestId('webhook-secret-done').click();
      await expect.poll(() => page.getByTestId('webhook-secret').count(), POLL).toBe(0);

      const row = page.getByTestId('webhook-list').getByRole('row').filter({ hasText: receiver.url });
      await row.waitFor();
      expect(await row.getByRole('cell').nth(1).textContent()).toBe('Domains');
      await screenshot(page, 'webhooks-list');
      expect(await seriousAxeViolations(page, 'webhooks-list')).toEqual([]);

      // Send test → the receiver gets a message that verifies with the copied secret; the log shows it delivered.
      await row.getByRole('link', { name: receiver.url }).click();
      await page.getByRole('heading', { level: 1, name: receiver.url }).waitFor();
      await page.getByTestId('webhook-send-test').click();
      await expect.poll(() => receiver.received.length, POLL).toBe(1);
      expect(verify(secret, receiver.received[0]!).type).toBe('webhook.test');
      const delivered = page.locator('[data-testid=delivery-row][data-status=delivered]');
      await expect.poll(() => delivered.count(), POLL).toBe(1);
      await screenshot(page, 'webhook-detail', { fullPage: true });
      expect(await seriousAxeViolations(page, 'webhook-detail')).toEqual([]);

      // A failing receiver: the failed delivery appears; its details show the attempt; replayed once fixed → delivered.
      receiver.state.failing = true;
      await page.getByTestId('webhook-send-test').click();
      const failed = page.locator('[data-testid=delivery-row][data-status=failed]');
      await expect.poll(() => failed.count(), POLL).toBe(1);
      await failed.getByRole('button', { name: /Details/ }).click();
      const drawer = page.getByTestId('delivery-drawer');
      await drawer.getByTestId('delivery-attempts').getByText('Attempt 1').waitFor();
      expect(await drawer.textContent()).toContain('500');
      await drawer.getByText('Response (first 4 KB)').click();
      await drawer.getByText('receiver broken on purpose').waitFor();
      await screenshot(page, 'webhook-delivery');
      expect(await seriousAxeViolations(page, 'webhook-delivery')).toEqual([]);
      receiver.state.failing = false;
      await drawer.getByTestId('delivery-replay').click();
      await expect.poll(() => receiver.received.length, POLL).toBe(3);
      expect(receiver.received[2]!.headers['webhook-id']).toBe(receiver.received[1]!.headers['webhook-id']);
      await drawer.getByText('Attempt 2').waitFor();
      await drawer.getByRole('button', { name: 'Close details' }).click();
      await expect.poll(() => delivered.count(), POLL).toBe(2);
      await expect.poll(() => failed.count(), POLL).toBe(0);

      // "Replay failed since…": a failure of the last day is sent again once the receiver works.
      receiver.state.failing = true;
      await page.getByTestId('webhook-send-test').click();
      await expect.poll(() => failed.count(), POLL).toBe(1);
      receiver.state.failing = false;
      await page.getByTestId('replay-range').click();
      await page.getByTestId('replay-dialog').getByRole('button', { name: 'Replay' }).click();
      await page.getByText('One delivery queued again.').waitFor();
      await expect.poll(() => receiver.received.length, POLL).toBe(5);
      await expect.poll(() => delivered.count(), POLL).toBe(3);

      // Rotate with no overlap: the new secret (shown once) verifies the next test, the old one no longer does.
      await page.getByTestId('webhook-rotate').click();
      await page.getByTestId('rotate-overlap').fill('0');
      await page.getByRole('dialog').getByRole('button', { name: 'Rotate secret' }).click();
      await page.getByTestId('webhook-secret').waitFor();
      const rotated = (await page.getByTestId('webhook-secret-value').textContent())!.trim();
      expect(rotated).toMatch(/^whsec_/);
      expect(rotated).not.toBe(secret);
      await page.getByTestId('webhook-send-test').click();
      await expect.poll(() => receiver.received.length, POLL).toBe(6);
      expect(verify(rotated, receiver.received[5]!).type).toBe('webhook.test');
      expect(() => verify(secret, receiver.received[5]!)).toThrow();

      // The one failed request is the invalid URL tried on purpose above (the browser logs every 4xx).
      expect(errors).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    } finally {
      await context.close();
      await receiver.close();
    }
  });
});
