import { parseCredentials, toProviderError } from './dns-plan.ts';
import type { DnsProviderClient, DnsZoneInfo, ProviderCallContext, ProviderRecordSet } from './dns-provider.ts';
import { KernelError } from './errors.ts';
import type { DnsProviderDescriptor } from './plugin.ts';
import type { PluginServices } from './services.ts';

/**
 * The read side of one DNS provider, for the server: credentials are checked against the provider's schema
 * (`DNS_CREDENTIALS_INVALID`) and every failure comes back as a `DnsProviderError` with its kind. Writes go
 * through `Kernel.applyRecords`, so they are planned and ownership-checked.
 */
export interface DnsProviderHandle {
  readonly descriptor: DnsProviderDescriptor & { plugin: string };
  /** The credential as the provider's schema parses it; throws `DNS_CREDENTIALS_INVALID`. */
  parseCredentials(credentials: unknown): unknown;
  verifyCredentials(credentials: unknown, ctx?: ProviderCallContext): Promise<{ zones?: string[]; message?: string }>;
  getZone(zone: string, credentials: unknown, ctx?: ProviderCallContext): Promise<DnsZoneInfo>;
  getRecords(zone: string, credentials: unknown, query?: { names?: string[] }, ctx?: ProviderCallContext): Promise<ProviderRecordSet[]>;
}

/** The handle for one registered provider; `DNS_PROVIDER_NO_API` for consent-based ones. */
export function createDnsHandle(descriptor: DnsProviderDescriptor & { plugin: string }, services: PluginServices): DnsProviderHandle {
  const { provider, connect, credentials: schema } = descriptor;
  if (descriptor.setup !== 'api' || connect === undefined || schema === undefined) {
    throw new KernelError('DNS_PROVIDER_NO_API', `${descriptor.displayName} records are not written with a stored credential (setup: ${descriptor.setup})`, {
      details: { provider, setup: descriptor.setup },
    });
  }
  const parse = (credentials: unknown) => parseCredentials({ provider, credentials: schema }, credentials);
  const client = (credentials: unknown): DnsProviderClient => connect({ credentials: parse(credentials), services });
  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toProviderError(error);
    }
  };
  return {
    descriptor: { ...descriptor },
    parseCredentials: parse,
    verifyCredentials: (credentials, ctx) => guarded(() => client(credentials).verifyCredentials(ctx)),
    getZone: (zone, credentials, ctx) => guarded(() => client(credentials).getZone(zone, ctx)),
    getRecords: (zone, credentials, query, ctx) => guarded(() => client(credentials).getRecords(zone, query, ctx)),
  };
}
