import { z } from '@portico/kernel';
import { DC_ID, RESERVED_PARAMETERS, loadShippedTemplate, templateSchema, templateVariables, type DomainConnectTemplate } from './template.ts';

const dnsName = z.string().regex(/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, { message: 'must be a DNS name' });

export const optionsSchema = z
  .object({
    /** The SaaS's Domain Connect service provider id (`providerId` of its template). */
    providerId: z.string().regex(DC_ID, { message: 'must be 1-63 letters, digits, ".", "-" or "_"' }),
    /** The template's `serviceId`. */
    serviceId: z.string().regex(DC_ID, { message: 'must be 1-63 letters, digits, ".", "-" or "_"' }),
    /** The template itself; omitted: `templates/<providerId>.<serviceId>.json` shipped in this package. */
    template: templateSchema.optional(),
    /** Name of the secret holding the PEM RSA private key apply URLs are signed with. */
    privateKeySecret: z.string().min(1).optional(),
    /** Label the public key is published under: `<keyHost>.<syncPubKeyDomain>` (the `key` parameter). */
    keyHost: z
      .string()
      .regex(/^_?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, { message: 'must be one DNS label such as _dcpubkeyv1' })
      .default('_dcpubkeyv1'),
    /** Where the public key is published; must equal the template's `syncPubKeyDomain` when both are set. */
    syncPubKeyDomain: dnsName.optional(),
    /** Where the DNS provider sends the user back; must be within the template's `syncRedirectDomain`. */
    redirectUri: z.url({ protocol: /^https?$/ }).optional(),
    /** Scheme of the settings URL discovery builds from the `_domainconnect` record. `http` is for tests. */
    settingsScheme: z.enum(['https', 'http']).default('https'),
    /** Limit of each discovery request, in milliseconds. */
    timeoutMs: z.number().int().min(1).max(60_000).default(5000),
    /**
     * Let discovery fetch from loopback, private and link-local addresses (a fake provider on 127.0.0.1). Only for
     * development and tests: any zone can name any host in its `_domainconnect` record.
     */
    allowPrivateAddresses: z.boolean().default(false),
  })
  .superRefine((options, ctx) => {
    if (options.template) for (const message of setupProblems(options, options.template)) ctx.addIssue({ code: 'custom', path: ['template'], message });
  });

export type DomainConnectOptions = z.input<typeof optionsSchema>;
export type Options = z.output<typeof optionsSchema>;

/** Whether the options and the template fit together; each problem says what to fix. */
export function setupProblems(options: Options, template: DomainConnectTemplate): string[] {
  const problems: string[] = [];
  if (template.providerId !== options.providerId || template.serviceId !== options.serviceId) {
    problems.push(`the template is ${template.providerId}/${template.serviceId}, but providerId/serviceId are ${options.providerId}/${options.serviceId}`);
  }
  if (template.syncBlock) problems.push('the template sets syncBlock: it cannot be applied with the synchronous flow');
  const keyDomain = template.syncPubKeyDomain;
  if (options.syncPubKeyDomain !== undefined && keyDomain !== undefined && options.syncPubKeyDomain.toLowerCase() !== keyDomain.toLowerCase()) {
    problems.push(`syncPubKeyDomain is ${options.syncPubKeyDomain}, but the template says ${keyDomain}`);
  }
  if (keyDomain !== undefined && options.privateKeySecret === undefined) {
    problems.push(`the template sets syncPubKeyDomain (${keyDomain}), so apply URLs must be signed: set privateKeySecret`);
  }
  if (options.redirectUri !== undefined && template.syncRedirectDomain !== undefined) {
    const host = new URL(options.redirectUri).hostname.toLowerCase();
    const domains = template.syncRedirectDomain.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
    if (!domains.some((d) => host === d || host.endsWith(`.${d}`))) problems.push(`redirectUri ${options.redirectUri} is not within the template's syncRedirectDomain (${template.syncRedirectDomain})`);
  }
  const reserved = templateVariables(template).filter((v) => RESERVED_PARAMETERS.has(v.toLowerCase()));
  if (reserved.length > 0) problems.push(`the template's variables ${reserved.map((v) => `%${v}%`).join(', ')} clash with parameters of the apply URL`);
  return problems;
}

/** The template in use, or undefined when none ships for the ids (apply then says so). */
export function templateOf(options: Options): DomainConnectTemplate | undefined {
  try {
    return options.template ?? loadShippedTemplate(options.providerId, options.serviceId);
  } catch {
    return undefined;
  }
}
