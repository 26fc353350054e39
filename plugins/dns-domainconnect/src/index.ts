import { definePlugin, DNS_PROVIDER_API_VERSION, packageFacts } from '@portico/kernel';
import { applyWithConsent } from './apply.ts';
import { discover, discoveryOptions } from './discovery.ts';
import { optionsSchema, setupProblems, templateOf } from './options.ts';
import { loadShippedTemplate } from './template.ts';

export { optionsSchema, setupProblems } from './options.ts';
export type { DomainConnectOptions } from './options.ts';
export { buildApplyUrl, publicKeyRecords, signQuery } from './sign.ts';
export type { ApplyUrlInput } from './sign.ts';
export { expandTemplate, loadShippedTemplate, matchTemplate, templateSchema, templateVariables } from './template.ts';
export type { DomainConnectTemplate, ExpandInput, TemplateMatch, TemplateRecord } from './template.ts';
export { discover, discoveryOptions, settingsSchema } from './discovery.ts';
export type { Discovery, DiscoveryOptions, DiscoverySetup, DomainConnectSettings } from './discovery.ts';
export { relativeHost } from './apply.ts';

const PROVIDER = 'domainconnect';

export default definePlugin({
  id: 'dns.domainconnect',
  ...packageFacts(import.meta.url),
  options: optionsSchema,
  describe: (options) => {
    const keyDomain = options.syncPubKeyDomain ?? templateOf(options)?.syncPubKeyDomain ?? '<syncPubKeyDomain>';
    return {
      dnsProviders: [
        {
          apiVersion: DNS_PROVIDER_API_VERSION,
          provider: PROVIDER,
          displayName: 'Domain Connect',
          setup: 'domain-connect',
          nameservers: [],
          permissions: [
            "No credential: the domain's owner agrees to each change on their own DNS provider's page.",
            `The DNS provider must have onboarded the template ${options.providerId}/${options.serviceId}.`,
            ...(options.privateKeySecret === undefined ? [] : [`The public key of the secret "${options.privateKeySecret}" published as TXT at ${options.keyHost}.${keyDomain}.`]),
          ],
          docsUrl: 'https://www.domainconnect.org/',
        },
      ],
    };
  },
  apply({ hooks, services, options }) {
    const template = options.template ?? loadShippedTemplate(options.providerId, options.serviceId);
    const problems = setupProblems(options, template);
    if (problems.length > 0) throw new Error(`the shipped template ${options.providerId}.${options.serviceId}.json does not fit the options: ${problems.join('; ')}`);
    const setup = { ...options, template };
    const log = services.logger;

    hooks.detectProvider.tapPromise('dns.domainconnect', async (input) => {
      const zone = (input.zone ?? input.hostname).toLowerCase().replace(/\.$/, '');
      try {
        const found = await discover(zone, discoveryOptions(options, services, input.signal));
        if (!found.ok) {
          log.debug({ zone, kind: found.kind, reason: found.reason }, 'Domain Connect discovery passed');
          return undefined;
        }
        const { settings } = found;
        return {
          provider: PROVIDER,
          displayName: settings.providerDisplayName ?? settings.providerName,
          confidence: 'high',
          setup: 'domain-connect',
          evidence: found.evidence,
          details: {
            providerId: settings.providerId,
            providerName: settings.providerName,
            urlSyncUX: settings.urlSyncUX,
            urlAPI: settings.urlAPI,
            urlControlPanel: settings.urlControlPanel?.replaceAll('%domain%', zone),
          },
        };
      } catch (error) {
        log.debug({ zone, err: error }, 'Domain Connect discovery failed');
        return undefined;
      }
    });

    hooks.applyRecords.for(PROVIDER).tapPromise('dns.domainconnect', (input) => applyWithConsent(setup, services, input));
  },
});
