/**
 * A local fake of the Route 53 REST-XML API (version 2013-04-01), written from its documented contract, for the
 * plugin's tests: ListHostedZonesByName, GetHostedZone, ListResourceRecordSets (MaxItems pagination in Route 53's
 * order: names with labels reversed, then type), ChangeResourceRecordSets (validated as Route 53 does, the whole
 * batch rejected on any error) and GetChange. Answers are XML as Route 53 sends them; errors are `ErrorResponse`
 * documents with Route 53's codes.
 *
 * Authentication: the SDK signs with SigV4. The fake reads the access key id from the `Credential=` part of the
 * Authorization header and answers `InvalidClientTokenId` (403) for one it does not know; it does **not** verify
 * signatures, so a wrong secret with a known key id passes here (tests of a wrong secret use a wrong key id).
 *
 * Listens on 127.0.0.1, port 0 (a free port). Switches a test can flip: `failNext('throttling' | 'prior-request' |
 * 'server-error', { count, action, after })`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { child, children, parseXml, renderXml, textOf, type XmlElement, type XmlNode } from './fake-xml.ts';
import { validateChanges, type FakeChange } from './fake-validate.ts';

const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** A record set as Route 53 stores it: absolute names with `\052` for `*`, values as sent (TXT quoted). */
export interface FakeRecordSet {
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  setIdentifier?: string;
  weight?: number;
  alias?: { dnsName: string; hostedZoneId: string };
}

export interface FakeZoneSpec {
  id: string;
  name: string;
  privateZone?: boolean;
  nameservers?: string[];
  records?: FakeRecordSet[];
}

export interface FakeRoute53Options {
  /** Access key ids the fake accepts. */
  accessKeys: string[];
  /** Accepted, but refused every ChangeResourceRecordSets (`AccessDenied`), like a read-only IAM policy. */
  readOnlyKeys?: string[];
  zones: FakeZoneSpec[];
  /** Most record sets one ListResourceRecordSets page holds, whatever MaxItems asks. Route 53: 300. */
  maxItems?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  action: string;
  accessKeyId?: string;
  /** For ChangeResourceRecordSets: the changes sent. */
  changes?: FakeChange[];
}

export type FailureKind = 'throttling' | 'prior-request' | 'server-error';

export interface FakeRoute53 {
  url: string;
  requests: FakeRequest[];
  /**
   * The next `count` (default 1) authenticated requests fail this way; with `action`, requests of that action
   * only; with `after`, once that many of them have passed.
   */
  failNext(kind: FailureKind, options?: { count?: number; action?: string; after?: number }): void;
  /** The record sets of a zone as stored (a copy), in Route 53's order. */
  recordSets(zoneId: string): FakeRecordSet[];
  /** Store a record set directly, bypassing validation (alias and weighted sets the API tests cannot make). */
  put(zoneId: string, set: FakeRecordSet): void;
  close(): Promise<void>;
}

interface Zone {
  id: string;
  name: string;
  privateZone: boolean;
  nameservers: string[];
  sets: Map<string, FakeRecordSet>;
}

class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** `*.X.Example.com` → `\052.x.example.com.` (Route 53's stored form). */
export function canonicalName(name: string): string {
  const absolute = name.toLowerCase().endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
  return absolute.replace(/\\052/g, '*').replace(/[^a-z0-9_.\\-]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

const reversed = (name: string) => name.replace(/\.$/, '').split('.').reverse().join('.');
const setKey = (set: Pick<FakeRecordSet, 'name' | 'type' | 'setIdentifier'>) => `${set.name}|${set.type}|${set.setIdentifier ?? ''}`;
const orderKey = (set: Pick<FakeRecordSet, 'name' | 'type' | 'setIdentifier'>) => [reversed(set.name), set.type, set.setIdentifier ?? ''] as const;

function compare(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

const FAILURES: Record<FailureKind, [number, string, string]> = {
  throttling: [400, 'Throttling', 'Rate exceeded'],
  'prior-request': [400, 'PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.'],
  'server-error': [500, 'InternalFailure', 'An internal error occurred.'],
};

export async function startFakeRoute53(options: FakeRoute53Options): Promise<FakeRoute53> {
  const keys = new Set(options.accessKeys);
  const readOnly = new Set(options.readOnlyKeys ?? []);
  const maxItems = options.maxItems ?? 300;
  const zones = new Map<string, Zone>();
  for (const spec of options.zones) {
    const name = canonicalName(spec.name);
    const nameservers = spec.nameservers ?? ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk', 'ns-3.awsdns-03.com', 'ns-4.awsdns-04.net'];
    const zone: Zone = { id: spec.id, name, privateZone: spec.privateZone ?? false, nameservers, sets: new Map() };
    const initial: FakeRecordSet[] = [
      { name, type: 'SOA', ttl: 900, values: [`${nameservers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`] },
      { name, type: 'NS', ttl: 172800, values: nameservers.map((ns) => `${ns}.`) },
      ...(spec.records ?? []),
    ];
    for (const set of initial) store(zone, set);
    zones.set(spec.id, zone);
  }
  const requests: FakeRequest[] = [];
  const failures: Array<{ kind: FailureKind; action?: string; after: number }> = [];
  const changes = new Map<string, { status: string; submittedAt: string }>();
  let changeCounter = 0;

  function store(zone: Zone, set: FakeRecordSet) {
    const canonical = { ...set, name: canonicalName(set.name) };
    zone.sets.set(setKey(canonical), canonical);
  }

  function sorted(zone: Zone): FakeRecordSet[] {
    return [...zone.sets.values()].sort((a, b) => compare(orderKey(a), orderKey(b)));
  }

  function zoneOf(id: string): Zone {
    const zone = zones.get(id.replace(/^\/?hostedzone\//, ''));
    if (!zone) throw new ApiError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${id}`);
    return zone;
  }

  const hostedZoneXml = (zone: Zone): XmlNode => [
    'HostedZone',
    [
      ['Id', `/hostedzone/${zone.id}`],
      ['Name', zone.name],
      ['CallerReference', `portico-fake-${zone.id}`],
      ['Config', [['PrivateZone', zone.privateZone]]],
      ['ResourceRecordSetCount', zone.sets.size],
    ],
  ];

  const recordSetXml = (set: FakeRecordSet): XmlNode => [
    'ResourceRecordSet',
    [
      ['Name', set.name],
      ['Type', set.type],
      set.setIdentifier === undefined ? undefined : ['SetIdentifier', set.setIdentifier],
      set.weight === undefined ? undefined : ['Weight', set.weight],
      set.ttl === undefined ? undefined : ['TTL', set.ttl],
      set.values === undefined ? undefined : ['ResourceRecords', set.values.map((value): XmlNode => ['ResourceRecord', [['Value', value]]])],
      set.alias === undefined
        ? undefined
        : ['AliasTarget', [['HostedZoneId', set.alias.hostedZoneId], ['DNSName', set.alias.dnsName], ['EvaluateTargetHealth', false]]],
    ],
  ];

  function listHostedZonesByName(query: Record<string, string>): XmlNode {
    if (query.hostedzoneid !== undefined && query.dnsname === undefined) throw new ApiError(400, 'InvalidInput', 'hostedzoneid requires dnsname');
    const limit = Math.min(Number(query.maxitems ?? 100) || 100, 100);
    const start = query.dnsname === undefined ? undefined : [reversed(canonicalName(query.dnsname)), query.hostedzoneid ?? ''];
    const all = [...zones.values()].sort((a, b) => compare([reversed(a.name), a.id], [reversed(b.name), b.id]));
    const from = start ? all.filter((z) => compare([reversed(z.name), z.id], start) >= 0) : all;
    const page = from.slice(0, limit);
    const next = from[limit];
    return [
      'ListHostedZonesByNameResponse',
      [
        ['HostedZones', page.map(hostedZoneXml)],
        query.dnsname === undefined ? undefined : ['DNSName', query.dnsname],
        query.hostedzoneid === undefined ? undefined : ['HostedZoneId', query.hostedzoneid],
        ['IsTruncated', next !== undefined],
        next === undefined ? undefined : ['NextDNSName', next.name],
        next === undefined ? undefined : ['NextHostedZoneId', next.id],
        ['MaxItems', limit],
      ],
    ];
  }

  function getHostedZone(zone: Zone): XmlNode {
    return [
      'GetHostedZoneResponse',
      [hostedZoneXml(zone), zone.privateZone ? undefined : ['DelegationSet', [['NameServers', zone.nameservers.map((ns): XmlNode => ['NameServer', ns])]]]],
    ];
  }

  function listResourceRecordSets(zone: Zone, query: Record<string, string>): XmlNode {
    if (query.type !== undefined && query.name === undefined) throw new ApiError(400, 'InvalidInput', 'The input is not valid: type requires name');
    if (query.identifier !== undefined && query.type === undefined) throw new ApiError(400, 'InvalidInput', 'The input is not valid: identifier requires type');
    const limit = Math.min(Number(query.maxitems ?? 300) || 300, maxItems);
    const all = sorted(zone);
    const start = query.name === undefined ? undefined : [reversed(canonicalName(query.name)), query.type ?? '', query.identifier ?? ''];
    const from = start ? all.filter((set) => compare(orderKey(set), start) >= 0) : all;
    const page = from.slice(0, limit);
    const next = from[limit];
    return [
      'ListResourceRecordSetsResponse',
      [
        ['ResourceRecordSets', page.map(recordSetXml)],
        ['IsTruncated', next !== undefined],
        next === undefined ? undefined : ['NextRecordName', next.name],
        next === undefined ? undefined : ['NextRecordType', next.type],
        next?.setIdentifier === undefined ? undefined : ['NextRecordIdentifier', next.setIdentifier],
        ['MaxItems', limit],
      ],
    ];
  }

  function changeResourceRecordSets(zone: Zone, body: XmlElement, request: FakeRequest): XmlNode {
    if (body.name !== 'ChangeResourceRecordSetsRequest') throw new ApiError(400, 'InvalidInput', 'Invalid XML; expected ChangeResourceRecordSetsRequest');
    const parsed: FakeChange[] = children(child(child(body, 'ChangeBatch'), 'Changes'), 'Change').map((change) => {
      const set = child(change, 'ResourceRecordSet');
      const ttl = textOf(set, 'TTL');
      const alias = child(set, 'AliasTarget');
      return {
        action: textOf(change, 'Action') ?? '',
        set: {
          name: canonicalName(textOf(set, 'Name') ?? ''),
          type: textOf(set, 'Type') ?? '',
          ...(ttl === undefined ? {} : { ttl: Number(ttl) }),
          ...(child(set, 'ResourceRecords') ? { values: children(child(set, 'ResourceRecords'), 'ResourceRecord').map((r) => textOf(r, 'Value') ?? '') } : {}),
          ...(textOf(set, 'SetIdentifier') === undefined ? {} : { setIdentifier: textOf(set, 'SetIdentifier') }),
          ...(alias ? { alias: { dnsName: textOf(alias, 'DNSName') ?? '', hostedZoneId: textOf(alias, 'HostedZoneId') ?? '' } } : {}),
        },
      };
    });
    request.changes = parsed;
    if (parsed.length === 0) throw new ApiError(400, 'InvalidInput', 'Invalid request: ChangeBatch has no changes');
    const result = validateChanges(zone.name, new Map(zone.sets), parsed, setKey);
    if (result.errors.length > 0) throw new ApiError(400, 'InvalidChangeBatch', `[${result.errors.join(', ')}]`);
    zone.sets = result.sets;
    const id = `C${String(++changeCounter).padStart(10, '0')}`;
    const submittedAt = new Date().toISOString();
    changes.set(id, { status: 'PENDING', submittedAt });
    return ['ChangeResourceRecordSetsResponse', [['ChangeInfo', [['Id', `/change/${id}`], ['Status', 'PENDING'], ['SubmittedAt', submittedAt]]]]];
  }

  function getChange(id: string): XmlNode {
    const change = changes.get(id.replace(/^\/?change\//, ''));
    if (!change) throw new ApiError(404, 'NoSuchChange', `A change with the specified change ID does not exist: ${id}`);
    // Route 53 propagates within seconds; the fake has nothing to propagate, so the first look finds it done.
    change.status = 'INSYNC';
    return ['GetChangeResponse', [['ChangeInfo', [['Id', `/change/${id}`], ['Status', change.status], ['SubmittedAt', change.submittedAt]]]]];
  }

  async function handle(req: IncomingMessage, body: string): Promise<XmlNode> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname).replace(/\/$/, '');
    const route = /^\/2013-04-01\/(hostedzonesbyname|hostedzone\/([^/]+)(\/rrset)?|change\/([^/]+))$/.exec(path);
    const action = !route
      ? 'Unknown'
      : route[1] === 'hostedzonesbyname'
        ? 'ListHostedZonesByName'
        : route[4] !== undefined
          ? 'GetChange'
          : route[3] === undefined
            ? 'GetHostedZone'
            : method === 'POST'
              ? 'ChangeResourceRecordSets'
              : 'ListResourceRecordSets';
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const request: FakeRequest = { method, path, query, action, accessKeyId };
    requests.push(request);

    if (accessKeyId === undefined) throw new ApiError(403, 'MissingAuthenticationToken', 'Missing Authentication Token');
    if (!keys.has(accessKeyId)) throw new ApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    const failure = failures.find((f) => f.action === undefined || f.action === action);
    if (failure && failure.after > 0) {
      for (const f of failures) if (f.action === failure.action) f.after--;
    } else if (failure) {
      failures.splice(failures.indexOf(failure), 1);
      throw new ApiError(...FAILURES[failure.kind]);
    }
    if (!route) throw new ApiError(404, 'UnknownOperationException', `No such operation: ${method} ${path}`);

    if (action === 'ListHostedZonesByName' && method === 'GET') return listHostedZonesByName(query);
    if (action === 'GetChange' && method === 'GET') return getChange(route[4]!);
    const zone = zoneOf(route[2]!);
    if (action === 'GetHostedZone' && method === 'GET') return getHostedZone(zone);
    if (action === 'ListResourceRecordSets' && method === 'GET') return listResourceRecordSets(zone, query);
    if (action === 'ChangeResourceRecordSets') {
      if (readOnly.has(accessKeyId)) {
        throw new ApiError(
          403,
          'AccessDenied',
          `User: arn:aws:iam::123456789012:user/portico is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/${zone.id} because no identity-based policy allows the route53:ChangeResourceRecordSets action`,
        );
      }
      let xml: XmlElement;
      try {
        xml = parseXml(body);
      } catch (error) {
        throw new ApiError(400, 'InvalidInput', `Invalid XML; ${(error as Error).message}`);
      }
      return changeResourceRecordSets(zone, xml, request);
    }
    throw new ApiError(405, 'UnknownOperationException', `No such operation: ${method} ${path}`);
  }

  function reply(res: ServerResponse, status: number, node: XmlNode) {
    const xml = `<?xml version="1.0"?>\n${renderXml(node, NAMESPACE)}`;
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': `fake-${requests.length}` });
    res.end(xml);
  }

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      handle(req, body).then(
        (node) => reply(res, 200, node),
        (error: unknown) => {
          const api = error instanceof ApiError ? error : new ApiError(500, 'InternalFailure', String(error));
          const document: XmlNode = [
            'ErrorResponse',
            [['Error', [['Type', api.status >= 500 ? 'Receiver' : 'Sender'], ['Code', api.code], ['Message', api.message]]], ['RequestId', `fake-${requests.length}`]],
          ];
          reply(res, api.status, document);
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(kind, { count = 1, action, after = 0 } = {}) {
      for (let i = 0; i < count; i++) failures.push({ kind, action, after });
    },
    recordSets: (zoneId) => sorted(zoneOf(zoneId)).map((set) => structuredClone(set)),
    put: (zoneId, set) => store(zoneOf(zoneId), set),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
