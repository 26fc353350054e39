/**
 * A Route 53 client over `@aws-sdk/client-route-53` in Portico's record-set form. It knows nothing of the kernel
 * beyond its types and error kinds; the adapter (`index.ts`) hands it to the kernel's planner.
 *
 * Calls: ListHostedZonesByName (credential check, zone lookup), GetHostedZone (nameservers, or the zone a
 * credential names by id), ListResourceRecordSets (paginated), ChangeResourceRecordSets (UPSERT and DELETE in
 * change batches Route 53 applies all or nothing) and GetChange.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
  type HostedZone,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import type { ProviderCallContext, ProviderChange, RecordSet, RecordType } from '@portico/kernel';
import { ROUTE53_BATCH_LIMITS, splitBatches, type BatchLimits } from './batches.ts';
import { fromRoute53Name, fromRoute53Value, isRecordType, normalizeName, toRoute53Name, toRoute53Value, toStartRecordName } from './content.ts';
import { classify, Route53Error } from './errors.ts';

/** Failures about the call rather than its changes: thrown, so the job layer stops or retries the whole apply. */
const CALL_LEVEL = new Set(['auth', 'permission', 'rate_limit', 'transient']);

export { Route53Error } from './errors.ts';
export { ROUTE53_BATCH_LIMITS, type BatchLimits } from './batches.ts';
export { decodeTxt, encodeTxt, fromRoute53Name, toRoute53Name } from './content.ts';

export interface Route53DnsOptions {
  accessKeyId: string;
  /** Signs every request; never part of an error message. */
  secretAccessKey: string;
  /** For temporary credentials (STS). */
  sessionToken?: string;
  /** Use this hosted zone (`Z…` or `/hostedzone/Z…`) instead of looking the zone up by name. */
  hostedZoneId?: string;
  /** Default `us-east-1` (Route 53 is global; the region picks the partition, e.g. `cn-north-1`). */
  region?: string;
  /** Another API endpoint (a local fake in tests, a proxy). Default: the SDK's for the region. */
  endpoint?: string;
  /** Tries per call, the first included. Default 1: retrying is the job layer's work. */
  maxAttempts?: number;
  /** Longest wait to connect and for one answer. Default 10000 ms; then `transient`. */
  timeoutMs?: number;
  /** Default Route 53's own (1000 records, 32000 characters per request). */
  batchLimits?: BatchLimits;
}

export interface Route53Zone {
  /** The hosted zone id without `/hostedzone/`. */
  id: string;
  /** Lower case, no trailing dot. */
  name: string;
  privateZone: boolean;
  /** The delegation set, lower case, no trailing dot, sorted. */
  nameservers: string[];
}

/**
 * A record set as read. `routing` is set for what Portico's record sets cannot say: an alias target
 * (`alias`), a routing policy (`weighted`, `latency`, `failover`, `geolocation`, `geoproximity`, `cidr`,
 * `multivalue`) or a traffic policy (`traffic-policy`). Such sets are reported so nothing is planned over them,
 * with readable values (`ALIAS d123.cloudfront.net`), and the client refuses to change or delete them.
 */
export interface Route53RecordSet extends RecordSet {
  routing?: string;
}

export interface Route53ApplyResult {
  /** One per request sent, for `getChange`. */
  changeIds: string[];
  /**
   * Only when a split apply was refused (`validation`, `conflict`, `unsupported`, `not_found`) after its first
   * request had landed: per change, `undefined` for written, the error for the refused request's changes and for
   * those never sent. Any failure of the first request, and call-level failures (`auth`, `permission`,
   * `rate_limit`, `transient`) of later ones, are thrown instead.
   */
  outcomes?: Array<Error | undefined>;
}

export interface Route53Dns {
  /** ListHostedZonesByName with MaxItems 1: proves the key pair signs and may list zones. */
  verifyCredentials(ctx?: ProviderCallContext): Promise<{ message: string }>;
  /** Every hosted zone name the credential can list (public and private, each once), sorted as Route 53 does. */
  listZones(ctx?: ProviderCallContext): Promise<string[]>;
  /** The hosted zone for `zone`: the credential's `hostedZoneId`, or the one public zone of that exact name. */
  getZone(zone: string, ctx?: ProviderCallContext): Promise<Route53Zone>;
  /** A, AAAA, CNAME and TXT record sets; with `names`, those names only. Values canonical. */
  getRecords(zone: string, query?: { names?: string[] }, ctx?: ProviderCallContext): Promise<Route53RecordSet[]>;
  /**
   * Writes the changes: UPSERT for create and update, DELETE (with the values and TTL read, `change.before`)
   * for delete, in one ChangeResourceRecordSets request when they fit Route 53's limits (all or nothing), else
   * in consecutive requests, in the order given, each all or nothing. A DELETE of a set that is already gone
   * counts as done. Nothing to change: no request.
   */
  applyChanges(zone: string, changes: ProviderChange[], ctx?: ProviderCallContext): Promise<Route53ApplyResult>;
  /** GetChange: `PENDING` until every Route 53 name server has the change, then `INSYNC`. */
  getChange(id: string, ctx?: ProviderCallContext): Promise<{ id: string; status: string; submittedAt?: Date }>;
  /** Closes the SDK client's connections. */
  destroy(): void;
}

/** Names asked for at most this many are read one by one; more and the zone is listed whole. */
const PER_NAME_LIMIT = 10;
const PAGE_SIZE = 300;
const NAME_PAGE_SIZE = 100;
const ZONE_PAGE_SIZE = 100;

const stripZoneId = (id: string) => id.replace(/^\/?hostedzone\//, '');
const stripChangeId = (id: string) => id.replace(/^\/?change\//, '');

export function createRoute53Dns(options: Route53DnsOptions): Route53Dns {
  const { accessKeyId, secretAccessKey, sessionToken, region = 'us-east-1', endpoint, maxAttempts = 1, timeoutMs = 10_000 } = options;
  if (!accessKeyId || !secretAccessKey) throw new Route53Error('auth', 'The Route 53 credential needs an access key id and a secret access key');
  const limits = options.batchLimits ?? ROUTE53_BATCH_LIMITS;
  const secrets = [secretAccessKey, sessionToken ?? ''];
  const sdk = new Route53Client({
    region,
    endpoint,
    maxAttempts,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
  const zones = new Map<string, Promise<{ zone: HostedZone; nameservers?: string[] }>>();

  async function guard<T>(call: string, signal: AbortSignal | undefined, fn: (opts: { abortSignal?: AbortSignal }) => Promise<T>): Promise<T> {
    try {
      return await fn(signal ? { abortSignal: signal } : {});
    } catch (error) {
      throw classify(call, error, secrets);
    }
  }

  /** The hosted zone (cached per client: one lookup per apply). */
  function hostedZone(zone: string, signal?: AbortSignal) {
    const name = normalizeName(zone);
    let found = zones.get(name);
    if (!found) {
      found = options.hostedZoneId ? byId(name, stripZoneId(options.hostedZoneId), signal) : byName(name, signal);
      zones.set(name, found);
      found.catch(() => zones.delete(name));
    }
    return found;
  }

  async function byId(name: string, id: string, signal?: AbortSignal) {
    const out = await guard(`GetHostedZone ${id}`, signal, (o) => sdk.send(new GetHostedZoneCommand({ Id: id }), o));
    const zone = out.HostedZone!;
    if (fromRoute53Name(zone.Name ?? '') !== name) {
      throw new Route53Error('not_found', `Route 53 hosted zone ${id} (the credential's hostedZoneId) is ${fromRoute53Name(zone.Name ?? '')}, not ${name}`);
    }
    return { zone, nameservers: out.DelegationSet?.NameServers };
  }

  async function byName(name: string, signal?: AbortSignal) {
    const matches: HostedZone[] = [];
    let next: { DNSName?: string; HostedZoneId?: string } = { DNSName: toRoute53Name(name) };
    for (;;) {
      const out = await guard(`ListHostedZonesByName ${name}`, signal, (o) =>
        sdk.send(new ListHostedZonesByNameCommand({ ...next, MaxItems: ZONE_PAGE_SIZE }), o),
      );
      const page = out.HostedZones ?? [];
      matches.push(...page.filter((z) => fromRoute53Name(z.Name ?? '') === name));
      // Results are sorted by name: once a page holds another name, there are no more of this one.
      if (!out.IsTruncated || page.some((z) => fromRoute53Name(z.Name ?? '') !== name) || !out.NextDNSName) break;
      next = { DNSName: out.NextDNSName, HostedZoneId: out.NextHostedZoneId };
    }
    const publics = matches.filter((z) => !z.Config?.PrivateZone);
    const ids = (list: HostedZone[]) => list.map((z) => stripZoneId(z.Id ?? '')).join(', ');
    if (publics.length === 1) return { zone: publics[0]! };
    if (publics.length > 1) {
      throw new Route53Error('validation', `Route 53 has ${publics.length} public hosted zones named ${name} (${ids(publics)}); set hostedZoneId in the credential to pick one`);
    }
    if (matches.length > 0) {
      throw new Route53Error('not_found', `Route 53 has only private hosted zones named ${name} (${ids(matches)}); Portico writes public DNS (set hostedZoneId to use one anyway)`);
    }
    throw new Route53Error('not_found', `Route 53 has no hosted zone named ${name} that this credential can see`);
  }

  /** Every A/AAAA/CNAME/TXT record set from `start` on, page by page, until `more(name)` says stop. */
  async function list(zoneId: string, zone: string, signal: AbortSignal | undefined, start?: string, more: (name: string) => boolean = () => true) {
    const sets = new Map<string, Route53RecordSet>();
    let next: { StartRecordName?: string; StartRecordType?: ResourceRecordSet['Type']; StartRecordIdentifier?: string } = start ? { StartRecordName: start } : {};
    for (;;) {
      const out = await guard(`ListResourceRecordSets ${zone}`, signal, (o) =>
        sdk.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...next, MaxItems: start ? NAME_PAGE_SIZE : PAGE_SIZE }), o),
      );
      let done = false;
      for (const raw of out.ResourceRecordSets ?? []) {
        const name = fromRoute53Name(raw.Name ?? '');
        if (!more(name)) {
          done = true;
          break;
        }
        if (isRecordType(raw.Type)) merge(sets, toRecordSet(name, raw.Type, raw));
      }
      if (done || !out.IsTruncated || !out.NextRecordName) break;
      next = { StartRecordName: out.NextRecordName, StartRecordType: out.NextRecordType, StartRecordIdentifier: out.NextRecordIdentifier };
    }
    return [...sets.values()];
  }

  /**
   * One ChangeResourceRecordSets; the change id. When Route 53 refuses it only because DELETEs found their sets
   * already gone (someone was quicker), those are done: the rest is sent once more without them.
   */
  async function sendBatch(zoneId: string, call: string, batch: Change[], signal: AbortSignal | undefined): Promise<string | undefined> {
    const send = (changes: Change[]) =>
      guard(call, signal, (o) => sdk.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }), o));
    try {
      return stripChangeId((await send(batch)).ChangeInfo?.Id ?? '');
    } catch (error) {
      const gone = alreadyGone(error, batch);
      if (gone === undefined) throw error;
      const rest = batch.filter((change) => !gone.has(change));
      return rest.length === 0 ? undefined : stripChangeId((await send(rest)).ChangeInfo?.Id ?? '');
    }
  }

  return {
    async verifyCredentials(ctx = {}) {
      await guard('ListHostedZonesByName', ctx.signal, (o) => sdk.send(new ListHostedZonesByNameCommand({ MaxItems: 1 }), o));
      return { message: 'Route 53 accepted the credential' };
    },

    async listZones(ctx = {}) {
      const names: string[] = [];
      let next: { DNSName?: string; HostedZoneId?: string } = {};
      for (;;) {
        const out = await guard('ListHostedZonesByName', ctx.signal, (o) => sdk.send(new ListHostedZonesByNameCommand({ ...next, MaxItems: ZONE_PAGE_SIZE }), o));
        for (const zone of out.HostedZones ?? []) {
          const name = fromRoute53Name(zone.Name ?? '');
          if (names.at(-1) !== name) names.push(name);
        }
        if (!out.IsTruncated || !out.NextDNSName) return names;
        next = { DNSName: out.NextDNSName, HostedZoneId: out.NextHostedZoneId };
      }
    },

    async getZone(zone, ctx = {}) {
      const found = await hostedZone(zone, ctx.signal);
      const id = stripZoneId(found.zone.Id ?? '');
      const nameservers =
        found.nameservers ?? (await guard(`GetHostedZone ${id}`, ctx.signal, (o) => sdk.send(new GetHostedZoneCommand({ Id: id }), o))).DelegationSet?.NameServers;
      return {
        id,
        name: fromRoute53Name(found.zone.Name ?? ''),
        privateZone: found.zone.Config?.PrivateZone === true,
        nameservers: (nameservers ?? []).map(fromRoute53Name).sort(),
      };
    },

    async getRecords(zone, { names } = {}, ctx = {}) {
      const apex = normalizeName(zone);
      const zoneId = stripZoneId((await hostedZone(apex, ctx.signal)).zone.Id ?? '');
      if (names === undefined || names.length > PER_NAME_LIMIT) {
        const all = await list(zoneId, apex, ctx.signal);
        const wanted = names && new Set(names.map(normalizeName));
        return wanted ? all.filter((set) => wanted.has(set.name)) : all;
      }
      const sets: Route53RecordSet[] = [];
      for (const name of new Set(names.map(normalizeName))) {
        sets.push(...(await list(zoneId, apex, ctx.signal, toStartRecordName(name), (seen) => seen === name)));
      }
      return sets;
    },

    async applyChanges(zone, changes, { signal } = {}) {
      if (changes.length === 0) return { changeIds: [] };
      const apex = normalizeName(zone);
      const wire = changes.map(toChange);
      let batches: Array<[number, number]>;
      try {
        batches = splitBatches(wire, limits);
      } catch (error) {
        throw new Route53Error('validation', `Route 53 ChangeResourceRecordSets ${apex}: ${(error as Error).message}`);
      }
      const zoneId = stripZoneId((await hostedZone(apex, signal)).zone.Id ?? '');
      const changeIds: string[] = [];
      for (const [index, [start, end]] of batches.entries()) {
        const of = batches.length > 1 ? ` (request ${index + 1} of ${batches.length})` : '';
        try {
          const id = await sendBatch(zoneId, `ChangeResourceRecordSets ${apex}${of}`, wire.slice(start, end).map((c) => c.change), signal);
          if (id !== undefined) changeIds.push(id);
        } catch (error) {
          if (index === 0 || !(error instanceof Route53Error)) throw error;
          const written = `requests 1 to ${index} of ${batches.length} were written`;
          if (CALL_LEVEL.has(error.kind)) throw new Route53Error(error.kind, `${error.message} (${written})`, error);
          const skipped = new Route53Error(error.kind, `Route 53 ${apex}: not sent, because request ${index + 1} of ${batches.length} was refused (${written})`);
          return { changeIds, outcomes: changes.map((_, i) => (i < start ? undefined : i < end ? error : skipped)) };
        }
      }
      return { changeIds };
    },

    async getChange(id, ctx = {}) {
      const out = await guard(`GetChange ${stripChangeId(id)}`, ctx.signal, (o) => sdk.send(new GetChangeCommand({ Id: stripChangeId(id) }), o));
      return { id: stripChangeId(out.ChangeInfo?.Id ?? id), status: out.ChangeInfo?.Status ?? 'PENDING', submittedAt: out.ChangeInfo?.SubmittedAt };
    },

    destroy() {
      sdk.destroy();
    },
  };
}

/** The Route 53 change for a Portico change, with its values (for the batch limits). */
function toChange(change: ProviderChange): { action: 'UPSERT' | 'DELETE'; values: string[]; change: Change } {
  const label = `${change.set.name} ${change.set.type}`;
  const routing = (change.before as Route53RecordSet | undefined)?.routing;
  if (routing !== undefined) {
    throw new Route53Error('unsupported', `${label} is a Route 53 ${routing} record set; Portico does not change or delete those (edit it in Route 53)`);
  }
  const source = change.action === 'delete' ? change.before : change.set;
  if (source === undefined) throw new Route53Error('validation', `Deleting ${label} needs the record set as read (change.before): Route 53 deletes by exact values and TTL`);
  if (source.values.length === 0) throw new Route53Error('validation', `${label}: a record set needs at least one value`);
  if (!Number.isInteger(source.ttl) || source.ttl < 0) throw new Route53Error('validation', `${label}: ttl must be a whole number of seconds`);
  const action = change.action === 'delete' ? 'DELETE' : 'UPSERT';
  // A DELETE must match the stored set exactly: send back what Route 53 returned, not a re-encoding of it.
  const raw = action === 'DELETE' ? stored.get(source) : undefined;
  const values = raw?.values ?? source.values.map((value) => toRoute53Value(source.type, value));
  const ttl = raw?.ttl ?? source.ttl;
  return {
    action,
    values,
    change: {
      Action: action,
      ResourceRecordSet: { Name: toRoute53Name(source.name), Type: source.type, TTL: ttl, ResourceRecords: values.map((Value) => ({ Value })) },
    },
  };
}

/** The values and TTL as Route 53 returned them, for each record set `getRecords` handed out. */
const stored = new WeakMap<object, { ttl: number; values: string[] }>();

const GONE = /Tried to delete resource record set \[name='([^']*)', type='([A-Z]+)'\] but it was not found/g;

/** The DELETEs of `batch` Route 53 found nothing for, when those are all it refused the batch for; else undefined. */
function alreadyGone(error: unknown, batch: Change[]): Set<Change> | undefined {
  if (!(error instanceof Route53Error) || error.providerCode !== 'InvalidChangeBatch') return undefined;
  const text = error.message.slice(error.message.indexOf('['));
  const found = [...text.matchAll(GONE)];
  if (found.length === 0 || text.replace(GONE, '').replace(/[[\],\s]/g, '') !== '') return undefined;
  const gone = new Set<Change>();
  for (const [, name, type] of found) {
    const change = batch.find((c) => c.Action === 'DELETE' && c.ResourceRecordSet?.Type === type && fromRoute53Name(c.ResourceRecordSet.Name ?? '') === fromRoute53Name(name!));
    if (!change) return undefined;
    gone.add(change);
  }
  return gone;
}

function toRecordSet(name: string, type: RecordType, raw: ResourceRecordSet): Route53RecordSet {
  const values = raw.AliasTarget
    ? [`ALIAS ${fromRoute53Name(raw.AliasTarget.DNSName ?? '')}`]
    : (raw.ResourceRecords ?? []).map((record) => fromRoute53Value(type, record.Value ?? ''));
  const routing = routingOf(raw);
  const set: Route53RecordSet = routing === undefined ? { name, type, ttl: raw.TTL ?? 0, values } : { name, type, ttl: raw.TTL ?? 0, values, routing };
  if (routing === undefined) stored.set(set, { ttl: raw.TTL ?? 0, values: (raw.ResourceRecords ?? []).map((record) => record.Value ?? '') });
  return set;
}

function routingOf(raw: ResourceRecordSet): string | undefined {
  if (raw.AliasTarget) return 'alias';
  if (raw.TrafficPolicyInstanceId) return 'traffic-policy';
  if (raw.SetIdentifier === undefined) return undefined;
  if (raw.Weight !== undefined) return 'weighted';
  if (raw.Region !== undefined) return 'latency';
  if (raw.Failover !== undefined) return 'failover';
  if (raw.GeoLocation !== undefined) return 'geolocation';
  if (raw.GeoProximityLocation !== undefined) return 'geoproximity';
  if (raw.CidrRoutingConfig !== undefined) return 'cidr';
  if (raw.MultiValueAnswer !== undefined) return 'multivalue';
  return 'routing policy';
}

/** Sets of one name and type with several set identifiers (routing policies) become one, listing every value. */
function merge(sets: Map<string, Route53RecordSet>, set: Route53RecordSet): void {
  const key = `${set.name} ${set.type}`;
  const seen = sets.get(key);
  if (!seen) {
    sets.set(key, set);
    return;
  }
  sets.set(key, { ...seen, values: [...seen.values, ...set.values], routing: seen.routing ?? set.routing ?? 'routing policy' });
}
