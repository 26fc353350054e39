/**
 * A local fake of the parts of the NS1 (IBM NS1 Connect) REST API that dns.ns1 uses, on 127.0.0.1 and a random
 * port, written from the documented contract. Not a model of NS1: just enough to hold the plugin to it.
 *
 * - API reference (zones, records, `X-NSONE-Key`): https://www.ibm.com/docs/en/ns1-connect?topic=api-reference
 *   and https://developer.ibm.com/apis/catalog/ns1--ibm-ns1-connect-api/api/API--ns1--ibm-ns1-connect-api
 * - Records: `PUT /v1/zones/{zone}/{domain}/{type}` creates, `POST` changes, `DELETE` removes; a record's answers
 *   are `[{ "answer": [rdata…] }]`; a zone read lists `records` with `short_answers`.
 * - Errors are `{ "message": "…" }` with the HTTP status.
 * - Rate limits: https://www.ibm.com/docs/en/ns1-connect?topic=api-rate-limiting (token bucket; every answer carries
 *   `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Period`; a drained bucket answers 429).
 * - Long lists are paged with an RFC 8288 `Link: <…>; rel="next"` header, as NS1's own Go client follows.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeKey {
  /** Zone names the key may use; undefined: all. */
  zones?: string[];
  /** Default both. */
  permissions?: Array<'view_zones' | 'manage_zones'>;
}

export interface FakeRecord {
  domain: string;
  type: string;
  ttl: number;
  answers: Array<{ answer: string[] }>;
}

export interface FakeZone {
  name: string;
  id: string;
  dns_servers: string[];
  records: FakeRecord[];
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  key?: string;
}

export type Fault = { status: 429; limit?: number; period?: number } | { status: 500 } | { status: 502; html: true };

export interface FakeNs1 {
  /** The base URL to give the plugin (`…/v1`). */
  url: string;
  keys: Map<string, FakeKey>;
  zones: Map<string, FakeZone>;
  requests: FakeRequest[];
  /** Records per page of a zone read. */
  pageSize: number;
  addZone(name: string): FakeZone;
  zone(name: string): FakeZone;
  failNext(count: number, fault: Fault): void;
  close(): Promise<void>;
}

const lower = (name: string) => name.toLowerCase().replace(/\.$/, '');

export async function startFakeNs1(): Promise<FakeNs1> {
  const keys = new Map<string, FakeKey>();
  const zones = new Map<string, FakeZone>();
  const requests: FakeRequest[] = [];
  const faults: Fault[] = [];
  let nextId = 1;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-RateLimit-Limit': '900', 'X-RateLimit-Remaining': '899', 'X-RateLimit-Period': '300', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string) => send(res, status, { message });

  async function handle(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const key = req.headers['x-nsone-key'] as string | undefined;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, key });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);

    const fault = faults.shift();
    if (fault?.status === 429) {
      const limit = fault.limit ?? 300;
      const period = fault.period ?? 300;
      return send(res, 429, { message: 'Rate limit exceeded' }, { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Period': String(period) });
    }
    if (fault?.status === 500) return fail(res, 500, 'internal error');
    if (fault?.status === 502) {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      return void res.end('<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>');
    }

    const grant = key === undefined ? undefined : keys.get(key);
    if (!grant) return fail(res, 401, 'Unauthorized');
    const can = (p: 'view_zones' | 'manage_zones') => (grant.permissions ?? ['view_zones', 'manage_zones']).includes(p);
    const sees = (zone: string) => grant.zones === undefined || grant.zones.includes(zone);

    const parts = url.pathname.replace(/^\/v1\//, '').split('/').map(decodeURIComponent);
    if (parts[0] !== 'zones') return fail(res, 404, 'Not found');
    if (!can('view_zones')) return fail(res, 403, 'insufficient permissions');
    if (parts.length === 1 && req.method === 'GET') {
      return send(res, 200, [...zones.values()].filter((z) => sees(z.name)).map((z) => ({ zone: z.name, id: z.id, dns_servers: z.dns_servers })));
    }
    const zone = zones.get(lower(parts[1] ?? ''));
    if (!zone || !sees(zone.name)) return fail(res, 404, 'zone not found');

    if (parts.length === 2 && req.method === 'GET') {
      const summary = { zone: zone.name, id: zone.id, dns_servers: zone.dns_servers, ttl: 3600 };
      if (url.searchParams.get('records') === 'false') return send(res, 200, summary);
      const after = Number(url.searchParams.get('after') ?? 0);
      const page = zone.records.slice(after, after + fake.pageSize);
      const rest = after + fake.pageSize < zone.records.length;
      const link: Record<string, string> = rest ? { Link: `<${base}/v1/zones/${zone.name}?records=true&after=${after + fake.pageSize}>; rel="next"` } : {};
      const records = page.map((r) => ({ id: `rec-${r.domain}-${r.type}`, domain: r.domain, type: r.type, ttl: r.ttl, tier: 1, short_answers: r.answers.map((a) => a.answer.join(' ')) }));
      return send(res, 200, { ...summary, records }, link);
    }

    if (parts.length !== 4) return fail(res, 404, 'Not found');
    const domain = lower(parts[2]!);
    const type = parts[3]!.toUpperCase();
    const index = zone.records.findIndex((r) => r.domain === domain && r.type === type);
    if (req.method === 'GET') return index < 0 ? fail(res, 404, 'record not found') : send(res, 200, { zone: zone.name, ...zone.records[index] });
    if (!can('manage_zones')) return fail(res, 403, 'insufficient permissions');
    if (req.method === 'DELETE') {
      if (index < 0) return fail(res, 404, 'record not found');
      zone.records.splice(index, 1);
      return send(res, 200, {});
    }
    let body: Partial<FakeRecord> & { zone?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof body;
    } catch {
      return fail(res, 400, 'invalid json');
    }
    if (domain !== zone.name && !domain.endsWith(`.${zone.name}`)) return fail(res, 400, `record ${domain} is not in zone ${zone.name}`);
    if (!['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'ALIAS'].includes(type)) return fail(res, 400, `unsupported record type ${type}`);
    if (!Array.isArray(body.answers) || body.answers.some((a) => !Array.isArray(a.answer) || a.answer.length === 0)) return fail(res, 400, 'answers: expected a list of { answer: [...] }');
    if (type === 'A' && body.answers.some((a) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(a.answer[0]!))) return fail(res, 400, 'invalid IPv4 address');
    const others = zone.records.filter((r) => r.domain === domain && r.type !== type);
    if ((type === 'CNAME' && others.length > 0) || others.some((r) => r.type === 'CNAME')) return fail(res, 400, 'CNAME cannot coexist with other records');
    const record: FakeRecord = { domain, type, ttl: body.ttl ?? 3600, answers: body.answers.map((a) => ({ answer: a.answer.map(String) })) };
    if (req.method === 'PUT') {
      if (index >= 0) return fail(res, 400, 'record already exists');
      zone.records.push(record);
      return send(res, 200, { zone: zone.name, id: `rec-${nextId++}`, ...record });
    }
    if (req.method === 'POST') {
      if (index < 0) return fail(res, 404, 'record not found');
      zone.records[index] = record;
      return send(res, 200, { zone: zone.name, ...record });
    }
    return fail(res, 405, 'method not allowed');
  }

  let base = '';
  const server = createServer((req, res) => {
    handle(req, res, base).catch((error: unknown) => fail(res, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeNs1 = {
    url: `${base}/v1`,
    keys,
    zones,
    requests,
    pageSize: 3,
    addZone(name) {
      const zone: FakeZone = { name: lower(name), id: `zone-${nextId++}`, dns_servers: ['dns1.p01.nsone.net', 'dns2.p01.nsone.net', 'dns3.p01.nsone.net', 'dns4.p01.nsone.net'], records: [] };
      zones.set(zone.name, zone);
      return zone;
    },
    zone(name) {
      const zone = zones.get(lower(name));
      if (!zone) throw new Error(`fake NS1: no zone ${name}`);
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
