/**
 * An Azure DNS client over the official SDK (`@azure/arm-dns` with `@azure/identity`), in Portico's record set
 * form. It knows nothing of the kernel beyond its types and error kinds: every failure is an `AzureDnsError`.
 *
 * Azure DNS keeps record sets per name and type (https://learn.microsoft.com/rest/api/dns/record-sets), each
 * with an etag and a `metadata` map that round-trips: Portico's owner marker lives there. Creates send
 * `If-None-Match: *`, updates and deletes `If-Match: <etag as read>`, so a record set someone changed in between
 * is never overwritten (412 → `conflict`). The SDK's retries are off: the kernel's job layer retries.
 */
import { DnsManagementClient, type RecordSet as AzureRecordSet } from '@azure/arm-dns';
import { ClientSecretCredential } from '@azure/identity';
import type { ProviderCallContext, ProviderChange, ProviderRecordSet, RecordSet, RecordType } from '@portico/kernel';
import { AzureDnsError, classify, isCallLevel } from './errors.ts';
import { fetchHttpClient } from './http.ts';

export { AzureDnsError, parseRetryAfter } from './errors.ts';
export { fetchHttpClient } from './http.ts';

export const AZURE_RESOURCE_MANAGER = 'https://management.azure.com';
export const AZURE_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** The metadata key of Portico's owner marker on a record set. */
export const OWNER_METADATA_KEY = 'portico';

export const RECORD_TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
const isRecordType = (type: string): type is RecordType => (RECORD_TYPES as readonly string[]).includes(type);

/** Lower case, no trailing dot. */
export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** The record set's name relative to the zone, as ARM addresses it (`@` for the apex). */
export function relativeName(name: string, zone: string): string {
  const full = normalName(name);
  const apex = normalName(zone);
  if (full === apex) return '@';
  if (!full.endsWith(`.${apex}`)) throw new AzureDnsError('validation', `${full} is not in the zone ${apex}`);
  return full.slice(0, -apex.length - 1);
}

export interface AzureDnsClientOptions {
  tenantId: string;
  clientId: string;
  /** The service principal's client secret; never logged, never in an error. */
  clientSecret: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Default `https://management.azure.com`. */
  endpoint?: string;
  /** Default `https://login.microsoftonline.com`. */
  authorityHost?: string;
  /** Longest wait for one request (token requests included). Default 15000. */
  timeoutMs?: number;
  /** Record sets asked for per page (`$top`). Default 100. */
  pageSize?: number;
  fetch?: typeof globalThis.fetch;
}

export interface AzureZone {
  id?: string;
  name: string;
  nameservers: string[];
}

/** A record set as read, with its etag and metadata. */
export interface AzureDnsRecordSet extends ProviderRecordSet {
  etag?: string;
  metadata?: Record<string, string>;
}

export interface AzureDnsClient {
  listZones(ctx?: ProviderCallContext): Promise<AzureZone[]>;
  getZone(zone: string, ctx?: ProviderCallContext): Promise<AzureZone>;
  /** A, AAAA, CNAME and TXT record sets of the zone, every page (`nextLink`). */
  getRecords(zone: string, ctx?: ProviderCallContext): Promise<AzureDnsRecordSet[]>;
  /**
   * One request per change, in order, against the etags last read (read now if they were not). Per change:
   * undefined for written, the error for refused. Call-level failures are thrown and the rest not sent.
   */
  applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], ctx?: ProviderCallContext & { comment?: string }): Promise<Array<Error | undefined>>;
}

const key = (name: string, type: string) => `${name} ${type}`;

function valuesOf(type: RecordType, rs: AzureRecordSet): string[] {
  if (type === 'A') return (rs.aRecords ?? []).map((r) => (r.ipv4Address ?? '').toLowerCase());
  if (type === 'AAAA') return (rs.aaaaRecords ?? []).map((r) => (r.ipv6Address ?? '').toLowerCase());
  if (type === 'CNAME') return rs.cnameRecord?.cname ? [normalName(rs.cnameRecord.cname)] : [];
  // A TXT record's `value` is its character strings; resolvers join them.
  return (rs.txtRecords ?? []).map((r) => (r.value ?? []).join(''));
}

/** TXT text in strings of at most 255 bytes, never split inside a UTF-8 sequence. */
export function splitTxt(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  let start = 0;
  do {
    let end = Math.min(bytes.length, start + 255);
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    strings.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  } while (start < bytes.length);
  return strings;
}

function recordsOf(set: RecordSet): Partial<AzureRecordSet> {
  if (set.type === 'A') return { aRecords: set.values.map((ipv4Address) => ({ ipv4Address })) };
  if (set.type === 'AAAA') return { aaaaRecords: set.values.map((ipv6Address) => ({ ipv6Address })) };
  if (set.type === 'CNAME') return { cnameRecord: { cname: normalName(set.values[0] ?? '') } };
  return { txtRecords: set.values.map((value) => ({ value: splitTxt(value) })) };
}

export function createAzureDnsClient(options: AzureDnsClientOptions): AzureDnsClient {
  const { clientSecret, subscriptionId, resourceGroup, timeoutMs = 15_000, pageSize = 100 } = options;
  const httpClient = fetchHttpClient(options.fetch ?? globalThis.fetch, timeoutMs);
  const noRetries = { maxRetries: 0 };
  const credential = new ClientSecretCredential(options.tenantId, options.clientId, clientSecret, {
    authorityHost: options.authorityHost ?? AZURE_AUTHORITY_HOST,
    httpClient,
    retryOptions: noRetries,
    // The authority is the one given; no instance discovery against login.microsoft.com.
    disableInstanceDiscovery: options.authorityHost !== undefined,
  });
  const endpoint = options.endpoint ?? AZURE_RESOURCE_MANAGER;
  const sdk = new DnsManagementClient(credential, subscriptionId, { endpoint, credentialScopes: [`${AZURE_RESOURCE_MANAGER}/.default`], httpClient, retryOptions: noRetries });
  const lastRead = new Map<string, Map<string, AzureDnsRecordSet>>();

  async function call<T>(what: string, fn: () => Promise<T>, ctx: ProviderCallContext = {}): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw classify(error, what, clientSecret, ctx.signal);
    }
  }

  const toZone = (zone: { id?: string; name?: string; nameServers?: string[] }): AzureZone => ({
    ...(zone.id ? { id: zone.id } : {}),
    name: normalName(zone.name ?? ''),
    nameservers: (zone.nameServers ?? []).map(normalName),
  });

  async function listZones(ctx: ProviderCallContext = {}): Promise<AzureZone[]> {
    return call(`list the zones of resource group ${resourceGroup}`, async () => {
      const zones: AzureZone[] = [];
      for await (const zone of sdk.zones.listByResourceGroup(resourceGroup, { abortSignal: ctx.signal })) zones.push(toZone(zone));
      return zones;
    }, ctx);
  }

  async function getZone(zone: string, ctx: ProviderCallContext = {}): Promise<AzureZone> {
    const name = normalName(zone);
    return toZone(await call(`read the zone ${name}`, () => sdk.zones.get(resourceGroup, name, { abortSignal: ctx.signal }), ctx));
  }

  async function getRecords(zone: string, ctx: ProviderCallContext = {}): Promise<AzureDnsRecordSet[]> {
    const name = normalName(zone);
    const sets = await call(`list the record sets of ${name}`, async () => {
      const read: AzureDnsRecordSet[] = [];
      for await (const rs of sdk.recordSets.listAllByDnsZone(resourceGroup, name, { top: pageSize, abortSignal: ctx.signal })) {
        const type = rs.type?.split('/').pop() ?? '';
        if (!isRecordType(type)) continue;
        const fqdn = rs.fqdn ? normalName(rs.fqdn) : rs.name === '@' ? name : `${normalName(rs.name ?? '')}.${name}`;
        const marker = rs.metadata?.[OWNER_METADATA_KEY];
        read.push({
          name: fqdn,
          type,
          ttl: rs.ttl ?? 3600,
          values: [...new Set(valuesOf(type, rs))],
          ...(marker ? { comment: marker } : {}),
          ...(rs.etag ? { etag: rs.etag } : {}),
          ...(rs.metadata ? { metadata: rs.metadata } : {}),
        });
      }
      return read;
    }, ctx);
    lastRead.set(name, new Map(sets.map((set) => [key(set.name, set.type), set])));
    return sets;
  }

  async function applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], ctx: ProviderCallContext & { comment?: string } = {}) {
    const name = normalName(zone);
    const current = lastRead.get(name) ?? new Map((await getRecords(name, ctx)).map((set) => [key(set.name, set.type), set]));
    const outcomes: Array<Error | undefined> = [];
    for (const { action, set } of changes) {
      const what = `${action} ${set.type} ${set.name}`;
      try {
        const relative = relativeName(set.name, name);
        const before = current.get(key(normalName(set.name), set.type));
        if (action === 'delete') {
          await call(what, () => sdk.recordSets.delete(resourceGroup, name, relative, set.type, { ifMatch: before?.etag, abortSignal: ctx.signal }), ctx);
          current.delete(key(normalName(set.name), set.type));
        } else {
          const metadata = { ...(before?.metadata ?? {}), ...(ctx.comment === undefined ? {} : { [OWNER_METADATA_KEY]: ctx.comment }) };
          const parameters: AzureRecordSet = { ttl: set.ttl, ...(Object.keys(metadata).length > 0 ? { metadata } : {}), ...recordsOf(set) };
          const conditions = action === 'create' ? { ifNoneMatch: '*' } : { ifMatch: before?.etag };
          const written = await call(what, () => sdk.recordSets.createOrUpdate(resourceGroup, name, relative, set.type, parameters, { ...conditions, abortSignal: ctx.signal }), ctx);
          current.set(key(normalName(set.name), set.type), { ...set, etag: written.etag, metadata: written.metadata });
        }
        outcomes.push(undefined);
      } catch (error) {
        if (isCallLevel(error)) throw error;
        outcomes.push(error as Error);
      }
    }
    return outcomes;
  }

  return { listZones, getZone, getRecords, applyChanges };
}
