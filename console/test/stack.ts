import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { consoleDistDir } from '../scripts/build.ts';
import getPort from 'get-port';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { getMemoryDnsInstance, type MemoryZones } from '@portico/dns-memory';
import { createOrganizationWithUser, keyCaller, sessionCaller, type Caller, type TestUser } from '../../core/server/test/factories.ts';
import { signIn, startTestPortico, type TestPortico } from '../../core/server/test/helpers.ts';
import { launchBrowser, openPage, REPO_ROOT, type PageSession } from './browser.ts';

/** The credential the in-memory DNS provider accepts in these tests (as if created at the customer's provider). */
export const MEMORY_TOKEN = 'memory-token-console-browser-7c1d';

export interface ConsoleStack {
  portico: TestPortico;
  /** Where the browser opens the console (`http://127.0.0.1:<port>`). */
  url: string;
  organizationId: string;
  /** The organization's first project (slug `main`). */
  projectId: string;
  /** The organization's owner: email and password for the sign-in form, and a signed-in API caller. */
  ownerUser: TestUser;
  owner: Caller;
  /** An API key of the organization with every domain and project scope. */
  key: Caller;
  /** The zone the in-memory DNS serves (hostnames under it can be verified). */
  zone: string;
  zones(): MemoryZones;
  /**
   * Publishes every record a domain needs in the zone — its ownership instructions and its routing records (from the
   * DNS diff) — as a customer does in their DNS panel (`tamper`: each value with a typo).
   */
  publishInstructions(domainId: string, options?: { tamper?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Portico serving the built console and widget on a free port of 127.0.0.1: its own database, the in-memory
 * DNS provider serving `zone` (as an authoritative server on another free port), DNS TXT verification, fast jobs,
 * and one organization with an owner who signs in with a password.
 */
export async function startConsoleStack(options: { zone?: string; config?: Record<string, unknown>; plugins?: Array<{ package: string; options?: unknown }> } = {}): Promise<ConsoleStack> {
  const zone = options.zone ?? 'console.portico.test';
  const [apiPort, dnsPort] = [await getPort({ host: '127.0.0.1' }), await getPort({ host: '127.0.0.1' })];
  const url = `http://127.0.0.1:${apiPort}`;
  const portico = await startTestPortico({
    http: { host: '127.0.0.1', port: apiPort, publicUrl: url },
    dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
    routing: { cnameTarget: 'edge.portico.test', ipv4: ['192.0.2.80'] },
    dnsSetup: { propagationIntervalSeconds: 0.2, applyRetryBaseSeconds: 0.5 },
    widget: { distDir: join(REPO_ROOT, 'widget/dist') },
    console: { distDir: consoleDistDir },
    plugins: [
      { package: '@portico/dns-memory', options: { token: MEMORY_TOKEN, serve: { port: dnsPort }, zones: [{ name: zone, records: [] }] } },
      { package: '@portico/verify-dns-txt' },
      ...(options.plugins ?? []),
    ],
    ...options.config,
  });
  const stops: Array<() => Promise<void>> = [() => portico.stop()];
  try {
    const server = createServer(portico.app!.callback());
    await listen(server, apiPort);
    stops.unshift(() => close(server));

    const org = await createOrganizationWithUser(portico, { role: 'owner' });
    const owner = sessionCaller(await signIn(portico, org.email, org.password));
    const created = await owner.post(`/v1/organizations/${org.organizationId}/api-keys`, { name: 'saas-backend', scopes: ['domains:read', 'domains:write', 'projects:read', 'projects:write'] });
    if (created.status !== 201) throw new Error(`api key: ${created.status} ${JSON.stringify(created.body)}`);

    return {
      portico,
      url,
      organizationId: org.organizationId,
      projectId: org.projectId,
      ownerUser: org,
      owner,
      key: keyCaller(portico, created.body.secret as string),
      zone,
      zones: () => getMemoryDnsInstance()!.zones,
      async publishInstructions(domainId, { tamper = false } = {}) {
        const domain = (await owner.get(`/v1/domains/${domainId}`)).body as { instructions: Array<{ name: string; type: string; value: string }> };
        const sets = new Map<string, { name: string; type: 'A' | 'AAAA' | 'CNAME' | 'TXT'; ttl: number; values: string[] }>();
        for (const record of domain.instructions) {
          if (!['A', 'AAAA', 'CNAME', 'TXT'].includes(record.type)) continue;
          const set = sets.get(`${record.name} ${record.type}`) ?? { name: record.name, type: record.type as 'TXT', ttl: 300, values: [] };
          set.values.push(tamper ? `${record.value}-typo` : record.value);
          sets.set(`${record.name} ${record.type}`, set);
        }
        const diff = (await owner.get(`/v1/domains/${domainId}/dns-diff`)).body as { records?: Array<{ name: string; type: 'A' | 'AAAA' | 'CNAME' | 'TXT'; desired: string[] }> };
        for (const record of diff.records ?? []) {
          if (record.type === 'TXT' || sets.has(`${record.name} ${record.type}`)) continue;
          sets.set(`${record.name} ${record.type}`, { name: record.name, type: record.type, ttl: 300, values: record.desired.map((v) => (tamper ? `${v}-typo` : v)) });
        }
        getMemoryDnsInstance()!.zones.apply({ zone, upsert: [...sets.values()], remove: [] });
      },
      async stop() {
        for (const stop of stops.splice(0)) await stop().catch(() => {});
      },
    };
  } catch (error) {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
    throw error;
  }
}

/** The stack and browser a suite's tests share (read them inside tests and hooks: they exist once `beforeAll` ran). */
export interface ConsoleSuite {
  readonly stack: ConsoleStack;
  readonly browser: Browser;
}

/** Registers `beforeAll`/`afterAll`: a console stack and a browser for the file, stopped afterwards. */
export function useConsoleStack(options: Parameters<typeof startConsoleStack>[0] = {}, prepare?: (stack: ConsoleStack) => Promise<void>): ConsoleSuite {
  let stack: ConsoleStack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(options), launchBrowser()]);
    await prepare?.(stack);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  return {
    get stack() {
      if (!stack) throw new Error('the console stack is not started (read it inside a test or hook)');
      return stack;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched (read it inside a test or hook)');
      return browser;
    },
  };
}

/**
 * A fresh browser context signed in as `user` (through the API, sharing the context's cookies, so a journey need not
 * repeat the sign-in form), on `path` of the console, with its first screen rendered.
 */
export async function openSignedIn(browser: Browser, stack: ConsoleStack, path = '/domains', user: { email: string; password: string } = stack.ownerUser, context: BrowserContextOptions = {}): Promise<PageSession> {
  const session = await openPage(browser, { viewport: { width: 1280, height: 860 }, ...context });
  const res = await session.context.request.post(`${stack.url}/v1/auth/login`, { data: { email: user.email, password: user.password } });
  if (res.status() !== 200) throw new Error(`sign-in: ${res.status()} ${await res.text()}`);
  await session.page.goto(`${stack.url}${path}`);
  await waitForApp(session.page);
  return session;
}

/** Waits until the console's app has mounted and its first route resolved. */
export async function waitForApp(page: Page): Promise<void> {
  await page.waitForSelector('#app > *');
}

function listen(server: Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
