/**
 * A fake of the bunny.net DNS API on 127.0.0.1, written from its documentation:
 * - Overview and authentication (`AccessKey` header): https://docs.bunny.net/reference/bunnynet-api-overview
 * - List zones (`page`, `perPage` 5–1000, `search`; `Items`, `CurrentPage`, `TotalItems`, `HasMoreItems`):
 *   https://docs.bunny.net/api-reference/core/dns-zone/list-dns-zones
 * - Get zone (`Records` inline, `Nameserver1`/`Nameserver2`), add record (`PUT /dnszone/{zoneId}/records`), update
 *   record (`POST /dnszone/{zoneId}/records/{id}`), delete record (`DELETE …/records/{id}`):
 *   https://docs.bunny.net/api-reference/core/dns-zone/add-dns-record, …/update-dns-record, …/delete-dns-record
 * - Errors: `{ ErrorKey, Field, Message }` with 400; 401 for a refused key; 404 for an unknown zone or record.
 * - Record `Type` numbers: 0 A, 1 AAAA, 2 CNAME, 3 TXT, 4 MX, … 12 NS.
 * bunny.net documents no rate-limit headers for this API; the fake's 429 carries `Retry-After` when told to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';

export interface FakeRecord {
  Id: number;
  Type: number;
  Name: string;
  Value: string;
  Ttl: number;
  Comment: string | null;
}

export interface FakeZone {
  Id: number;
  Domain: string;
  Nameserver1: string;
  Nameserver2: string;
  Records: FakeRecord[];
}

export type Fault = { status: 429; retryAfter?: string } | { status: 500 } | { status: 502; html: true };

export interface FakeBunny {
  url: string;
  /** AccessKey → zones it may see (undefined: all). */
  keys: Map<string, { zones?: string[] }>;
  addZone(name: string): FakeZone;
  zone(name: string): FakeZone;
  insert(zone: string, record: Partial<FakeRecord> & Pick<FakeRecord, 'Type' | 'Name' | 'Value'>): FakeRecord;
  failNext(count: number, fault: Fault): void;
  requests: Array<{ method: string; path: string; query: URLSearchParams }>;
  close(): Promise<void>;
}

class ApiFailure extends Error {
  readonly status: number;
  readonly key: string;
  readonly field: string;
  constructor(status: number, key: string, message: string, field = '') {
    super(message);
    this.status = status;
    this.key = key;
    this.field = field;
  }
}

export async function startFakeBunny(): Promise<FakeBunny> {
  const keys = new Map<string, { zones?: string[] }>();
  const zones = new Map<number, FakeZone>();
  const faults: Fault[] = [];
  const requests: FakeBunny['requests'] = [];
  let nextId = 1;

  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new ApiFailure(400, 'request.invalid', 'The request body is not valid JSON');
    }
  };

  const check = (zone: FakeZone, body: Record<string, unknown>, self?: number): Omit<FakeRecord, 'Id'> => {
    const { Type, Name = '', Value, Ttl = 300, Comment = null } = body as Partial<FakeRecord>;
    if (typeof Type !== 'number' || Type < 0 || Type > 12) throw new ApiFailure(400, 'dnszone.record.invalid', 'The record type is not valid', 'Type');
    if (typeof Value !== 'string' || Value === '') throw new ApiFailure(400, 'dnszone.record.invalid', 'The record value is required', 'Value');
    if (Type === 0 && !isIPv4(Value)) throw new ApiFailure(400, 'dnszone.record.invalid', 'The value is not a valid IPv4 address', 'Value');
    if (Type === 1 && !isIPv6(Value)) throw new ApiFailure(400, 'dnszone.record.invalid', 'The value is not a valid IPv6 address', 'Value');
    const name = String(Name).toLowerCase();
    const others = zone.Records.filter((r) => r.Name === name && r.Id !== self);
    if ((Type === 2 && others.length > 0) || others.some((r) => r.Type === 2)) {
      throw new ApiFailure(400, 'dnszone.record.conflict', 'A CNAME record cannot share its name with another record', 'Name');
    }
    return { Type, Name: name, Value, Ttl, Comment };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    const fault = faults.shift();
    if (fault?.status === 502) {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>');
      return;
    }
    if (fault?.status === 429) {
      res.writeHead(429, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(JSON.stringify({ ErrorKey: 'ratelimit.exceeded', Field: '', Message: 'Too many requests' }));
      return;
    }
    if (fault?.status === 500) throw new ApiFailure(500, 'server.error', 'An internal error occurred');
    const key = keys.get(String(req.headers.accesskey ?? ''));
    if (!key) {
      res.writeHead(401).end();
      return;
    }
    const mine = (zone: FakeZone | undefined) => zone && (!key.zones || key.zones.includes(zone.Domain));
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'dnszone') throw new ApiFailure(404, 'notfound', 'Not found');
    if (parts.length === 1 && req.method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Number(url.searchParams.get('perPage') ?? 1000);
      if (!(perPage >= 5 && perPage <= 1000)) throw new ApiFailure(400, 'request.invalid', 'perPage must be between 5 and 1000', 'perPage');
      const search = url.searchParams.get('search')?.toLowerCase();
      const all = [...zones.values()].filter((z) => mine(z) && (!search || z.Domain.includes(search)));
      const items = all.slice((page - 1) * perPage, page * perPage);
      json(200, { Items: items, CurrentPage: page, TotalItems: all.length, HasMoreItems: page * perPage < all.length });
      return;
    }
    const zone = zones.get(Number(parts[1]));
    if (!mine(zone)) throw new ApiFailure(404, 'dnszone.not_found', 'The requested DNS zone was not found');
    if (parts.length === 2 && req.method === 'GET') return void json(200, zone);
    if (parts[2] !== 'records') throw new ApiFailure(404, 'notfound', 'Not found');
    if (parts.length === 3 && req.method === 'PUT') {
      const record = { Id: nextId++, ...check(zone!, await readBody(req)) };
      zone!.Records.push(record);
      return void json(201, record);
    }
    const record = zone!.Records.find((r) => r.Id === Number(parts[3]));
    if (!record) throw new ApiFailure(404, 'dnszone.record.not_found', 'The requested DNS record was not found');
    if (req.method === 'POST') {
      Object.assign(record, check(zone!, { ...record, ...(await readBody(req)) }, record.Id));
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'DELETE') {
      zone!.Records = zone!.Records.filter((r) => r !== record);
      res.writeHead(204).end();
      return;
    }
    throw new ApiFailure(405, 'method.invalid', 'Method not allowed');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const failure = error instanceof ApiFailure ? error : new ApiFailure(500, 'server.error', String(error));
      res.writeHead(failure.status, { 'content-type': 'application/json' }).end(JSON.stringify({ ErrorKey: failure.key, Field: failure.field, Message: failure.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const byName = (name: string) => [...zones.values()].find((z) => z.Domain === name)!;

  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    addZone(name) {
      const zone: FakeZone = { Id: 100 + zones.size, Domain: name, Nameserver1: 'kiki.bunny.net', Nameserver2: 'coco.bunny.net', Records: [] };
      zones.set(zone.Id, zone);
      return zone;
    },
    zone: byName,
    insert(zone, record) {
      const full: FakeRecord = { Id: nextId++, Ttl: 300, Comment: null, ...record };
      byName(zone).Records.push(full);
      return full;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
