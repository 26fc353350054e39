import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestKernel, createTestServices } from './conformance/test-services.ts';
import { definePlugin } from './define-plugin.ts';
import { KernelError, type KernelErrorCode } from './errors.ts';
import type { RenderRoutesState, Route } from './hooks.ts';
import { createKernel } from './kernel.ts';
import type { PluginContext, PluginDefinition } from './plugin.ts';

const plugin = (id: string, apply: (ctx: PluginContext<unknown>) => void, more: Partial<PluginDefinition> = {}) =>
  definePlugin({ id, version: '1.0.0', kernel: '^0.1.0', options: z.object({}), apply, ...more });

async function codeOf(promise: Promise<unknown>): Promise<KernelErrorCode | undefined> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(KernelError);
  return (error as KernelError).code;
}

const route: Route = { hostname: 'shop.example.com', basePath: '/', upstream: { host: 'app', port: 8080 }, stripPath: false, protocol: 'https' };
const detectInput = { hostname: 'shop.example.com', zone: 'example.com', nameservers: ['ns1.example.net'] };
const verifyInput = { hostname: 'shop.example.com', token: 'tok' };
const applyInput = { zone: 'example.com', upsert: [], remove: [] };

describe('when nobody answers, each call raises its typed error', () => {
  it('detectProvider: PROVIDER_NOT_DETECTED, also when every tap passes', async () => {
    expect(await codeOf((await createTestKernel([])).detectProvider(detectInput))).toBe('PROVIDER_NOT_DETECTED');
    const passing = plugin('dns.a', ({ hooks }) => hooks.detectProvider.tap('dns.a', () => undefined));
    expect(await codeOf((await createTestKernel([{ plugin: passing }])).detectProvider(detectInput))).toBe('PROVIDER_NOT_DETECTED');
  });

  it('verify: VERIFY_METHOD_UNKNOWN without a tap, HOOK_NO_ANSWER when the tap returns undefined', async () => {
    const kernel = await createTestKernel([{ plugin: plugin('verify.a', ({ hooks }) => hooks.verify.for('silent').tap('verify.a', () => undefined)) }]);
    expect(await codeOf(kernel.verify('dns-txt', verifyInput))).toBe('VERIFY_METHOD_UNKNOWN');
    expect(await codeOf(kernel.verify('silent', verifyInput))).toBe('HOOK_NO_ANSWER');
  });

  it('challenge: VERIFY_METHOD_UNKNOWN without a descriptor', async () => {
    const kernel = await createTestKernel([]);
    expect(() => kernel.challenge('dns-txt', verifyInput)).toThrow(expect.objectContaining({ code: 'VERIFY_METHOD_UNKNOWN' }));
  });

  it('applyRecords: DNS_PROVIDER_UNKNOWN without a tap, HOOK_NO_ANSWER when the tap returns undefined', async () => {
    const kernel = await createTestKernel([{ plugin: plugin('dns.a', ({ hooks }) => hooks.applyRecords.for('silent').tapPromise('dns.a', async () => undefined)) }]);
    expect(await codeOf(kernel.applyRecords('memory', applyInput))).toBe('DNS_PROVIDER_UNKNOWN');
    expect(await codeOf(kernel.applyRecords('silent', applyInput))).toBe('HOOK_NO_ANSWER');
  });

  it('renderRoutes: EDGE_UNKNOWN without a tap, HOOK_NO_ANSWER when only decorators tapped', async () => {
    const decorator = plugin('ext.decorate', ({ hooks }) =>
      hooks.renderRoutes.for('caddy').tap({ name: 'ext.decorate', stage: 10 }, (state) => state),
    );
    const kernel = await createTestKernel([{ plugin: decorator }]);
    expect(await codeOf(kernel.renderRoutes('traefik', { routes: [route] }))).toBe('EDGE_UNKNOWN');
    expect(await codeOf(kernel.renderRoutes('caddy', { routes: [route] }))).toBe('HOOK_NO_ANSWER');
  });

  it('issueCert: NO_CERT_ISSUER', async () => {
    expect(await codeOf((await createTestKernel([])).issueCert({ hostnames: ['shop.example.com'] }))).toBe('NO_CERT_ISSUER');
  });
});

describe('answers', () => {
  it('detectProvider and issueCert: the first tap that answers wins', async () => {
    const calls: string[] = [];
    const a = plugin('dns.a', ({ hooks }) => {
      hooks.detectProvider.tap('dns.a', () => void calls.push('dns.a'));
      hooks.issueCert.tapPromise('dns.a', async () => undefined);
    });
    const b = plugin('edge.b', ({ hooks }) => {
      hooks.detectProvider.tapPromise('edge.b', async () => {
        calls.push('edge.b');
        return { provider: 'b', displayName: 'B', confidence: 'high', setup: 'api' };
      });
      hooks.issueCert.tapAsync('edge.b', (_input, callback) => callback(null, { kind: 'delegated', by: 'edge.b', message: 'on demand' }));
    });
    const c = plugin('ext.c', ({ hooks }) => hooks.detectProvider.tap('ext.c', () => void calls.push('ext.c')));
    const kernel = await createTestKernel([{ plugin: a }, { plugin: b }, { plugin: c }]);
    expect(await kernel.detectProvider(detectInput)).toMatchObject({ provider: 'b' });
    expect(calls).toEqual(['dns.a', 'edge.b']);
    expect(await kernel.issueCert({ hostnames: ['shop.example.com'] })).toMatchObject({ kind: 'delegated', by: 'edge.b' });
  });

  it('verify and applyRecords reach the plugin tapping that key, with the input as given', async () => {
    const seen: unknown[] = [];
    const p = plugin('dns.a', ({ hooks }) => {
      hooks.verify.for('dns-txt').tap('dns.a', (input) => {
        seen.push(input);
        return { status: 'missing', expected: [], message: 'nothing yet' };
      });
      hooks.applyRecords.for('memory').tapPromise('dns.a', async () => ({ changes: [], applied: true }));
    });
    const kernel = await createTestKernel([{ plugin: p }]);
    const input = { ...verifyInput, extra: 1 };
    expect((await kernel.verify('dns-txt', input)).status).toBe('missing');
    expect(seen).toEqual([input]);
    expect(await kernel.applyRecords('memory', applyInput)).toEqual({ changes: [], applied: true });
  });

  it('challenge comes from the descriptor, with only hostname and token', async () => {
    const challenge = ({ hostname, token, ...rest }: { hostname: string; token: string }) => [
      { name: `_c.${hostname}`, type: 'TXT' as const, value: `${token}:${Object.keys(rest).length}` },
    ];
    const p = plugin('verify.a', () => {}, { describe: { verificationMethods: [{ method: 'm', title: 'M', challenge }] } });
    const kernel = await createTestKernel([{ plugin: p }]);
    expect(kernel.challenge('m', { ...verifyInput, extra: true } as typeof verifyInput)).toEqual([
      { name: '_c.shop.example.com', type: 'TXT', value: 'tok:0' },
    ]);
  });

  it('renderRoutes runs the edge first, then decorators by stage, whatever the registration order', async () => {
    type Out = { config: string[] };
    const decorate = (name: string) => (state: RenderRoutesState) => ({ ...state, output: { config: [...(state.output as Out).config, name] } });
    const late = plugin('ext.late', ({ hooks }) => hooks.renderRoutes.for('caddy').tap({ name: 'ext.late', stage: 20 }, decorate('late')));
    const early = plugin('ext.early', ({ hooks }) => hooks.renderRoutes.for('caddy').tap({ name: 'ext.early', stage: 10 }, decorate('early')));
    const edge = plugin('edge.caddy', ({ hooks }) =>
      hooks.renderRoutes.for('caddy').tapPromise('edge.caddy', async (state) => ({
        ...state,
        output: { config: state.routes.map((r) => `${state.edge}:${r.hostname}`) },
      })),
    );
    const observer = plugin('ext.observer', ({ hooks }) =>
      // Returning undefined keeps the state as it is (tapable's waterfall), though the type asks for a state.
      hooks.renderRoutes.for('caddy').tap({ name: 'ext.observer', stage: 30 }, (() => undefined) as unknown as (s: RenderRoutesState) => RenderRoutesState),
    );
    const kernel = await createTestKernel([{ plugin: late }, { plugin: early }, { plugin: edge }, { plugin: observer }]);
    expect(await kernel.renderRoutes('caddy', { routes: [route] })).toEqual({ config: ['caddy:shop.example.com', 'early', 'late'] });
  });

  it('errors a plugin throws reach the caller unchanged', async () => {
    const failure = new Error('provider API down');
    const p = plugin('dns.a', ({ hooks }) => hooks.applyRecords.for('memory').tapPromise('dns.a', () => Promise.reject(failure)));
    const kernel = await createTestKernel([{ plugin: p }]);
    await expect(kernel.applyRecords('memory', applyInput)).rejects.toBe(failure);
  });
});

describe('close', () => {
  it('runs every onClose callback, last registered first, logging failures instead of throwing', async () => {
    const calls: string[] = [];
    const p = (id: string) =>
      plugin(id, ({ services }) => {
        services.onClose(() => void calls.push(`${id}:1`));
        services.onClose(async () => {
          calls.push(`${id}:2`);
          throw new Error('cannot close');
        });
      });
    const services = createTestServices();
    const kernel = createKernel({ services });
    await kernel.registerAll([{ plugin: p('dns.a') }, { plugin: p('dns.b') }]);
    await kernel.close();
    expect(calls).toEqual(['dns.b:2', 'dns.b:1', 'dns.a:2', 'dns.a:1']);
    expect(services.logs.filter((l) => l.level === 'error' && l.msg === 'onClose callback failed')).toHaveLength(2);
    await kernel.close();
    expect(calls).toHaveLength(4);
  });
});

describe('deployRoutes', () => {
  const edge = (deliver: boolean) =>
    plugin('edge.x', ({ hooks }) => {
      hooks.renderRoutes.for('x').tap('edge.x', (state: RenderRoutesState) => ({ ...state, output: { routes: state.routes.length } }));
      if (deliver) {
        hooks.renderRoutes.for('x').tap({ name: 'edge.x', stage: 1000 }, (state: RenderRoutesState) => {
          if (state.dryRun) return { ...state, preview: { changed: true, diff: '+ routes: 1', summary: '1 route would change' } };
          return state.deliver ? { ...state, delivered: { at: new Date(0), detail: 'pushed' } } : state;
        });
      }
    });

  it('asks the delivery stage to push and reports what it did; renderRoutes never delivers', async () => {
    const kernel = await createTestKernel([{ plugin: edge(true) }]);
    expect(await kernel.deployRoutes('x', { routes: [route] })).toEqual({ output: { routes: 1 }, delivered: { at: new Date(0), detail: 'pushed' }, skipped: [] });
    expect(await kernel.renderRoutes('x', { routes: [route] })).toEqual({ routes: 1 });
  });

  it('EDGE_NOT_DELIVERED when the edge plugin renders but has no delivery', async () => {
    const kernel = await createTestKernel([{ plugin: edge(false) }]);
    expect(await codeOf(kernel.deployRoutes('x', { routes: [route] }))).toBe('EDGE_NOT_DELIVERED');
  });

  it('previewDeploy asks for a dry run and never sets deliver; no preview when the plugin has no dry run', async () => {
    const seen: RenderRoutesState[] = [];
    const spy = plugin('edge.spy', ({ hooks }) => {
      hooks.renderRoutes.for('x').tap({ name: 'edge.spy', stage: 500 }, (state: RenderRoutesState) => (seen.push(state), state));
    });
    const kernel = await createTestKernel([{ plugin: edge(true) }, { plugin: spy }]);
    expect(await kernel.previewDeploy('x', { routes: [route] })).toEqual({ output: { routes: 1 }, preview: { changed: true, diff: '+ routes: 1', summary: '1 route would change' }, skipped: [] });
    expect(seen[0]).toMatchObject({ deliver: false, dryRun: true });
    const plain = await createTestKernel([{ plugin: edge(false) }]);
    expect(await plain.previewDeploy('x', { routes: [route] })).toEqual({ output: { routes: 1 }, skipped: [] });
  });
});

describe('edge targets', () => {
  const apply = ({ hooks }: PluginContext<unknown>) => {
    hooks.renderRoutes.for('t').tap('edge.t', (state: RenderRoutesState) => ({ ...state, output: 'config' }));
    hooks.renderRoutes.for('t').tap({ name: 'edge.t', stage: 1000 }, (state: RenderRoutesState) =>
      state.deliver ? { ...state, delivered: { at: new Date(0), detail: JSON.stringify(state.target) } } : state,
    );
  };
  const edgeWith = (target?: unknown) => plugin('edge.t', apply, { describe: { edges: [{ edge: 't', displayName: 'T', ...(target === undefined ? {} : { target }) }] } as never });
  const targeted = edgeWith();
  const withTarget = edgeWith(z.object({ url: z.url(), retries: z.number().default(2) }));

  it('parses the target options with the descriptor schema and hands them to the delivery tap', async () => {
    const kernel = await createTestKernel([{ plugin: withTarget }]);
    const { delivered } = await kernel.deployRoutes('t', { routes: [route], target: { id: 'caddy-2', options: { url: 'http://10.0.0.2:2019' } } });
    expect(JSON.parse(delivered.detail!)).toEqual({ id: 'caddy-2', options: { url: 'http://10.0.0.2:2019', retries: 2 } });
    expect(kernel.parseEdgeTarget('t', { url: 'http://x.test' })).toEqual({ url: 'http://x.test', retries: 2 });
  });

  it('EDGE_TARGET_INVALID for options the schema refuses, or options given to a plugin that takes none', async () => {
    const kernel = await createTestKernel([{ plugin: withTarget }]);
    expect(await codeOf(kernel.deployRoutes('t', { routes: [route], target: { id: 'a', options: { url: 'not a url' } } }))).toBe('EDGE_TARGET_INVALID');
    const plain = await createTestKernel([{ plugin: targeted }]);
    expect(() => plain.parseEdgeTarget('t', { url: 'http://x.test' })).toThrow(expect.objectContaining({ code: 'EDGE_TARGET_INVALID' }));
    expect(plain.parseEdgeTarget('t', undefined)).toBeUndefined();
    expect(() => plain.parseEdgeTarget('nope', undefined)).toThrow(expect.objectContaining({ code: 'EDGE_UNKNOWN' }));
  });

  it('refuses a target that is not a zod schema at registration', async () => {
    await expect(createTestKernel([{ plugin: edgeWith({ url: 'string' }) }])).rejects.toMatchObject({ code: 'PLUGIN_MALFORMED' });
  });
});
