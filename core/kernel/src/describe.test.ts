import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestServices } from './conformance/test-services.ts';
import { definePlugin } from './define-plugin.ts';
import { KernelError } from './errors.ts';
import { createKernel } from './kernel.ts';

// `describe` may be a function of the parsed options, so descriptors can reflect configuration.
const txt = definePlugin({
  id: 'verify.txt-like',
  version: '1.0.0',
  kernel: '^0.1.0',
  options: z.object({ label: z.string().default('_default') }),
  describe: (options) => ({
    verificationMethods: [
      { method: 'txt-like', title: 'TXT', challenge: ({ hostname, token }) => [{ name: `${options.label}.${hostname}`, type: 'TXT', value: token }] },
    ],
  }),
  apply: () => {},
});

const kernelWith = () => createKernel({ services: createTestServices() });

describe('describe as a function of options', () => {
  it('builds the challenge from the configured options, defaults applied', async () => {
    const configured = kernelWith();
    await configured.register({ plugin: txt, options: { label: '_custom' } });
    expect(configured.challenge('txt-like', { hostname: 'a.example.com', token: 't' })[0].name).toBe('_custom.a.example.com');

    const defaulted = kernelWith();
    await defaulted.register({ plugin: txt });
    expect(defaulted.challenge('txt-like', { hostname: 'a.example.com', token: 't' })[0].name).toBe('_default.a.example.com');
    expect(defaulted.descriptors.verificationMethods.map((d) => d.plugin)).toEqual(['verify.txt-like']);
  });

  it('refuses a describe function that returns malformed descriptors or throws: PLUGIN_MALFORMED', async () => {
    for (const describeFn of [() => ({ verificationMethods: [{ title: 'no method key' }] }), () => { throw new Error('boom'); }]) {
      const plugin = definePlugin({ id: 'verify.bad', version: '1.0.0', kernel: '^0.1.0', options: z.object({}), describe: describeFn as never, apply: () => {} });
      const error = await kernelWith().register({ plugin }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KernelError);
      expect((error as KernelError).code).toBe('PLUGIN_MALFORMED');
    }
  });
});
