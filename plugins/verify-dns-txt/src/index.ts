import { definePlugin, z } from '@portico/kernel';
import { decide, expectedRecord } from './check.ts';

export { VALUE_PREFIX, decide, expectedRecord } from './check.ts';

export const optionsSchema = z.object({
  /** The label prepended to the hostname: the record lives at `<recordName>.<hostname>`. */
  recordName: z
    .string()
    .regex(/^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/, {
      message: "must be one DNS label: 1-63 lower-case letters, digits, '-' or '_', not starting or ending with '-'",
    })
    .default('_portico-challenge'),
});

export type DnsTxtOptions = z.input<typeof optionsSchema>;

export default definePlugin({
  id: 'verify.dns-txt',
  version: '0.1.0',
  kernel: '^0.1.0',
  options: optionsSchema,
  describe: (options) => ({
    verificationMethods: [
      {
        method: 'dns-txt',
        title: 'TXT record',
        challenge: ({ hostname, token }) => [expectedRecord(options.recordName, hostname, token)],
      },
    ],
  }),
  apply({ hooks, services, options }) {
    hooks.verify.for('dns-txt').tapPromise('verify.dns-txt', async ({ hostname, token, signal }) => {
      const expected = expectedRecord(options.recordName, hostname, token);
      try {
        return decide(await services.dns.query(expected.name, 'TXT', { signal }), expected);
      } catch (error) {
        // The lookup service should report failures as answers; if it throws anyway, that is still a checker error.
        const code = (error as { code?: unknown } | null)?.code;
        const message = error instanceof Error ? error.message : String(error);
        return decide({ status: 'error', code: typeof code === 'string' ? code : 'EUNKNOWN', message }, expected);
      }
    });
  },
});
