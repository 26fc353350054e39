/**
 * The DNS provider contract, version 1: what a DNS provider plugin supplies so Portico can write a domain's
 * records for its owner. The plugin only translates between Portico's record sets and its vendor's API; the
 * kernel owns planning, ownership, dry runs and the refusal to clobber (dns-plan.ts), so every provider behaves
 * the same way and a new one is a thin adapter over a vendor client.
 *
 * ```ts
 * import { defineDnsProvider, z } from '@portico/kernel';
 * import { createAcmeDnsClient } from './client.ts';
 *
 * export default defineDnsProvider({
 *   id: 'dns.acme', ...packageFacts(import.meta.url),
 *   options: z.object({}),
 *   credentials: z.object({ token: z.string().min(1) }),
 *   provider: () => ({
 *     provider: 'acme', displayName: 'Acme DNS', setup: 'api',
 *     nameservers: ['*.ns.acme-dns.example'],
 *     capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: false,
 *                     wildcard: true, apexAlias: false, ownership: 'txt' },
 *     permissions: ['Zone: DNS edit on the zones Portico manages'],
 *     connect: ({ credentials, services }) => adapt(createAcmeDnsClient({ ...credentials, fetch: services.fetch })),
 *   }),
 * });
 * ```
 *
 * Versioning: `apiVersion` is checked at registration (`PLUGIN_API_INCOMPATIBLE` when the kernel does not speak
 * it). Within a version the contract only grows by optional members, which the kernel probes before calling.
 */
import type { z } from 'zod';
import { definePlugin } from './define-plugin.ts';
import { applyPlanned } from './dns-plan.ts';
import type { Plugin, PluginDefinition } from './plugin.ts';
import type { RecordSet, RecordType } from './records.ts';
import type { PluginServices } from './services.ts';

/** The contract version this kernel speaks. */
export const DNS_PROVIDER_API_VERSION = 1;
/** Every contract version this kernel accepts from plugins. */
export const SUPPORTED_DNS_PROVIDER_API_VERSIONS: readonly number[] = [1];

/** What a provider can do, as DNSControl's capability matrix says it (shown in the console's providers grid). */
export interface DnsProviderCapabilities {
  /** Record types it can write. */
  recordTypes: RecordType[];
  /** What one write replaces: a whole record set (PowerDNS, Route 53), single records (Cloudflare), the zone. */
  updateGranularity: 'rrset' | 'record' | 'zone';
  /** Whether every change of one apply lands together or not at all (PowerDNS PATCH, Route 53 batch, UPDATE). */
  atomic: boolean;
  /** Whether `*.name` records can be written. */
  wildcard: boolean;
  /** Whether the apex can alias another name (ALIAS, flattened CNAME); else the apex gets A/AAAA. */
  apexAlias: boolean;
  /**
   * How Portico marks the record sets it owns:
   * - `comment`: the provider keeps a comment per record set (PowerDNS) or record (Cloudflare); the client returns
   *   it in `ProviderRecordSet.comment` and writes `ApplyContext.comment` on every create and update;
   * - `txt`: a TXT record beside each managed set, in the manner of external-dns (`ownerRecordName`), written and
   *   read by the kernel through the same client like any other record.
   */
  ownership: 'comment' | 'txt';
}

/** A zone as the provider holds it. */
export interface DnsZoneInfo {
  /** Lower case, no trailing dot. */
  name: string;
  /** The provider's own id for it (Cloudflare zone id, Route 53 hosted zone id), when it has one. */
  id?: string;
  /** The apex NS set the provider reports, lower case, no trailing dot. */
  nameservers: string[];
}

/** A record set read from the provider, with the ownership comment where the provider keeps comments. */
export interface ProviderRecordSet extends RecordSet {
  comment?: string;
}

/** One write the kernel asks for; `set` is the whole record set after the change (its values empty for delete). */
export interface ProviderChange {
  action: 'create' | 'update' | 'delete';
  set: RecordSet;
  /** The record set as it was read before (update and delete), for providers that address records by id. */
  before?: ProviderRecordSet;
}

/** Passed on every client call. */
export interface ProviderCallContext {
  signal?: AbortSignal;
}

export interface ApplyContext extends ProviderCallContext {
  /** For `ownership: 'comment'` providers: set this as the comment of every created or updated record set. */
  comment?: string;
}

/**
 * The runtime half of a provider: one per credential, built cheaply by `connect` (no network in `connect`).
 * Names and values are Portico's form (records.ts): absolute, lower case, no trailing dot; TXT unquoted.
 * Every method throws errors carrying a `kind` (`DnsProviderError` or any error with a `kind` from
 * `DNS_PROVIDER_ERROR_KINDS`); anything else is treated as `transient`.
 */
export interface DnsProviderClient {
  /** Proves the credential works (one cheap read). `auth` for a refused credential, `permission` for a weak one. */
  verifyCredentials(ctx?: ProviderCallContext): Promise<{ zones?: string[]; message?: string }>;
  /** The zone as the provider holds it; `not_found` when this credential cannot see it. */
  getZone(zone: string, ctx?: ProviderCallContext): Promise<DnsZoneInfo>;
  /**
   * A, AAAA, CNAME and TXT record sets of the zone; with `names`, only (at least) those names. Values
   * canonicalised so that re-reading what was written compares equal.
   */
  getRecords(zone: string, query?: { names?: string[] }, ctx?: ProviderCallContext): Promise<ProviderRecordSet[]>;
  /**
   * Write the changes. Atomic providers throw on failure and write nothing; others return one entry per change,
   * `undefined` for success or the error for that change.
   */
  applyChanges(zone: string, changes: ProviderChange[], ctx?: ApplyContext): Promise<Array<Error | undefined> | void>;
  /** Optional: the zones this credential can see. */
  listZones?(ctx?: ProviderCallContext): Promise<string[]>;
}

/** What `connect` receives. */
export interface ConnectInput<Credentials> {
  /** Already parsed by the descriptor's `credentials` schema. */
  credentials: Credentials;
  services: PluginServices;
}

/**
 * Everything about one DNS provider: static facts (shown by `GET /v1/providers`, used by detection) and the
 * `connect` factory. `credentials` is a zod schema; the server stores a credential only after `verifyCredentials`
 * passed with it, encrypted, and never returns it.
 */
export interface DnsProviderSpec<CredentialSchema extends z.ZodType = z.ZodType> {
  /** The `applyRecords` key (`powerdns`, `cloudflare`): also the id a stored credential names. */
  provider: string;
  displayName: string;
  /** `api`: records are written with a stored credential. `domain-connect`: by the user's consent (a redirect). */
  setup: 'api' | 'domain-connect';
  /** Detection hints: nameserver patterns, `*` standing for one label (`*.ns.cloudflare.com`). */
  nameservers: string[];
  capabilities: DnsProviderCapabilities;
  credentials: CredentialSchema;
  /** The exact permissions a credential needs, one line each (READMEs and the console say the same). */
  permissions: string[];
  /** Where an operator makes such a credential. */
  docsUrl?: string;
  connect(input: ConnectInput<z.output<CredentialSchema>>): DnsProviderClient;
}

export interface DnsProviderPluginDefinition<Schema extends z.ZodType, CredentialSchema extends z.ZodType>
  extends Omit<PluginDefinition<Schema>, 'describe' | 'apply'> {
  /** The credential's schema (the same whatever the options). */
  credentials: CredentialSchema;
  /** The provider, as a function of the plugin's parsed options (nameserver hints may be configurable). */
  provider(options: z.output<Schema>): Omit<DnsProviderSpec<CredentialSchema>, 'credentials'>;
  /** Optional further taps (a detection tap for vanity nameservers, say). */
  apply?: PluginDefinition<Schema>['apply'];
}

/**
 * Build a DNS provider plugin: `describe` reports the provider with `apiVersion: 1`, and `apply` taps
 * `applyRecords.for(provider)` with the kernel's planner over the plugin's client. The plugin writes the
 * vendor mapping and nothing else.
 */
export function defineDnsProvider<Schema extends z.ZodType, CredentialSchema extends z.ZodType>(
  def: DnsProviderPluginDefinition<Schema, CredentialSchema>,
): Plugin<Schema> {
  const { provider: describeProvider, credentials, apply: extra, ...rest } = def;
  const specOf = (options: z.output<Schema>) => ({ ...describeProvider(options), credentials });
  return definePlugin<Schema>({
    ...rest,
    describe: (options) => ({ dnsProviders: [{ apiVersion: DNS_PROVIDER_API_VERSION, ...(specOf(options) as unknown as DnsProviderSpec) }] }),
    async apply(ctx) {
      const spec = specOf(ctx.options) as unknown as DnsProviderSpec;
      ctx.hooks.applyRecords.for(spec.provider).tapPromise(def.id, (input) => applyPlanned(spec, ctx.services, input));
      await extra?.(ctx);
    },
  });
}

export { isOwnerRecordName, markerOwner, ownerMarker, ownerRecordName } from './ownership.ts';
