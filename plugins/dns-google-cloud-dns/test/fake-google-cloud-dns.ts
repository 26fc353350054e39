/**
 * A local fake of the parts of the Cloud DNS API v1 that dns.google-cloud-dns uses, on 127.0.0.1 and a random
 * port, written from the documented contract. Not a model of Cloud DNS: just enough to hold the plugin to it.
 *
 * - REST reference: https://cloud.google.com/dns/docs/reference/rest/v1 — `managedZones.list` (`dnsName` filter,
 *   `pageToken` / `nextPageToken`), `managedZones.get`, `resourceRecordSets.list` (`name`, `pageToken`),
 *   `changes.create` (`additions`, `deletions`; a deletion must match the stored record set exactly, else 412
 *   `conditionNotMet`; an addition over an existing set is 409 `alreadyExists`; all or nothing).
 * - Errors: `{ "error": { "code", "message", "status", "errors": [{ "reason", "message", "domain" }] } }`,
 *   https://cloud.google.com/apis/design/errors and https://cloud.google.com/dns/docs/troubleshooting
 * - Quotas: 429 `RESOURCE_EXHAUSTED`, or 403 with reason `rateLimitExceeded`; https://cloud.google.com/dns/quotas
 * - Authentication: a bearer token; here the self-signed JWT a service account key makes for itself (RS256,
 *   `kid` = private_key_id, `iss` = `sub` = client_email, a `scope` claim), https://google.aip.dev/auth/4111.
 *   The fake checks the signature with the public key registered for the service account.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeServiceAccount {
  publicKey: KeyObject | string;
  /** `admin`: roles/dns.admin; `reader`: roles/dns.reader. Default admin. */
  role?: 'admin' | 'reader';
  /** Projects the account has the role on; default all. */
  projects?: string[];
}

export interface FakeRrset {
  kind: 'dns#resourceRecordSet';
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

export interface FakeManagedZone {
  kind: 'dns#managedZone';
  name: string;
  dnsName: string;
  id: string;
  nameServers: string[];
  visibility: 'public' | 'private';
  project: string;
  rrsets: FakeRrset[];
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: unknown;
  authorized: boolean;
}

export type Fault = { status: 429; retryAfter?: string } | { status: 403; reason: 'rateLimitExceeded' } | { status: 500 } | { status: 503; html: true };

export interface FakeGoogleCloudDns {
  /** The endpoint to give the plugin (`http://127.0.0.1:port`). */
  url: string;
  accounts: Map<string, FakeServiceAccount>;
  zones: FakeManagedZone[];
  requests: FakeRequest[];
  /** Items per page of every list. */
  pageSize: number;
  addZone(project: string, dnsName: string, name?: string, visibility?: 'public' | 'private'): FakeManagedZone;
  zone(dnsName: string): FakeManagedZone;
  failNext(count: number, fault: Fault): void;
  close(): Promise<void>;
}

const absolute = (name: string) => `${name.toLowerCase().replace(/\.$/, '')}.`;
const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const SCOPES = ['https://www.googleapis.com/auth/ndev.clouddns.readwrite', 'https://www.googleapis.com/auth/cloud-platform'];

export async function startFakeGoogleCloudDns(): Promise<FakeGoogleCloudDns> {
  const accounts = new Map<string, FakeServiceAccount>();
  const zones: FakeManagedZone[] = [];
  const requests: FakeRequest[] = [];
  const faults: Fault[] = [];
  let changeId = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, code: number, status: string, reason: string, message: string, headers: Record<string, string> = {}) =>
    send(res, code, { error: { code, message, status, errors: [{ message, domain: 'global', reason }] } }, headers);

  /** The service account a bearer token proves, or undefined. */
  function authenticate(header: string | undefined): string | undefined {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const [head, payload, signature] = token?.split('.') ?? [];
    if (!head || !payload || !signature) return undefined;
    try {
      const h = b64json(head);
      const claims = b64json(payload);
      const email = String(claims.iss);
      const account = accounts.get(email);
      if (!account || h.alg !== 'RS256' || claims.sub !== email) return undefined;
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
      const scopes = String(claims.scope ?? '').split(' ');
      if (!scopes.some((s) => SCOPES.includes(s))) return undefined;
      const key = typeof account.publicKey === 'string' ? createPublicKey(account.publicKey) : account.publicKey;
      return verify('RSA-SHA256', Buffer.from(`${head}.${payload}`), key, Buffer.from(signature, 'base64url')) ? email : undefined;
    } catch {
      return undefined;
    }
  }

  const page = <T>(items: T[], query: URLSearchParams) => {
    const start = Number(query.get('pageToken') ?? 0);
    const size = fake.pageSize;
    return { items: items.slice(start, start + size), next: start + size < items.length ? String(start + size) : undefined };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const email = authenticate(req.headers.authorization);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body, authorized: email !== undefined });

    const fault = faults.shift();
    if (fault?.status === 429) return fail(res, 429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'Quota exceeded', fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    if (fault?.status === 403) return fail(res, 403, 'PERMISSION_DENIED', 'rateLimitExceeded', 'Rate Limit Exceeded');
    if (fault?.status === 500) return fail(res, 500, 'INTERNAL', 'backendError', 'Internal error encountered.');
    if (fault?.status === 503) {
      res.writeHead(503, { 'Content-Type': 'text/html' });
      return void res.end('<html><head><title>Service Unavailable</title></head><body>503</body></html>');
    }
    if (!email) return fail(res, 401, 'UNAUTHENTICATED', 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' });

    const match = /^\/dns\/v1\/projects\/([^/]+)\/managedZones(?:\/([^/]+)(?:\/(rrsets|changes))?)?$/.exec(url.pathname);
    if (!match) return fail(res, 404, 'NOT_FOUND', 'notFound', 'Not Found');
    const [, project, zoneName, collection] = match.map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
    const account = accounts.get(email)!;
    if (account.projects && !account.projects.includes(project!)) return fail(res, 403, 'PERMISSION_DENIED', 'forbidden', `Forbidden: the caller lacks dns.managedZones.list on project ${project}`);

    if (!zoneName) {
      const dnsName = url.searchParams.get('dnsName');
      const mine = zones.filter((z) => z.project === project && (!dnsName || z.dnsName === absolute(dnsName)));
      const { items, next } = page(mine.map(({ rrsets: _rrsets, project: _project, ...zone }) => zone), url.searchParams);
      return send(res, 200, { kind: 'dns#managedZonesListResponse', managedZones: items, ...(next ? { nextPageToken: next } : {}) });
    }
    const zone = zones.find((z) => z.project === project && z.name === zoneName);
    if (!zone) return fail(res, 404, 'NOT_FOUND', 'notFound', `The 'parameters.managedZone' resource named '${zoneName}' does not exist.`);
    if (!collection) {
      const { rrsets: _rrsets, project: _project, ...info } = zone;
      return send(res, 200, info);
    }
    if (collection === 'rrsets' && req.method === 'GET') {
      const name = url.searchParams.get('name');
      const type = url.searchParams.get('type');
      if (type && !name) return fail(res, 400, 'INVALID_ARGUMENT', 'invalid', 'type requires name');
      const sets = zone.rrsets.filter((r) => (!name || r.name === absolute(name)) && (!type || r.type === type));
      const { items, next } = page(sets, url.searchParams);
      return send(res, 200, { kind: 'dns#resourceRecordSetsListResponse', rrsets: items, ...(next ? { nextPageToken: next } : {}) });
    }
    if (collection !== 'changes' || req.method !== 'POST') return fail(res, 404, 'NOT_FOUND', 'notFound', 'Not Found');
    if (account.role === 'reader') return fail(res, 403, 'PERMISSION_DENIED', 'forbidden', `Forbidden: the caller lacks dns.changes.create on project ${project}`);

    const additions = (body?.additions ?? []) as FakeRrset[];
    const deletions = (body?.deletions ?? []) as FakeRrset[];
    const next = zone.rrsets.map((r) => ({ ...r, rrdatas: [...r.rrdatas] }));
    for (const [i, del] of deletions.entries()) {
      const at = next.findIndex((r) => r.name === absolute(del.name) && r.type === del.type);
      const same = at >= 0 && next[at]!.ttl === del.ttl && JSON.stringify([...next[at]!.rrdatas].sort()) === JSON.stringify([...(del.rrdatas ?? [])].sort());
      if (!same) return fail(res, 412, 'FAILED_PRECONDITION', 'conditionNotMet', `Precondition not met for 'entity.change.deletions[${i}]'`);
      next.splice(at, 1);
    }
    for (const [i, add] of additions.entries()) {
      const name = absolute(add.name ?? '');
      const where = `entity.change.additions[${i}]`;
      if (name !== zone.dnsName && !name.endsWith(`.${zone.dnsName}`)) return fail(res, 400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for '${where}.name': '${add.name}'`);
      if (!add.rrdatas?.length || typeof add.ttl !== 'number') return fail(res, 400, 'INVALID_ARGUMENT', 'required', `Required field '${where}.rrdata' not specified`);
      if (add.type === 'A' && add.rrdatas.some((d) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(d))) return fail(res, 400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for '${where}.rrdata[0]'`);
      if (add.type === 'CNAME' && add.rrdatas.some((d) => !d.endsWith('.'))) return fail(res, 400, 'INVALID_ARGUMENT', 'invalid', `Invalid value for '${where}.rrdata[0]': must be absolute`);
      if (add.type === 'TXT' && add.rrdatas.some((d) => !d.startsWith('"'))) return fail(res, 400, 'INVALID_ARGUMENT', 'invalid', `TXT data in '${where}' must be quoted (the fake holds the plugin to its own quoting)`);
      if (next.some((r) => r.name === name && r.type === add.type)) return fail(res, 409, 'ALREADY_EXISTS', 'alreadyExists', `The resource '${where}' named '${name} (${add.type})' already exists`);
      const others = next.filter((r) => r.name === name);
      if ((add.type === 'CNAME' && others.length > 0) || others.some((r) => r.type === 'CNAME')) {
        return fail(res, 400, 'INVALID_ARGUMENT', 'cnameResourceRecordSetConflict', `The resource '${where}' named '${name} (CNAME)' conflicts with another record set`);
      }
      next.push({ kind: 'dns#resourceRecordSet', name, type: add.type, ttl: add.ttl, rrdatas: add.rrdatas });
    }
    zone.rrsets = next;
    return send(res, 200, { kind: 'dns#change', id: String(++changeId), status: 'pending', startTime: new Date().toISOString(), additions, deletions });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, 'INTERNAL', 'backendError', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeGoogleCloudDns = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accounts,
    zones,
    requests,
    pageSize: 3,
    addZone(project, dnsName, name = dnsName.replace(/\.$/, '').replace(/\./g, '-'), visibility = 'public') {
      const zone: FakeManagedZone = {
        kind: 'dns#managedZone',
        name,
        dnsName: absolute(dnsName),
        id: String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
        nameServers: ['ns-cloud-a1.googledomains.com.', 'ns-cloud-a2.googledomains.com.', 'ns-cloud-a3.googledomains.com.', 'ns-cloud-a4.googledomains.com.'],
        visibility,
        project,
        rrsets: [],
      };
      zones.push(zone);
      return zone;
    },
    zone(dnsName) {
      const zone = zones.find((z) => z.dnsName === absolute(dnsName));
      if (!zone) throw new Error(`fake Cloud DNS: no zone ${dnsName}`);
      return zone;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}
