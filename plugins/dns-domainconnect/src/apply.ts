/**
 * `applyRecords` for Domain Connect: nothing is written here. The wanted records are mapped onto the template,
 * compared with what DNS shows now, and, when something is missing, the user is sent to their DNS provider's
 * consent page with a signed apply URL. Whether they agreed is learned from DNS later, never from the redirect.
 */
import { DnsProviderError, sameValues, type ApplyRecordsInput, type ApplyRecordsResult, type PluginServices, type RecordChange, type RecordSet } from '@portico/kernel';
import { discover, discoveryOptions, type DiscoverySetup } from './discovery.ts';
import { buildApplyUrl } from './sign.ts';
import { matchTemplate, type DomainConnectTemplate } from './template.ts';

export interface ConsentSetup extends DiscoverySetup {
  template: DomainConnectTemplate;
  keyHost: string;
  privateKeySecret?: string;
  redirectUri?: string;
}

const normal = (name: string) => name.trim().toLowerCase().replace(/\.$/, '');

/** `shop` for `shop.example.com` in `example.com`, empty for the apex. */
export function relativeHost(hostname: string, zone: string): string {
  if (hostname === zone) return '';
  if (hostname.endsWith(`.${zone}`)) return hostname.slice(0, -zone.length - 1);
  throw new DnsProviderError('validation', `${hostname} is not in zone ${zone}`);
}

/** What DNS shows for one wanted record set: `noop` when it is there already (TXT: among other values). */
async function change(set: RecordSet, services: PluginServices, signal?: AbortSignal): Promise<RecordChange> {
  const answer = await services.dns.query(set.name, set.type, { signal });
  const found = answer.status === 'found' ? answer.values : [];
  const present =
    set.type === 'TXT' ? found.length > 0 && set.values.every((v) => found.includes(v)) : found.length > 0 && sameValues(set.type, found, set.values);
  const action = present ? 'noop' : found.length > 0 ? 'update' : 'create';
  return { action, name: set.name, type: set.type, before: found, after: [...set.values] };
}

async function privateKey(setup: ConsentSetup, services: PluginServices): Promise<string | undefined> {
  if (setup.privateKeySecret === undefined) return undefined;
  const pem = await services.secrets.get(setup.privateKeySecret);
  if (pem === undefined || pem.trim() === '') {
    throw new DnsProviderError('auth', `The Domain Connect signing key (secret "${setup.privateKeySecret}") is not set: configure it, see the plugin's README`);
  }
  return pem;
}

export async function applyWithConsent(setup: ConsentSetup, services: PluginServices, input: ApplyRecordsInput): Promise<ApplyRecordsResult> {
  if (input.remove.length > 0) {
    throw new DnsProviderError('unsupported', 'Domain Connect templates only add records: remove these records by hand at the DNS provider');
  }
  const zone = normal(input.zone);
  const hostname = normal(input.hostname ?? input.zone);
  const host = relativeHost(hostname, zone);
  const upsert = input.upsert.map((set) => ({ ...set, name: normal(set.name) }));
  const match = matchTemplate(setup.template, { domain: zone, host, desired: upsert });

  const changes = await Promise.all(upsert.map((set) => change(set, services, input.signal)));
  if (input.dryRun) return { changes, applied: false };
  if (changes.every((c) => c.action === 'noop')) return { changes, applied: true };

  const discovery = await discover(zone, discoveryOptions(setup, services, input.signal));
  if (!discovery.ok) throw new DnsProviderError(discovery.kind, discovery.reason);

  const pem = await privateKey(setup, services);
  let url: string;
  try {
    url = buildApplyUrl({
      urlSyncUX: discovery.settings.urlSyncUX,
      providerId: setup.providerId,
      serviceId: setup.serviceId,
      domain: zone,
      host,
      variables: match.variables,
      groupIds: match.groupIds,
      redirectUri: setup.redirectUri,
      // The redirect only prompts a DNS re-check of this hostname; it is never taken as proof.
      state: setup.redirectUri === undefined ? undefined : hostname,
      signing: pem === undefined ? undefined : { privateKeyPem: pem, keyHost: setup.keyHost },
    });
  } catch (error) {
    // Never echo the key: only say that it is unusable.
    throw new DnsProviderError('auth', `The Domain Connect signing key (secret "${setup.privateKeySecret}") is not a usable RSA private key in PEM`, {
      cause: error instanceof TypeError ? error : undefined,
    });
  }
  services.logger.debug({ zone, hostname, provider: discovery.settings.providerId, records: match.records.length }, 'Domain Connect apply URL built');
  return { changes, applied: false, redirect: { url } };
}
