import { defineVerifier, packageFacts, verifierOptions, z } from '@portico/kernel';
import { decide, expectedRecord } from './check.ts';

export { VALUE_PREFIX, decide, expectedRecord } from './check.ts';

export const optionsSchema = z.object({
  /** The label prepended to the hostname: the record lives at `<recordName>.<hostname>`. */
  recordName: verifierOptions.recordName(),
});

export type DnsTxtOptions = z.input<typeof optionsSchema>;

export default defineVerifier({
  id: 'verify.dns-txt',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  methods: [
    {
      method: 'dns-txt',
      title: 'TXT record',
      challenge: ({ hostname, token }, options) => [expectedRecord(options.recordName, hostname, token)],
      check: async ({ expected: [expected], dns, signal }) => decide(await dns.query(expected.name, 'TXT', { signal }), expected),
    },
  ],
});
