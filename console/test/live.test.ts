import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { browserSkipReason, POLL } from './browser.ts';
import { openSignedIn, useConsoleStack, type ConsoleStack } from './stack.ts';

const skip = browserSkipReason();
const SLOW = { ...POLL, timeout: POLL.timeout * 3 };

/** Holds the owner's one allowed event stream from outside the browser (another tab, as the server sees it). */
async function holdStream(stack: ConsoleStack): Promise<AbortController> {
  const login = await fetch(`${stack.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: stack.ownerUser.email, password: stack.ownerUser.password }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const controller = new AbortController();
  const stream = await fetch(`${stack.url}/v1/events/stream?organizationId=${stack.organizationId}`, { headers: { cookie }, signal: controller.signal });
  expect(stream.status).toBe(200);
  return controller;
}

async function verifyNewDomain(stack: ConsoleStack): Promise<string> {
  const hostname = `live-${randomBytes(3).toString('hex')}.${stack.zone}`;
  const created = await stack.owner.post(`/v1/organizations/${stack.organizationId}/domains`, { hostname });
  expect(created.status).toBe(201);
  await stack.publishInstructions(created.body.id as string);
  expect((await stack.owner.post(`/v1/domains/${created.body.id as string}/verify`)).status).toBe(202);
  return hostname;
}

describe.skipIf(skip)('console live updates', () => {
  // One stream per caller, so a second tab of the same user is refused (429 EVENT_STREAM_LIMIT).
  const suite = useConsoleStack({ config: { events: { maxStreamsPerPrincipal: 1 } } });

  it('polls when the stream is refused, still shows live events, and returns to the stream once it is free', async () => {
    const held = await holdStream(suite.stack);
    const { page, context, errors } = await openSignedIn(suite.browser, suite.stack, '/notifications');
    try {
      const live = page.locator('.bell');
      await expect.poll(() => live.getAttribute('data-live'), POLL).toBe('polling');

      const hostname = await verifyNewDomain(suite.stack);
      await page.getByRole('link', { name: `${hostname} is verified.` }).waitFor({ timeout: SLOW.timeout });

      held.abort();
      await expect.poll(() => live.getAttribute('data-live'), SLOW).toBe('stream');
      const next = await verifyNewDomain(suite.stack);
      await page.getByRole('link', { name: `${next} is verified.` }).waitFor({ timeout: SLOW.timeout });

      // The refused stream is the 429 the browser logs; nothing else went wrong.
      expect(errors.filter((e) => !e.includes('status of 429'))).toEqual([]);
    } finally {
      held.abort();
      await context.close();
    }
  });
});
