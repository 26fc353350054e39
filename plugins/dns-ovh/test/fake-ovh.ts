/**
 * A fake of the OVHcloud API v1 `/domain/zone` on 127.0.0.1 (port 0), written from OVHcloud's documentation:
 * - https://help.ovhcloud.com/csm/en-gb-api-getting-started-ovhcloud-api: application key and secret, consumer keys
 *   with access rules (`{ method, path }`, `*` a wildcard), the headers `X-Ovh-Application`, `X-Ovh-Consumer`,
 *   `X-Ovh-Timestamp` and `X-Ovh-Signature` = `"$1$" + SHA1_HEX(AS+"+"+CK+"+"+METHOD+"+"+URL+"+"+BODY+"+"+TSTAMP)`,
 *   and `GET /auth/time` (unsigned) for the API's clock;
 * - https://eu.api.ovh.com/console/?section=%2Fdomain: `GET /domain/zone`, `GET /domain/zone/{zone}`,
 *   `GET /domain/zone/{zone}/record?fieldType=&subDomain=` (the ids, one list: this route is not paged),
 *   `GET|PUT|DELETE /domain/zone/{zone}/record/{id}`, `POST /domain/zone/{zone}/record`,
 *   `POST /domain/zone/{zone}/refresh`; `GET /auth/currentCredential`;
 * - errors as OVHcloud's clients read them (python-ovh `ovh/client.py`): `{ "errorCode", "httpCode", "message" }` for
 *   credential failures (INVALID_KEY, INVALID_CREDENTIAL, NOT_GRANTED_CALL, INVALID_SIGNATURE, QUERY_TIME_OUT),
 *   `{ "class": "Client::NotFound", "message" }` and the like otherwise, every answer with `X-Ovh-QueryId`;
 *   429 with `Retry-After` when throttled.
 * Record changes are staged until the zone is refreshed, as OVHcloud serves them (`served`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

export interface FakeRecord {
  id: number;
  zone: string;
  subDomain: string;
  fieldType: string;
  target: string;
  ttl: number;
}

export interface FakeZone {
  name: string;
  records: FakeRecord[];
  /** The records as last refreshed (what the zone's nameservers serve). */
  served: FakeRecord[];
  refreshes: number;
}

export interface FakeConsumer {
  applicationKey: string;
  status?: 'validated' | 'pendingValidation' | 'expired' | 'refused';
  /** Access rules; default: every method on `/*`. */
  rules?: Array<{ method: string; path: string }>;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface Fault {
  status: number;
  retryAfter?: string;
  html?: boolean;
}

export interface FakeOvh {
  url: string;
  /** Application key → application secret. */
  applications: Map<string, string>;
  consumers: Map<string, FakeConsumer>;
  requests: FakeRequest[];
  /** Seconds the API's clock is ahead of ours; a timestamp more than 30 s off its clock is QUERY_TIME_OUT. */
  clockSkew: number;
  addZone(name: string): FakeZone;
  zone(name: string): FakeZone;
  insert(zone: string, record: { subDomain: string; fieldType: string; target: string; ttl?: number }): FakeRecord;
  failNext(count: number, fault: Fault): void;
  close(): Promise<void>;
}

const NAMESERVERS = ['dns200.anycast.me', 'ns200.anycast.me'];

class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, string>;
  constructor(status: number, body: Record<string, string>) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

const credentialError = (status: number, errorCode: string, message: string) =>
  new ApiError(status, { errorCode, httpCode: `${status} ${status === 400 ? 'Bad Request' : 'Forbidden'}`, message });

/** `*` in an access rule matches any run of characters (path segments included). */
const ruleMatches = (rule: { method: string; path: string }, method: string, path: string): boolean =>
  rule.method === method && new RegExp(`^${rule.path.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(path);

export async function startFakeOvh(): Promise<FakeOvh> {
  const zones: FakeZone[] = [];
  const applications = new Map<string, string>();
  const consumers = new Map<string, FakeConsumer>();
  const requests: FakeRequest[] = [];
  const faults: Fault[] = [];
  let nextId = 5_000_000;
  const fake = { clockSkew: 0 };
  const apiTime = () => Math.round(Date.now() / 1000) + fake.clockSkew;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof ApiError ? error : new ApiError(500, { class: 'Server::InternalServerError', message: String(error) });
      send(res, e.status, e.body);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: url.searchParams });
    const body = await readBody(req);
    const fault = faults.shift();
    if (fault) {
      const headers: Record<string, string> = { 'content-type': fault.html ? 'text/html' : 'application/json', 'x-ovh-queryid': queryId() };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      const text = fault.html
        ? `<html><head><title>${fault.status} Bad Gateway</title></head><body>upstream</body></html>`
        : JSON.stringify(fault.status === 429 ? { class: 'Client::TooManyRequests', message: 'Too much requests' } : { class: 'Server::InternalServerError', message: 'Internal server error' });
      res.writeHead(fault.status, headers).end(text);
      return;
    }
    if (!url.pathname.startsWith('/1.0/')) throw new ApiError(404, { class: 'Client::NotFound', message: 'Not found' });
    const path = url.pathname.slice('/1.0'.length);
    if (path === '/auth/time' && method === 'GET') return send(res, 200, apiTime());

    // Authentication, in the order OVHcloud checks it.
    const appKey = header(req, 'x-ovh-application');
    const secret = appKey === undefined ? undefined : applications.get(appKey);
    if (secret === undefined) throw credentialError(403, 'INVALID_KEY', 'Invalid application key');
    const consumerKey = header(req, 'x-ovh-consumer');
    if (consumerKey === undefined) throw credentialError(401, 'NOT_CREDENTIAL', 'You must login first');
    const consumer = consumers.get(consumerKey);
    if (!consumer || consumer.applicationKey !== appKey || (consumer.status ?? 'validated') !== 'validated') {
      throw credentialError(403, 'INVALID_CREDENTIAL', 'This credential is not valid');
    }
    const timestamp = header(req, 'x-ovh-timestamp') ?? '';
    if (!/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - apiTime()) > 30) throw credentialError(400, 'QUERY_TIME_OUT', 'Query out of time');
    const signed = `http://${req.headers.host}${req.url}`;
    const expected = `$1$${createHash('sha1').update([secret, consumerKey, method, signed, body, timestamp].join('+')).digest('hex')}`;
    if (header(req, 'x-ovh-signature') !== expected) throw credentialError(400, 'INVALID_SIGNATURE', 'Invalid signature');

    if (path === '/auth/currentCredential' && method === 'GET') {
      return send(res, 200, { credentialId: 4242, applicationId: 17, status: consumer.status ?? 'validated', expiration: null, rules: consumer.rules ?? [{ method: 'GET', path: '/*' }] });
    }
    const rules = consumer.rules ?? ['GET', 'POST', 'PUT', 'DELETE'].map((m) => ({ method: m, path: '/*' }));
    if (!rules.some((rule) => ruleMatches(rule, method, path))) throw credentialError(403, 'NOT_GRANTED_CALL', 'This call has not been granted');

    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'domain' || parts[1] !== 'zone') throw new ApiError(404, { class: 'Client::NotFound', message: 'Not found' });
    const [, , zoneName, sub, recordId, ...rest] = parts;
    if (zoneName === undefined) {
      if (method !== 'GET') throw new ApiError(405, { class: 'Client::MethodNotAllowed', message: 'Method not allowed' });
      return send(res, 200, zones.map((z) => z.name));
    }
    const zone = zones.find((z) => z.name === zoneName);
    if (!zone) throw new ApiError(404, { class: 'Client::NotFound', message: `This service does not exist` });
    if (rest.length > 0) throw new ApiError(404, { class: 'Client::NotFound', message: 'Not found' });
    if (sub === undefined && method === 'GET') {
      return send(res, 200, { name: zone.name, nameServers: NAMESERVERS, hasDnsAnycast: true, dnssecSupported: true, lastUpdate: '2026-01-01T00:00:00+01:00' });
    }
    if (sub === 'refresh' && method === 'POST') {
      zone.served = zone.records.map((r) => ({ ...r }));
      zone.refreshes++;
      return send(res, 200, null);
    }
    if (sub !== 'record') throw new ApiError(404, { class: 'Client::NotFound', message: 'Not found' });
    if (recordId === undefined) {
      if (method === 'GET') {
        const fieldType = url.searchParams.get('fieldType');
        const subDomain = url.searchParams.get('subDomain');
        return send(
          res,
          200,
          zone.records.filter((r) => (fieldType === null || r.fieldType === fieldType) && (subDomain === null || r.subDomain === subDomain)).map((r) => r.id),
        );
      }
      if (method !== 'POST') throw new ApiError(405, { class: 'Client::MethodNotAllowed', message: 'Method not allowed' });
      const record = validate(zone, parseJson(body), undefined);
      zone.records.push(record);
      return send(res, 200, record);
    }
    const index = zone.records.findIndex((r) => String(r.id) === recordId);
    if (index < 0) throw new ApiError(404, { class: 'Client::NotFound', message: `The requested object (id = ${recordId}) does not exist` });
    if (method === 'GET') return send(res, 200, zone.records[index]);
    if (method === 'DELETE') {
      zone.records.splice(index, 1);
      return send(res, 200, null);
    }
    if (method !== 'PUT') throw new ApiError(405, { class: 'Client::MethodNotAllowed', message: 'Method not allowed' });
    const old = zone.records[index]!;
    zone.records[index] = validate(zone, { ...old, ...parseJson(body), fieldType: old.fieldType }, old);
    return send(res, 200, null);
  }

  function validate(zone: FakeZone, input: Record<string, unknown>, old: FakeRecord | undefined): FakeRecord {
    const fieldType = String(input.fieldType ?? '');
    const subDomain = String(input.subDomain ?? '').toLowerCase();
    const target = String(input.target ?? '');
    const ttl = Number(input.ttl ?? 0);
    const bad = (message: string) => new ApiError(400, { class: 'Client::BadRequest', message });
    if (!['A', 'AAAA', 'CNAME', 'TXT', 'NS', 'MX', 'SRV', 'CAA', 'SPF', 'DKIM', 'DMARC', 'PTR', 'NAPTR', 'LOC', 'SSHFP', 'TLSA'].includes(fieldType)) throw bad(`Invalid fieldType ${fieldType}`);
    if (target === '') throw bad('Invalid target: empty');
    if (fieldType === 'A' && !isIPv4(target)) throw bad(`Invalid IPv4 target ${target}`);
    if (fieldType === 'AAAA' && !isIPv6(target)) throw bad(`Invalid IPv6 target ${target}`);
    if (!Number.isInteger(ttl) || (ttl !== 0 && ttl < 60)) throw bad('Invalid ttl: it must be 0 or at least 60');
    if (fieldType === 'CNAME' && subDomain === '') throw bad('A CNAME record cannot be set on the zone apex');
    const clash = zone.records.filter((r) => r.id !== old?.id && r.subDomain === subDomain);
    if (fieldType === 'CNAME' ? clash.length > 0 : clash.some((r) => r.fieldType === 'CNAME')) {
      throw new ApiError(409, { class: 'Client::Conflict::RecordAlreadyExists', message: `A CNAME record cannot share ${subDomain || '@'} with other records` });
    }
    return { id: old?.id ?? nextId++, zone: zone.name, subDomain, fieldType, target, ttl };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const byName = (name: string) => {
    const found = zones.find((z) => z.name === name);
    if (!found) throw new Error(`fake OVHcloud: no zone ${name}`);
    return found;
  };
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/1.0`,
    applications,
    consumers,
    requests,
    addZone(name: string) {
      const zone: FakeZone = { name, records: [], served: [], refreshes: 0 };
      zones.push(zone);
      for (const ns of NAMESERVERS) zone.records.push(validate(zone, { subDomain: '', fieldType: 'NS', target: `${ns}.`, ttl: 0 }, undefined));
      return zone;
    },
    zone: byName,
    insert(name: string, record: { subDomain: string; fieldType: string; target: string; ttl?: number }) {
      const zone = byName(name);
      const stored = validate(zone, { ...record }, undefined);
      zone.records.push(stored);
      return stored;
    },
    failNext(count: number, f: Fault) {
      for (let i = 0; i < count; i++) faults.push(f);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

const queryId = () => `EU.ext-${randomBytes(6).toString('hex')}`;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function parseJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ApiError(400, { class: 'Client::BadRequest', message: 'Invalid JSON' });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-ovh-queryid': queryId() }).end(JSON.stringify(body));
}
