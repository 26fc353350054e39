import { defineVerifier, packageFacts, z } from '@portico/kernel';
import { MAX_REDIRECTS, chooseAddress, decideFetch, expectedRecord, type Served } from './check.ts';
import { fetchPinned } from './fetch.ts';

export { nonPublicReason } from './addresses.ts';
export { MAX_REDIRECTS, WELL_KNOWN_PATH, challengeUrl, chooseAddress, decideFetch, expectedRecord } from './check.ts';
export type { Destination, Served } from './check.ts';
export { fetchPinned } from './fetch.ts';
export type { FetchOptions, FetchOutcome } from './fetch.ts';

export const optionsSchema = z.object({
  /** `http` (default: works before the hostname has a certificate) or `https`. */
  scheme: z.enum(['http', 'https']).default('http'),
  /** Port to connect to; default 80 for http, 443 for https. */
  port: z.number().int().min(1).max(65535).optional(),
  /** Fetch from private, loopback, link-local… addresses too. Only for development and tests. */
  allowPrivateAddresses: z.boolean().default(false),
  /** For the whole fetch, redirects included (DNS lookups have their own limits). */
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /** Largest body read; a larger file is a mismatch. */
  maxBytes: z.number().int().min(64).max(1_048_576).default(4096),
});

export type HttpFileOptions = z.input<typeof optionsSchema>;

/** The scheme and port the challenge is served on. */
const served = (options: z.output<typeof optionsSchema>): Served => ({
  scheme: options.scheme,
  port: options.port ?? (options.scheme === 'https' ? 443 : 80),
});

export default defineVerifier({
  id: 'verify.http-file',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  methods: [
    {
      method: 'http-file',
      title: 'File on your web server',
      challenge: ({ hostname, token }, options) => [expectedRecord(served(options), hostname, token)],
      async check({ expected: [expected], options, dns, signal }) {
        const url = new URL(expected.name);
        // Resolved through Portico's DNS service, not the OS, and connected to exactly the address checked here.
        const [a, aaaa] = await Promise.all([dns.query(url.hostname, 'A', { signal }), dns.query(url.hostname, 'AAAA', { signal })]);
        const destination = chooseAddress({ a, aaaa }, expected, options.allowPrivateAddresses);
        if (destination.kind === 'result') return destination.result;
        const outcome = await fetchPinned({
          url,
          address: destination.address,
          timeoutMs: options.timeoutMs,
          maxBytes: options.maxBytes,
          maxRedirects: MAX_REDIRECTS,
          signal,
        });
        return decideFetch(outcome, expected, { address: destination.address, maxBytes: options.maxBytes });
      },
    },
  ],
});
