/**
 * `dns.webhook`: Portico writes records through a DNS provider server of its own, over HTTP/JSON (Portico's DNS
 * webhook protocol, external-dns's webhook provider protocol with Portico's additions). A thin adapter over the
 * protocol client (client.ts); the kernel plans, checks ownership and refuses to clobber (dns-plan.ts).
 */
import { defineDnsProvider, packageFacts, z } from '@portico/kernel';
import { webhookProviderClient } from './adapter.ts';
import { createWebhookDnsClient } from './client.ts';

export * from './client.ts';
export { toWebhookChanges, webhookProviderClient } from './adapter.ts';

const serverUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL, e.g. http://127.0.0.1:8888' })
  // A token belongs in the credential, where it is stored encrypted; options are plain text in the config file.
  .refine((url) => !/^[a-z]+:\/\/[^/?#]*@/i.test(url), { error: 'the URL must not carry user:password; put a token in the credential' });

export const optionsSchema = z.object({
  /** The webhook server's base URL. */
  url: serverUrl,
  /** Longest wait for one request, answer body included. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** `comment`: the owner marker travels in `labels["portico/comment"]` (the server must keep it); `txt`: owner TXT records. */
  ownership: z.enum(['comment', 'txt']).default('comment'),
  /** Shown in the console and in messages. */
  displayName: z.string().min(1).default('DNS webhook'),
});

export type WebhookPluginOptions = z.input<typeof optionsSchema>;

export const credentialsSchema = z.object({
  token: z
    .string()
    .min(1)
    .optional()
    .meta({ title: 'Bearer token', description: 'The token the webhook server was started with (sent as Authorization: Bearer). Leave empty when the server asks for none.' }),
});

export type WebhookCredentials = z.output<typeof credentialsSchema>;

/** One line per permission, as the README states them. */
export const WEBHOOK_PERMISSIONS = [
  'Bearer token: the one the webhook server is configured with, sent as Authorization: Bearer. The server decides what it allows; Portico needs GET /, GET /records and POST /records for the zones it manages.',
  'Network: the webhook server reachable from Portico only (loopback, or a private network over HTTPS).',
];

export default defineDnsProvider({
  id: 'dns.webhook',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  credentials: credentialsSchema,
  provider: (options) => ({
    provider: 'webhook',
    displayName: options.displayName,
    setup: 'api',
    // A webhook server fronts DNS the operator runs; it has no nameservers of its own to recognise.
    nameservers: [],
    // One POST /records per apply, which the protocol requires a server to apply all or nothing.
    capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: options.ownership },
    permissions: WEBHOOK_PERMISSIONS,
    connect: ({ credentials, services }) =>
      webhookProviderClient(createWebhookDnsClient({ url: options.url, token: credentials.token, timeoutMs: options.timeoutMs, fetch: services.fetch }), {
        ownership: options.ownership,
      }),
  }),
});
