/**
 * A Google Cloud DNS client over the official SDK (`@google-cloud/dns`), in Portico's record set form. It knows
 * nothing of the kernel beyond its types and error kinds: every failure is a `GoogleCloudDnsError` with a `kind`.
 *
 * Authentication is a service account key used as a self-signed JWT (google-auth-library's `JWT` with
 * `useJWTAccessWithScope`): the key signs each request's bearer token itself, so no token endpoint is called
 * (https://google.aip.dev/auth/4111). Calls go through the SDK's authenticated `request` with the documented
 * REST paths (https://cloud.google.com/dns/docs/reference/rest/v1): `managedZones`, `rrsets` (paged with
 * `pageToken`) and `changes`, which Cloud DNS applies all or nothing. The SDK's own retries are off for every
 * request (`maxRetries: 0`): the kernel's job layer retries, knowing the error kind.
 */
import { DNS } from '@google-cloud/dns';
import { JWT } from 'google-auth-library';
import type { ProviderCallContext, ProviderChange, ProviderRecordSet, RecordSet, RecordType } from '@portico/kernel';
import { absolute, fromRrdata, isRecordType, normalName, toRrdata } from './content.ts';
import { classify, GoogleCloudDnsError } from './errors.ts';

export { absolute, decodeTxt, encodeTxt, normalName } from './content.ts';
export { GoogleCloudDnsError, parseRetryAfter } from './errors.ts';

export const GOOGLE_DNS_ENDPOINT = 'https://dns.googleapis.com';
/** The OAuth scope every Cloud DNS read and write accepts. */
export const DNS_SCOPE = 'https://www.googleapis.com/auth/ndev.clouddns.readwrite';

export interface GoogleCloudDnsClientOptions {
  projectId: string;
  /** The service account's `client_email`. */
  clientEmail: string;
  /** The service account's `private_key` (PEM). Signs tokens; never logged, never in an error. */
  privateKey: string;
  /** The key's `private_key_id`, sent as the JWT `kid`. */
  privateKeyId?: string;
  /** The managed zone's name (`my-zone`), skipping the lookup by DNS name. */
  managedZone?: string;
  /** Default `https://dns.googleapis.com`; tests point it at a fake (http is allowed there). */
  endpoint?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
}

export interface GoogleManagedZone {
  /** The managed zone's resource name (`my-zone`). */
  id: string;
  /** Lower case, no trailing dot. */
  name: string;
  nameservers: string[];
}

/** A record set as Cloud DNS holds it (`dns#resourceRecordSet`). */
export interface GoogleRrset {
  name: string;
  type: string;
  ttl?: number;
  rrdatas?: string[];
}

export interface GoogleCloudDnsClient {
  listZones(ctx?: ProviderCallContext): Promise<GoogleManagedZone[]>;
  getZone(zone: string, ctx?: ProviderCallContext): Promise<GoogleManagedZone>;
  /** Record sets of the zone, every page; with `name`, only those at that name (`rrsets?name=`). */
  listRrsets(zone: string, ctx?: ProviderCallContext & { name?: string }): Promise<GoogleRrset[]>;
  getRecords(zone: string, ctx?: ProviderCallContext): Promise<ProviderRecordSet[]>;
  /**
   * One change (`POST …/changes`) with the deletions of the record sets as they are now and the additions after:
   * all or nothing. Throws on failure; a record set changed since it was read is `conflict`.
   */
  applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], ctx?: ProviderCallContext): Promise<{ changeId?: string; status?: string }>;
}

interface RequestOptions {
  uri: string;
  method?: string;
  qs?: Record<string, string | number | undefined>;
  json?: unknown;
}

const MAX_PAGES = 10_000;

export function createGoogleCloudDnsClient(options: GoogleCloudDnsClientOptions): GoogleCloudDnsClient {
  const { projectId, timeoutMs = 15_000 } = options;
  const endpoint = new URL(options.endpoint ?? GOOGLE_DNS_ENDPOINT);
  const secrets = [options.privateKey, ...options.privateKey.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'))];
  const authClient = new JWT({ email: options.clientEmail, key: options.privateKey, keyId: options.privateKeyId, scopes: [DNS_SCOPE] });
  // The constructor takes no `useJWTAccessWithScope`; set on the client, it signs scoped tokens locally instead of
  // exchanging them at oauth2.googleapis.com.
  authClient.useJWTAccessWithScope = true;
  const sdk = new DNS({ projectId, authClient, apiEndpoint: endpoint.host, timeout: timeoutMs } as ConstructorParameters<typeof DNS>[0]);
  // The SDK builds `https://{apiEndpoint}/dns/v1`; a local fake speaks plain http, so the base follows the scheme given.
  (sdk as unknown as { baseUrl: string }).baseUrl = `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/dns/v1`;

  const call = <T>(what: string, reqOpts: RequestOptions, ctx: ProviderCallContext = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const { signal } = ctx;
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const qs = Object.fromEntries(Object.entries(reqOpts.qs ?? {}).filter(([, v]) => v !== undefined));
      sdk.request({ ...reqOpts, qs, maxRetries: 0 } as Parameters<typeof sdk.request>[0], (error, body) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(classify(error, what, secrets));
        else resolve(body as T);
      });
    });

  const toZone = (zone: { name: string; dnsName: string; nameServers?: string[] }): GoogleManagedZone => ({
    id: zone.name,
    name: normalName(zone.dnsName),
    nameservers: (zone.nameServers ?? []).map(normalName),
  });

  async function pages<T>(what: string, uri: string, key: string, qs: Record<string, string | undefined>, ctx?: ProviderCallContext): Promise<T[]> {
    const items: T[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await call<Record<string, unknown> & { nextPageToken?: string }>(what, { uri, qs: { ...qs, pageToken } }, ctx);
      items.push(...((body[key] as T[] | undefined) ?? []));
      pageToken = body.nextPageToken;
      if (!pageToken) return items;
    }
    throw new GoogleCloudDnsError('transient', `Cloud DNS ${what}: more than ${MAX_PAGES} pages`);
  }

  async function listZones(ctx?: ProviderCallContext): Promise<GoogleManagedZone[]> {
    const zones = await pages<{ name: string; dnsName: string; nameServers?: string[]; visibility?: string }>('list managed zones', '/managedZones', 'managedZones', {}, ctx);
    return zones.filter((zone) => zone.visibility !== 'private').map(toZone);
  }

  const zoneIds = new Map<string, string>();

  async function getZone(zone: string, ctx?: ProviderCallContext): Promise<GoogleManagedZone> {
    const name = normalName(zone);
    if (options.managedZone) {
      const found = toZone(await call(`read managed zone ${options.managedZone}`, { uri: `/managedZones/${encodeURIComponent(options.managedZone)}` }, ctx));
      if (found.name !== name) throw new GoogleCloudDnsError('not_found', `Cloud DNS managed zone ${options.managedZone} is ${found.name}, not ${name}`);
      return found;
    }
    const zones = await pages<{ name: string; dnsName: string; nameServers?: string[]; visibility?: string }>(
      `find the managed zone of ${name}`,
      '/managedZones',
      'managedZones',
      { dnsName: absolute(name) },
      ctx,
    );
    const found = zones.filter((z) => z.visibility !== 'private').map(toZone).find((z) => z.name === name);
    if (!found) throw new GoogleCloudDnsError('not_found', `Cloud DNS project ${projectId} has no public managed zone for ${name} that this service account can see`);
    zoneIds.set(name, found.id);
    return found;
  }

  const zoneIdOf = async (zone: string, ctx?: ProviderCallContext) => options.managedZone ?? zoneIds.get(normalName(zone)) ?? (await getZone(zone, ctx)).id;

  async function listRrsets(zone: string, ctx: ProviderCallContext & { name?: string } = {}): Promise<GoogleRrset[]> {
    const id = await zoneIdOf(zone, ctx);
    return pages<GoogleRrset>(`list record sets of ${normalName(zone)}`, `/managedZones/${encodeURIComponent(id)}/rrsets`, 'rrsets', { name: ctx.name && absolute(ctx.name) }, ctx);
  }

  const toSet = (rrset: GoogleRrset): ProviderRecordSet | undefined => {
    if (!isRecordType(rrset.type)) return undefined;
    const type: RecordType = rrset.type;
    return { name: normalName(rrset.name), type, ttl: rrset.ttl ?? 300, values: [...new Set((rrset.rrdatas ?? []).map((d) => fromRrdata(type, d)))] };
  };

  async function getRecords(zone: string, ctx?: ProviderCallContext): Promise<ProviderRecordSet[]> {
    return (await listRrsets(zone, ctx)).map(toSet).filter((set): set is ProviderRecordSet => set !== undefined);
  }

  const toRrset = (set: RecordSet): GoogleRrset => ({ name: absolute(set.name), type: set.type, ttl: set.ttl, rrdatas: set.values.map((v) => toRrdata(set.type, v)) });

  async function applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], ctx?: ProviderCallContext) {
    if (changes.length === 0) return {};
    const id = await zoneIdOf(zone, ctx);
    // Deletions must match the record set as stored (TTL and data), so they are read now, by name.
    const current = new Map<string, GoogleRrset>();
    for (const name of new Set(changes.filter((c) => c.action !== 'create').map((c) => normalName(c.set.name)))) {
      for (const rrset of await listRrsets(zone, { ...ctx, name })) current.set(`${normalName(rrset.name)} ${rrset.type}`, rrset);
    }
    const deletions: GoogleRrset[] = [];
    const additions: GoogleRrset[] = [];
    for (const { action, set } of changes) {
      const before = current.get(`${normalName(set.name)} ${set.type}`);
      if (action !== 'create' && before) deletions.push(before);
      if (action !== 'delete') additions.push(toRrset(set));
    }
    const change = await call<{ id?: string; status?: string }>(
      `apply ${changes.length} change(s) to ${normalName(zone)}`,
      { uri: `/managedZones/${encodeURIComponent(id)}/changes`, method: 'POST', json: { kind: 'dns#change', additions, deletions } },
      ctx,
    );
    return { changeId: change.id, status: change.status };
  }

  return { listZones, getZone, listRrsets, getRecords, applyChanges };
}
