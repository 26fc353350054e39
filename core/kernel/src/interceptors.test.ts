import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestServices } from './conformance/test-services.ts';
import { definePlugin } from './define-plugin.ts';
import type { PluginHooks } from './hooks.ts';
import type { HookCallEvent } from './interceptors.ts';
import { createKernel } from './kernel.ts';
import type { PluginContext } from './plugin.ts';

const plugin = (id: string, apply: (ctx: PluginContext<unknown>) => void) =>
  definePlugin({ id, version: '1.0.0', kernel: '^0.1.0', options: z.object({}), apply });
const verifyInput = { hostname: 'shop.example.com', token: 'tok' };
const detectInput = { hostname: 'shop.example.com', nameservers: [] };

async function observedKernel(...plugins: ReturnType<typeof plugin>[]) {
  const events: HookCallEvent[] = [];
  const services = createTestServices();
  const kernel = createKernel({ services, onHookCall: (event) => events.push(event) });
  await kernel.registerAll(plugins.map((p) => ({ plugin: p })));
  return { kernel, events, services };
}

describe('hook call interceptor', () => {
  it('reports each plugin call with hook, key, plugin id, duration and outcome', async () => {
    const { kernel, events } = await observedKernel(
      plugin('verify.a', ({ hooks }) => {
        // The tap's name is not the plugin id on purpose: the event must still name the plugin.
        hooks.verify.for('dns-txt').tapPromise('txt-checker', async () => ({ status: 'verified', expected: [], message: 'ok' }));
        hooks.detectProvider.tap('verify.a', () => undefined);
      }),
      plugin('dns.b', ({ hooks }) =>
        hooks.detectProvider.tapAsync('dns.b', (_input, callback) =>
          callback(null, { provider: 'b', displayName: 'B', confidence: 'low', setup: 'manual' }),
        ),
      ),
    );
    await kernel.verify('dns-txt', verifyInput);
    await kernel.detectProvider(detectInput);
    expect(events.map(({ ms: _ms, ...rest }) => rest)).toEqual([
      { hook: 'verify', key: 'dns-txt', plugin: 'verify.a', tap: 'txt-checker', outcome: 'answer' },
      { hook: 'detectProvider', plugin: 'verify.a', tap: 'verify.a', outcome: 'pass' },
      { hook: 'detectProvider', plugin: 'dns.b', tap: 'dns.b', outcome: 'answer' },
    ]);
    for (const event of events) expect(event.ms).toBeGreaterThanOrEqual(0);
  });

  it('reports and logs a failing tap, and the caller still gets the error', async () => {
    const failure = new Error('API down');
    const { kernel, events, services } = await observedKernel(
      plugin('dns.a', ({ hooks }) => hooks.applyRecords.for('a').tapPromise('dns.a', () => Promise.reject(failure))),
      plugin('cert.b', ({ hooks }) =>
        hooks.issueCert.tap('cert.b', () => {
          throw failure;
        }),
      ),
    );
    await expect(kernel.applyRecords('a', { zone: 'example.com', upsert: [], remove: [] })).rejects.toBe(failure);
    await expect(kernel.issueCert({ hostnames: ['a.example.com'] })).rejects.toBe(failure);
    expect(events).toMatchObject([
      { hook: 'applyRecords', key: 'a', plugin: 'dns.a', outcome: 'error', error: failure },
      { hook: 'issueCert', plugin: 'cert.b', outcome: 'error', error: failure },
    ]);
    expect(services.logs.filter((line) => line.level === 'error')).toMatchObject([
      { obj: { hook: 'applyRecords', key: 'a', plugin: 'dns.a', outcome: 'error', err: failure } },
      { obj: { hook: 'issueCert', plugin: 'cert.b', outcome: 'error', err: failure } },
    ]);
  });

  it('logs every call at debug with hook, key, plugin, ms and outcome', async () => {
    const { kernel, services } = await observedKernel(
      plugin('edge.caddy', ({ hooks }) => hooks.renderRoutes.for('caddy').tap('edge.caddy', (state) => ({ ...state, output: {} }))),
    );
    await kernel.renderRoutes('caddy', { routes: [] });
    const debug = services.logs.filter((line) => line.level === 'debug');
    expect(debug).toHaveLength(1);
    expect(debug[0].obj).toEqual({ hook: 'renderRoutes', key: 'caddy', plugin: 'edge.caddy', ms: expect.any(Number), outcome: 'answer' });
  });

  it('an observer that throws changes nothing for the caller', async () => {
    const services = createTestServices();
    const kernel = createKernel({
      services,
      onHookCall: () => {
        throw new Error('metrics broken');
      },
    });
    await kernel.register({ plugin: plugin('cert.a', ({ hooks }) => hooks.issueCert.tap('cert.a', () => ({ kind: 'delegated', by: 'a', message: 'm' }))) });
    expect(await kernel.issueCert({ hostnames: ['a.example.com'] })).toMatchObject({ kind: 'delegated' });
    expect(services.logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'onHookCall observer threw' }));
  });
});

describe('tap-only views', () => {
  async function viewOf(): Promise<PluginHooks> {
    let view: PluginHooks | undefined;
    await createKernel({ services: createTestServices() }).register({ plugin: plugin('ext.spy', ({ hooks }) => void (view = hooks)) });
    if (!view) throw new Error('apply did not run');
    return view;
  }

  it('expose tap, tapAsync and tapPromise only: no way to call or intercept a hook', async () => {
    const view = await viewOf();
    const keyed = view.verify.for('x') as unknown as Record<string, unknown>;
    expect(keyed.promise).toBeUndefined();
    for (const hook of [keyed, view.detectProvider, view.issueCert, view.applyRecords.for('x'), view.renderRoutes.for('x')]) {
      expect(Object.keys(hook).sort()).toEqual(['tap', 'tapAsync', 'tapPromise']);
      const record = hook as unknown as Record<string, unknown>;
      for (const forbidden of ['call', 'callAsync', 'promise', 'intercept', 'taps', 'interceptors']) expect(record[forbidden]).toBeUndefined();
    }
    for (const map of [view.verify, view.applyRecords, view.renderRoutes]) {
      expect(Object.keys(map)).toEqual(['for']);
      expect((map as unknown as Record<string, unknown>).get).toBeUndefined();
    }
    expect(Object.isFrozen(view)).toBe(true);
    expect(Object.isFrozen(view.detectProvider)).toBe(true);
  });

  it('refuse malformed taps inside apply (PLUGIN_APPLY_FAILED)', async () => {
    const kernel = createKernel({ services: createTestServices() });
    const bad: Array<(hooks: PluginHooks) => void> = [
      (hooks) => hooks.detectProvider.tap('  ', () => undefined),
      (hooks) => hooks.detectProvider.tap({ name: 'x', stage: Number.NaN }, () => undefined),
      (hooks) => hooks.verify.for(''),
      (hooks) => hooks.issueCert.tap('x', 'not a function' as never),
    ];
    for (const [index, tapBadly] of bad.entries()) {
      const error = await kernel.register({ plugin: plugin(`ext.bad-${index}`, ({ hooks }) => tapBadly(hooks)) }).catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'PLUGIN_APPLY_FAILED' });
    }
    expect(kernel.plugins).toEqual([]);
  });
});
