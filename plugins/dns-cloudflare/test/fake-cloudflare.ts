/**
 * A local fake of the parts of the Cloudflare API v4 that dns.cloudflare uses, written from the documented
 * contract, on 127.0.0.1 and a random port. Not a model of Cloudflare: just enough to hold the plugin to it.
 *
 * - Envelope `{ success, errors, messages, result, result_info }` and bearer tokens:
 *   https://developers.cloudflare.com/fundamentals/api/how-to/make-api-calls/
 * - Token verify: https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/
 * - Zones by name: https://developers.cloudflare.com/api/resources/zones/methods/list/
 * - DNS records (list with `page`/`per_page`, create, patch, put, delete):
 *   https://developers.cloudflare.com/api/resources/dns/subresources/records/
 * - Batch (deletes, patches, puts, posts in that order; first error → nothing applied):
 *   https://developers.cloudflare.com/dns/manage-dns-records/how-to/batch-record-changes/
 * - TXT content is RFC 1035 quoted strings of up to 255 bytes; longer ones are split:
 *   https://developers.cloudflare.com/dns/manage-dns-records/reference/dns-record-types/#txt
 * The answers for refused tokens are the ones users report from the live API: 401 code 1000 on token verify, 403
 * 9109 "Invalid access token" elsewhere, 403 10000 "Authentication error" for a good token lacking a permission.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';

export type Permission = 'zone:read' | 'dns:read' | 'dns:edit';

export interface FakeToken {
  status?: 'active' | 'disabled' | 'expired';
  /** Zone names the token may use; undefined: all. */
  zones?: string[];
  /** Default: all three. */
  permissions?: Permission[];
}

export interface FakeRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  comment: string | null;
}

export interface FakeZone {
  id: string;
  name: string;
  name_servers: string[];
  status: string;
  records: FakeRecord[];
}

/** An answer forced on the next requests, whatever they ask. */
export type Fault = { status: 429; retryAfter?: string } | { status: 500 } | { status: 502; html: true };

export interface FakeCloudflare {
  /** The base URL to give the plugin (`…/client/v4`). */
  url: string;
  tokens: Map<string, FakeToken>;
  zones: FakeZone[];
  addZone(name: string): FakeZone;
  zone(name: string): FakeZone;
  /** Put a record in a zone behind the API's back (any type; no checks). */
  insert(zone: string, record: Partial<FakeRecord> & Pick<FakeRecord, 'name' | 'type' | 'content'>): FakeRecord;
  /** Answer the next `count` requests with `fault`. */
  failNext(count: number, fault: Fault): void;
  /** Leave `total_pages` and `total_count` out of `result_info`, as some list endpoints do. */
  omitTotals: boolean;
  /** Every request: method, path below the base URL, query. */
  requests: Array<{ method: string; path: string; query: URLSearchParams }>;
  close(): Promise<void>;
}

class ApiFailure extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const BASE = '/client/v4';
const newId = () => randomBytes(16).toString('hex');
const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

/** Unquoted TXT content is wrapped in quotes and split into 255-byte strings, as Cloudflare does. */
function quoteTxt(content: string): string {
  if (content.trim().startsWith('"')) return content.trim();
  const bytes = Buffer.from(content, 'utf8');
  const parts: string[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += 255) parts.push(`"${bytes.subarray(i, i + 255).toString('utf8').replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  return parts.join(' ');
}

/** A record as it would be stored, or the 400 Cloudflare gives for it. `others`: the zone's other records. */
function checked(zone: FakeZone, input: Record<string, unknown>, others: FakeRecord[], id = newId()): FakeRecord {
  const name = String(input.name ?? '').toLowerCase().replace(/\.$/, '');
  const type = String(input.type ?? '');
  const ttl = typeof input.ttl === 'number' ? input.ttl : 1;
  let content = String(input.content ?? '');
  if (!inZone(name, zone.name)) throw new ApiFailure(400, 1004, 'DNS Validation Error: record name is not in the zone');
  if (ttl !== 1 && (ttl < 60 || ttl > 86_400)) throw new ApiFailure(400, 9021, 'Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.');
  if (type === 'A' && !isIPv4(content)) throw new ApiFailure(400, 9005, 'Content for A record must be a valid IPv4 address.');
  if (type === 'AAAA' && !isIPv6(content)) throw new ApiFailure(400, 9005, 'Content for AAAA record must be a valid IPv6 address.');
  if (type === 'TXT') content = quoteTxt(content);
  if (type === 'CNAME') content = content.replace(/\.$/, '');
  const atName = others.filter((r) => r.name === name && r.id !== id);
  if (type === 'CNAME' && atName.length > 0) throw new ApiFailure(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
  if (atName.some((r) => r.type === 'CNAME')) {
    if (['A', 'AAAA'].includes(type)) throw new ApiFailure(400, 81053, 'An A, AAAA, or CNAME record with that host already exists.');
    throw new ApiFailure(400, 81054, 'A CNAME record with that host already exists.');
  }
  if (atName.some((r) => r.type === type && r.content === content)) throw new ApiFailure(400, 81058, 'A record with the same settings already exists.');
  const comment = typeof input.comment === 'string' && input.comment !== '' ? input.comment : null;
  return { id, name, type, content, ttl, proxied: input.proxied === true, comment };
}

const view = (record: FakeRecord) => ({
  ...record,
  proxiable: ['A', 'AAAA', 'CNAME'].includes(record.type),
  settings: {},
  meta: {},
  tags: [],
  created_on: '2026-01-01T00:00:00Z',
  modified_on: '2026-01-01T00:00:00Z',
});

/** Deletes, then patches, then puts, then posts, on a copy; the first failure leaves the zone as it was. */
function batch(zone: FakeZone, body: Record<string, Array<Record<string, unknown>> | undefined>) {
  const records = zone.records.map((r) => ({ ...r }));
  const find = (id: unknown) => {
    const at = records.findIndex((r) => r.id === id);
    if (at < 0) throw new ApiFailure(404, 81044, 'Record does not exist.');
    return at;
  };
  const done = { deletes: [] as FakeRecord[], patches: [] as FakeRecord[], puts: [] as FakeRecord[], posts: [] as FakeRecord[] };
  for (const op of body.deletes ?? []) done.deletes.push(...records.splice(find(op.id), 1));
  for (const [list, merge] of [['patches', true], ['puts', false]] as const) {
    for (const op of body[list] ?? []) {
      const at = find(op.id);
      const record = checked(zone, merge ? { ...records[at], ...op } : op, records, records[at]!.id);
      records[at] = record;
      done[list].push(record);
    }
  }
  for (const op of body.posts ?? []) {
    const record = checked(zone, op, records);
    records.push(record);
    done.posts.push(record);
  }
  zone.records = records;
  return Object.fromEntries(Object.entries(done).map(([k, v]) => [k, v.map(view)]));
}

export async function startFakeCloudflare(): Promise<FakeCloudflare> {
  const faults: Fault[] = [];
  const fake: Omit<FakeCloudflare, 'url' | 'close'> = {
    tokens: new Map(),
    zones: [],
    omitTotals: false,
    requests: [],
    addZone(name) {
      const zone: FakeZone = { id: newId(), name, name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'], status: 'active', records: [] };
      fake.zones.push(zone);
      return zone;
    },
    zone(name) {
      const zone = fake.zones.find((z) => z.name === name);
      if (!zone) throw new Error(`fake-cloudflare: no zone ${name}`);
      return zone;
    },
    insert(zone, record) {
      const stored: FakeRecord = { id: newId(), ttl: 1, proxied: false, comment: null, ...record };
      fake.zone(zone).records.push(stored);
      return stored;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
  };

  const page = <T>(items: T[], query: URLSearchParams, defaultSize: number, maxSize: number) => {
    const perPage = Math.min(maxSize, Number(query.get('per_page') ?? defaultSize));
    const number = Math.max(1, Number(query.get('page') ?? 1));
    const result = items.slice((number - 1) * perPage, number * perPage);
    const totals = fake.omitTotals ? {} : { total_count: items.length, total_pages: Math.ceil(items.length / perPage) };
    return { result, result_info: { page: number, per_page: perPage, count: result.length, ...totals } };
  };

  async function route(req: IncomingMessage, path: string, query: URLSearchParams): Promise<{ result: unknown; result_info?: unknown; status?: number }> {
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer (\S+)$/.exec(auth)?.[1];
    if (!bearer) throw new ApiFailure(400, 6003, 'Invalid request headers');
    const token = fake.tokens.get(bearer);
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/user/tokens/verify') {
      if (!token) throw new ApiFailure(401, 1000, 'Invalid API Token');
      return { result: { id: `token-${bearer.length}`, status: token.status ?? 'active' } };
    }
    if (!token || (token.status ?? 'active') !== 'active') throw new ApiFailure(403, 9109, 'Invalid access token');
    const may = (permission: Permission) => {
      if (!(token.permissions ?? ['zone:read', 'dns:read', 'dns:edit']).includes(permission)) throw new ApiFailure(403, 10000, 'Authentication error');
    };
    const visible = fake.zones.filter((z) => !token.zones || token.zones.includes(z.name));
    const zoneView = ({ records: _records, ...zone }: FakeZone) => zone;

    if (method === 'GET' && path === '/zones') {
      may('zone:read');
      const named = query.get('name');
      return page(visible.filter((z) => !named || z.name === named).map(zoneView), query, 20, 50);
    }
    const match = /^\/zones\/([^/]+)(\/dns_records(?:\/([^/]+))?)?$/.exec(path);
    if (!match) throw new ApiFailure(404, 7000, 'No route for that URI');
    const zone = visible.find((z) => z.id === match[1]);
    if (!zone) throw new ApiFailure(403, 9109, 'Unauthorized to access requested resource');
    const [, , records, recordId] = match;
    if (!records) {
      may('zone:read');
      return { result: zoneView(zone) };
    }
    if (method === 'GET' && !recordId) {
      may('dns:read');
      return page(zone.records.map(view), query, 100, 5000);
    }
    may('dns:edit');
    const body = await readJson(req);
    if (method === 'POST' && recordId === 'batch') return { result: batch(zone, body as Record<string, Array<Record<string, unknown>>>) };
    if (method === 'POST' && !recordId) {
      const record = checked(zone, body, zone.records);
      zone.records.push(record);
      return { result: view(record) };
    }
    const at = zone.records.findIndex((r) => r.id === recordId);
    if (at < 0) throw new ApiFailure(404, 81044, 'Record does not exist.');
    if (method === 'DELETE') return { result: { id: zone.records.splice(at, 1)[0]!.id } };
    if (method === 'PATCH' || method === 'PUT') {
      const record = checked(zone, method === 'PATCH' ? { ...zone.records[at], ...body } : body, zone.records, recordId);
      zone.records[at] = record;
      return { result: view(record) };
    }
    throw new ApiFailure(405, 10405, 'Method not allowed');
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
    fake.requests.push({ method: req.method ?? 'GET', path, query: url.searchParams });
    const fault = faults.shift();
    if (fault) return sendFault(res, fault);
    route(req, path, url.searchParams).then(
      ({ result, result_info }) => send(res, 200, { success: true, errors: [], messages: [], result, ...(result_info ? { result_info } : {}) }),
      (error: unknown) => {
        const failure = error instanceof ApiFailure ? error : new ApiFailure(500, 10001, String(error));
        send(res, failure.status, { success: false, errors: [{ code: failure.code, message: failure.message }], messages: [], result: null });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}${BASE}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // keep-alive sockets of the client's fetch
      }),
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new ApiFailure(400, 6007, 'Malformed JSON in request body');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cf-ray': `${newId().slice(0, 16)}-FAKE`, ...headers });
  res.end(JSON.stringify(body));
}

function sendFault(res: ServerResponse, fault: Fault) {
  if (fault.status === 429) {
    const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
    return send(res, 429, { success: false, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }], messages: [], result: null }, headers);
  }
  if (fault.status === 500) return send(res, 500, { success: false, errors: [{ code: 10001, message: 'Internal server error' }], messages: [], result: null });
  res.writeHead(502, { 'content-type': 'text/html' });
  res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>');
}
