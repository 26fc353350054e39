import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, isPlugin } from './define-plugin.ts';
import { PLUGIN_BRAND } from './plugin.ts';

describe('definePlugin', () => {
  it('returns the definition frozen and branded, with a frozen copy of dependsOn', () => {
    const dependsOn = ['dns.memory'];
    const def = { id: 'verify.x', version: '1.0.0', kernel: '^0.1.0', dependsOn, options: z.object({}), apply: () => {} };
    const plugin = definePlugin(def);
    expect(plugin).toMatchObject({ id: 'verify.x', version: '1.0.0', kernel: '^0.1.0', dependsOn: ['dns.memory'] });
    expect(plugin[PLUGIN_BRAND]).toBe(true);
    expect(Object.isFrozen(plugin)).toBe(true);
    dependsOn.push('dns.other');
    expect(plugin.dependsOn).toEqual(['dns.memory']);
    expect(Object.isFrozen(plugin.dependsOn)).toBe(true);
    expect(Object.isFrozen(def)).toBe(false);
  });

  it('infers the options type from the schema into apply', () => {
    definePlugin({
      id: 'dns.x',
      version: '1.0.0',
      kernel: '^0.1.0',
      options: z.object({ url: z.url(), ttl: z.number().default(300) }),
      apply: ({ options }) => {
        expectTypeOf(options).toEqualTypeOf<{ url: string; ttl: number }>();
      },
    });
  });
});

describe('isPlugin', () => {
  it('tells a plugin from look-alikes', () => {
    const plugin = definePlugin({ id: 'dns.x', version: '1.0.0', kernel: '^0.1.0', options: z.object({}), apply: () => {} });
    expect(isPlugin(plugin)).toBe(true);
    expect(isPlugin({ ...plugin })).toBe(true);
    const { [PLUGIN_BRAND]: _brand, ...unbranded } = plugin;
    expect(isPlugin(unbranded)).toBe(false);
    expect(isPlugin({ [Symbol('@portico/kernel/plugin')]: true })).toBe(false);
    expect(isPlugin(null)).toBe(false);
    expect(isPlugin('dns.x')).toBe(false);
  });
});
