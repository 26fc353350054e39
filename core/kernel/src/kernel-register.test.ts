import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestServices } from './conformance/test-services.ts';
import { definePlugin } from './define-plugin.ts';
import { KernelError, type KernelErrorCode } from './errors.ts';
import { createKernel, type KernelOptions } from './kernel.ts';
import { PLUGIN_BRAND, type PluginContext, type PluginDefinition, type PluginSpec } from './plugin.ts';

const noop = () => {};
const plugin = (id: string, more: Partial<PluginDefinition> = {}) =>
  definePlugin({ id, version: '1.0.0', kernel: '^0.1.0', options: z.object({}), apply: noop, ...more });
const kernelWith = (options: Partial<KernelOptions> = {}) => createKernel({ services: createTestServices(), ...options });

async function codeOf(promise: Promise<unknown>): Promise<KernelErrorCode | undefined> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(KernelError);
  return (error as KernelError).code;
}

const verifyInput = { hostname: 'shop.example.com', token: 't' };

describe('register refuses', () => {
  it.each([
    ['a spec that is not an object', 'dns.x'],
    ['a plain object that is not branded', { plugin: { id: 'dns.x', version: '1.0.0', kernel: '^0.1.0', options: z.object({}), apply: noop } }],
    ['a plugin passed without { plugin }', plugin('dns.x')],
    ['a missing version', { plugin: { ...plugin('dns.x'), version: undefined } }],
    ['a version that is not semver', { plugin: { ...plugin('dns.x'), version: 'latest' } }],
    ['options that are not a schema', { plugin: { ...plugin('dns.x'), options: {} } }],
    ['apply that is not a function', { plugin: { ...plugin('dns.x'), apply: 'yes' } }],
    ['dependsOn that is not a list of ids', { plugin: { ...plugin('dns.x'), dependsOn: 'dns.y' } }],
    ['a descriptor without its key', { plugin: plugin('dns.x', { describe: { dnsProviders: [{ displayName: 'X' } as never] } }) }],
  ])('%s: PLUGIN_MALFORMED', async (_, spec) => {
    expect(await codeOf(kernelWith().register(spec as PluginSpec))).toBe('PLUGIN_MALFORMED');
  });

  it.each(['powerdns', 'dns.PowerDNS', 'db.x', 'dns.', 'dns.-x', 'dns.x_y'])('id %j: PLUGIN_ID_INVALID', async (id) => {
    expect(await codeOf(kernelWith().register({ plugin: plugin(id) }))).toBe('PLUGIN_ID_INVALID');
  });

  it('an id registered before: PLUGIN_DUPLICATE', async () => {
    const kernel = kernelWith();
    await kernel.register({ plugin: plugin('dns.x') });
    expect(await codeOf(kernel.register({ plugin: plugin('dns.x') }))).toBe('PLUGIN_DUPLICATE');
  });

  it('a DNS provider key another plugin offers: PLUGIN_DUPLICATE', async () => {
    const describe = { dnsProviders: [{ apiVersion: 1, provider: 'p', displayName: 'P', setup: 'domain-connect' as const, nameservers: [] }] };
    const kernel = kernelWith();
    await kernel.register({ plugin: plugin('dns.a', { describe }) });
    expect(await codeOf(kernel.register({ plugin: plugin('dns.b', { describe }) }))).toBe('PLUGIN_DUPLICATE');
  });

  it('a verification method offered twice by one plugin: PLUGIN_DUPLICATE', async () => {
    const method = { method: 'm', title: 'M', challenge: () => [] };
    const spec = { plugin: plugin('verify.a', { describe: { verificationMethods: [method, method] } }) };
    expect(await codeOf(kernelWith().register(spec))).toBe('PLUGIN_DUPLICATE');
  });

  it('a verify key another plugin already answers: PLUGIN_DUPLICATE, and the first one keeps answering', async () => {
    const answering = (id: string) =>
      plugin(id, {
        apply: ({ hooks }) => hooks.verify.for('m').tapPromise(id, async () => ({ status: 'verified', expected: [], message: id })),
      });
    const kernel = kernelWith();
    await kernel.register({ plugin: answering('verify.a') });
    expect(await codeOf(kernel.register({ plugin: answering('verify.b') }))).toBe('PLUGIN_DUPLICATE');
    expect((await kernel.verify('m', verifyInput)).message).toBe('verify.a');
  });

  it.each(['^1.0.0', '<0.1.0', 'not a range'])('kernel range %j: PLUGIN_KERNEL_INCOMPATIBLE', async (kernel) => {
    expect(await codeOf(kernelWith().register({ plugin: plugin('dns.x', { kernel }) }))).toBe('PLUGIN_KERNEL_INCOMPATIBLE');
  });

  it('accepts a prerelease kernel in range', async () => {
    const kernel = kernelWith({ version: '0.2.0-rc.1' });
    await kernel.register({ plugin: plugin('dns.x', { kernel: '>=0.1.0' }) });
    expect(kernel.plugins).toEqual([{ id: 'dns.x', version: '1.0.0' }]);
  });

  it('a dependency not registered before: PLUGIN_DEPENDENCY_MISSING', async () => {
    const kernel = kernelWith();
    const dependent = plugin('verify.x', { dependsOn: ['dns.x'] });
    expect(await codeOf(kernel.register({ plugin: dependent }))).toBe('PLUGIN_DEPENDENCY_MISSING');
    await kernel.register({ plugin: plugin('dns.x') });
    await kernel.register({ plugin: dependent });
    expect(kernel.plugins.map((p) => p.id)).toEqual(['dns.x', 'verify.x']);
  });

  it('options the schema rejects: PLUGIN_OPTIONS_INVALID with every issue in details', async () => {
    const options = z.object({ listen: z.object({ port: z.number().max(65535) }), zone: z.string() });
    const error = await kernelWith()
      .register({ plugin: plugin('dns.memory', { options }), options: { listen: { port: 70000 } } })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    expect((error as KernelError).details).toEqual([
      { path: 'listen.port', message: expect.any(String) },
      { path: 'zone', message: expect.any(String) },
    ]);
    expect((error as KernelError).message).toContain('dns.memory');
    expect((error as KernelError).message).toContain('listen.port');
  });

  it('an apply that throws: PLUGIN_APPLY_FAILED with the cause', async () => {
    const cause = new Error('boom');
    const error = await kernelWith()
      .register({ plugin: plugin('dns.x', { apply: () => { throw cause; } }) })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'PLUGIN_APPLY_FAILED', cause });
    const rejected = kernelWith().register({ plugin: plugin('dns.x', { apply: async () => Promise.reject(cause) }) });
    expect(await codeOf(rejected)).toBe('PLUGIN_APPLY_FAILED');
  });

  it('an apply slower than applyTimeoutMs: PLUGIN_APPLY_TIMEOUT', async () => {
    const never = new Promise<void>(noop);
    const spec = { plugin: plugin('dns.x', { apply: () => never }) };
    expect(await codeOf(kernelWith({ applyTimeoutMs: 20 }).register(spec))).toBe('PLUGIN_APPLY_TIMEOUT');
  });
});

describe('register', () => {
  it('parses options with defaults into apply, absent options as {}', async () => {
    const seen: unknown[] = [];
    const options = z.object({ ttl: z.number().default(300) });
    const kernel = kernelWith();
    await kernel.register({ plugin: plugin('dns.a', { options, apply: ({ options }) => void seen.push(options) }) });
    await kernel.register({ plugin: plugin('dns.b', { options, apply: ({ options }) => void seen.push(options) }), options: { ttl: 60 } });
    expect(seen).toEqual([{ ttl: 300 }, { ttl: 60 }]);
  });

  it('gives each plugin a logger bound to its id', async () => {
    const services = createTestServices();
    await createKernel({ services }).register({ plugin: plugin('dns.x', { apply: ({ services }) => services.logger.info('hello') }) });
    expect(services.logs).toContainEqual(expect.objectContaining({ obj: 'hello', bindings: { plugin: 'dns.x' } }));
  });

  it('a refused plugin leaves no trace: the same id can be registered afterwards', async () => {
    const kernel = kernelWith();
    await kernel.register({ plugin: plugin('dns.x', { apply: () => { throw new Error('first try'); } }) }).catch(noop);
    expect(kernel.plugins).toEqual([]);
    await kernel.register({ plugin: plugin('dns.x') });
    expect(kernel.plugins).toEqual([{ id: 'dns.x', version: '1.0.0' }]);
  });

  it('registers concurrent calls one at a time, so a duplicate is still caught', async () => {
    const kernel = kernelWith();
    const slow = plugin('dns.x', { apply: () => new Promise<void>((resolve) => setTimeout(resolve, 10)) });
    const results = await Promise.allSettled([kernel.register({ plugin: slow }), kernel.register({ plugin: slow })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'PLUGIN_DUPLICATE' });
  });

  it('registerAll registers in order and stops at the first refusal', async () => {
    const kernel = kernelWith();
    const result = kernel.registerAll([{ plugin: plugin('dns.a') }, { plugin: plugin('dns.b', { kernel: '^9.0.0' }) }, { plugin: plugin('dns.c') }]);
    expect(await codeOf(result)).toBe('PLUGIN_KERNEL_INCOMPATIBLE');
    expect(kernel.plugins.map((p) => p.id)).toEqual(['dns.a']);
  });

  it('aggregates descriptors, tagged with the plugin offering them', async () => {
    const kernel = kernelWith();
    const edges = [{ edge: 'caddy', displayName: 'Caddy' }];
    await kernel.register({ plugin: plugin('edge.caddy', { describe: { edges } }) });
    expect(kernel.descriptors).toEqual({ verificationMethods: [], dnsProviders: [], edges: [{ ...edges[0], plugin: 'edge.caddy' }] });
  });

  it('the branded value is frozen', () => {
    const p = plugin('dns.x');
    expect(Object.isFrozen(p)).toBe(true);
    expect(p[PLUGIN_BRAND]).toBe(true);
  });
});

describe('rollback of a failed apply', () => {
  const tapEverything = ({ hooks }: PluginContext<unknown>) => {
    hooks.detectProvider.tap('x', () => ({ provider: 'x', displayName: 'X', confidence: 'high', setup: 'manual' }));
    hooks.verify.for('m').tap('x', () => ({ status: 'verified', expected: [], message: 'yes' }));
    hooks.issueCert.tap('x', () => ({ kind: 'delegated', by: 'x', message: 'm' }));
  };

  it('leaves none of the taps made before apply threw', async () => {
    const kernel = kernelWith();
    const apply = (ctx: PluginContext<unknown>) => {
      tapEverything(ctx);
      throw new Error('late failure');
    };
    await kernel.register({ plugin: plugin('ext.x', { apply }) }).catch(noop);
    expect(await codeOf(kernel.verify('m', verifyInput))).toBe('VERIFY_METHOD_UNKNOWN');
    expect(await codeOf(kernel.detectProvider({ hostname: 'a.example.com', nameservers: [] }))).toBe('PROVIDER_NOT_DETECTED');
    expect(await codeOf(kernel.issueCert({ hostnames: ['a.example.com'] }))).toBe('NO_CERT_ISSUER');
  });

  it('leaves none of the taps of a timed-out apply, even those made after the timeout', async () => {
    const kernel = kernelWith({ applyTimeoutMs: 20 });
    let release = noop;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let lateTap: unknown;
    const apply = async (ctx: PluginContext<unknown>) => {
      ctx.hooks.detectProvider.tap('x', () => ({ provider: 'x', displayName: 'X', confidence: 'high', setup: 'manual' }));
      await gate;
      try {
        tapEverything(ctx);
      } catch (err) {
        lateTap = err;
      }
    };
    const registration = kernel.register({ plugin: plugin('ext.x', { apply }) });
    expect(await codeOf(registration)).toBe('PLUGIN_APPLY_TIMEOUT');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lateTap).toBeInstanceOf(Error);
    expect((lateTap as Error).message).toMatch(/after its apply finished/);
    expect(await codeOf(kernel.verify('m', verifyInput))).toBe('VERIFY_METHOD_UNKNOWN');
    expect(await codeOf(kernel.detectProvider({ hostname: 'a.example.com', nameservers: [] }))).toBe('PROVIDER_NOT_DETECTED');
  });

  it('runs the cleanup a failed plugin registered, and keeps none for close()', async () => {
    const calls: string[] = [];
    const kernel = kernelWith();
    const apply = ({ services }: PluginContext<unknown>) => {
      services.onClose(() => void calls.push('first'));
      services.onClose(() => void calls.push('second'));
      throw new Error('failed after opening things');
    };
    await kernel.register({ plugin: plugin('ext.x', { apply }) }).catch(noop);
    expect(calls).toEqual(['second', 'first']);
    await kernel.close();
    expect(calls).toEqual(['second', 'first']);
  });
});
