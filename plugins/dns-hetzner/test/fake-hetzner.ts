/**
 * A fake of the Hetzner DNS Console API's zones and records, on 127.0.0.1 (random port), written from the
 * documented contract, https://dns.hetzner.com/api-docs:
 * - authentication: the `Auth-API-Token` header; the gateway answers a refused token with 401
 *   `{ "message": "Invalid authentication credentials" }`;
 * - `GET /zones` (`name`, `page`, `per_page` at most 100) and `GET /zones/{id}`: `{ zones: [...] }` with `id`,
 *   `name`, `ns`, `ttl`, and `meta.pagination` (`page`, `per_page`, `previous_page`, `next_page`, `last_page`,
 *   `total_entries`);
 * - `GET /records?zone_id=` (`page`, `per_page`), `POST /records`, `GET|PUT|DELETE /records/{id}`: records as
 *   `{ id, type, name, value, ttl?, zone_id, created, modified }`, `name` relative with `@` for the apex;
 * - errors as `{ "error": { "message", "code" } }`: 404 `zone not found` / `record not found`, 422 for content it
 *   refuses; rate limits per second, minute and hour, announced in `X-RateLimit-Limit-<window>` /
 *   `X-RateLimit-Remaining-<window>` on every answer, a 429 with `Retry-After`.
 * `maxPerPage` caps pages so that tests must follow pages; `omitRecordMeta` leaves `meta` out of record lists.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRecord {
  id: string;
  zone_id: string;
  type: string;
  name: string;
  value: string;
  ttl?: number;
  created: string;
  modified: string;
}

export interface FakeZone {
  id: string;
  name: string;
  ttl: number;
  ns: string[];
  records: FakeRecord[];
}

export interface FakeFault {
  status: 403 | 429 | 500 | 502;
  /** `Retry-After` seconds on a 429; without it only `X-RateLimit-Remaining-<window>: 0` says which window. */
  retryAfter?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface FakeHetzner {
  /** The API base, `http://127.0.0.1:<port>/api/v1`. */
  url: string;
  tokens: Set<string>;
  requests: FakeRequest[];
  omitRecordMeta: boolean;
  addZone(name: string): FakeZone;
  zone(name: string): FakeZone;
  insert(zone: string, record: { name: string; type: string; value: string; ttl?: number }): FakeRecord;
  failNext(count: number, fault: FakeFault): void;
  close(): Promise<void>;
}

const TYPES = new Set(['A', 'AAAA', 'NS', 'MX', 'CNAME', 'RP', 'TXT', 'SOA', 'HINFO', 'SRV', 'DANE', 'TLSA', 'DS', 'CAA']);
const NAMESERVERS = ['hydrogen.ns.hetzner.com', 'oxygen.ns.hetzner.com', 'helium.ns.hetzner.de'];
const id = () => randomBytes(16).toString('hex');
const now = () => new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, '.000 +0000 UTC');

export async function startFakeHetzner(options: { maxPerPage?: number } = {}): Promise<FakeHetzner> {
  const maxPerPage = options.maxPerPage ?? 100;
  const zones: FakeZone[] = [];
  const tokens = new Set<string>();
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];
  const state = { omitRecordMeta: false };

  const limits = (remaining = 41): Record<string, string> => ({
    'x-ratelimit-limit-second': '3', 'x-ratelimit-remaining-second': '2',
    'x-ratelimit-limit-minute': '42', 'x-ratelimit-remaining-minute': String(remaining),
    'x-ratelimit-limit-hour': '3600', 'x-ratelimit-remaining-hour': '3500',
  });
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = limits()) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string) => send(res, status, { error: { message, code: status } });

  function page<T>(query: URLSearchParams, items: T[]) {
    const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 100) || 100, 1), maxPerPage);
    const current = Math.max(Number(query.get('page') ?? 1) || 1, 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const pagination = { page: current, per_page: perPage, previous_page: Math.max(1, current - 1), next_page: Math.min(last, current + 1), last_page: last, total_entries: items.length };
    return { items: items.slice((current - 1) * perPage, current * perPage), meta: { pagination } };
  }

  const zoneBody = ({ records, ...zone }: FakeZone) => ({ ...zone, records_count: records.length, status: 'verified', paused: false, is_secondary_dns: false, permission: '', project: '', registrar: '', verified: '', owner: '', legacy_dns_host: '', legacy_ns: [], created: now(), modified: now(), txt_verification: { name: '', token: '' } });

  /** What Hetzner refuses: an unknown type, an empty name or value, a bad address, a CNAME beside other data. */
  function invalid(zone: FakeZone, body: Partial<FakeRecord>, except?: string): string | undefined {
    if (!body.type || !TYPES.has(body.type)) return `422 Unprocessable Entity: invalid type ${String(body.type)}`;
    if (typeof body.name !== 'string' || body.name === '') return '422 Unprocessable Entity: name is required';
    if (typeof body.value !== 'string' || body.value === '') return '422 Unprocessable Entity: value is required';
    if (body.type === 'A' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(body.value)) return '422 Unprocessable Entity: invalid A record';
    if (body.type === 'AAAA' && !body.value.includes(':')) return '422 Unprocessable Entity: invalid AAAA record';
    const others = zone.records.filter((r) => r.id !== except && r.name === body.name);
    if (body.type === 'CNAME' ? others.length > 0 : others.some((r) => r.type === 'CNAME')) return '422 Unprocessable Entity: a CNAME record may not share its name with other records';
    return undefined;
  }

  async function readBody(req: IncomingMessage): Promise<Partial<FakeRecord>> {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text === '' ? {} : (JSON.parse(text) as Partial<FakeRecord>);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname, query: url.searchParams });
      const fault = faults.shift();
      if (fault?.status === 429) {
        return send(res, 429, { message: 'API rate limit exceeded' }, { ...limits(0), ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
      }
      if (fault?.status === 403) return error(res, 403, 'forbidden');
      if (fault?.status === 500) return error(res, 500, 'internal server error');
      if (fault?.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      }
      const token = req.headers['auth-api-token'];
      if (typeof token !== 'string' || !tokens.has(token)) return send(res, 401, { message: 'Invalid authentication credentials' }, {});

      const parts = url.pathname.replace(/^\/api\/v1\/?/, '').split('/').filter(Boolean);
      if (parts[0] === 'zones' && parts.length === 1 && method === 'GET') {
        const name = url.searchParams.get('name')?.toLowerCase();
        const { items, meta } = page(url.searchParams, zones.filter((z) => !name || z.name === name));
        return send(res, 200, { zones: items.map(zoneBody), meta });
      }
      if (parts[0] === 'zones' && parts.length === 2 && method === 'GET') {
        const zone = zones.find((z) => z.id === parts[1]);
        return zone ? send(res, 200, { zone: zoneBody(zone) }) : error(res, 404, 'zone not found');
      }
      if (parts[0] !== 'records') return error(res, 404, 'not found');
      if (parts.length === 1 && method === 'GET') {
        const zoneId = url.searchParams.get('zone_id');
        const zone = zones.find((z) => z.id === zoneId);
        if (zoneId && !zone) return error(res, 404, 'zone not found');
        const { items, meta } = page(url.searchParams, zone ? zone.records : zones.flatMap((z) => z.records));
        return send(res, 200, state.omitRecordMeta ? { records: items } : { records: items, meta });
      }
      if (parts.length === 1 && method === 'POST') {
        const body = await readBody(req);
        const zone = zones.find((z) => z.id === body.zone_id);
        if (!zone) return error(res, 404, 'zone not found');
        const problem = invalid(zone, body);
        if (problem) return error(res, 422, problem);
        const record: FakeRecord = { id: id(), zone_id: zone.id, type: body.type!, name: body.name!, value: body.value!, ...(body.ttl === undefined ? {} : { ttl: body.ttl }), created: now(), modified: now() };
        zone.records.push(record);
        return send(res, 200, { record });
      }
      const zone = zones.find((z) => z.records.some((r) => r.id === parts[1]));
      const at = zone?.records.findIndex((r) => r.id === parts[1]) ?? -1;
      if (!zone || at < 0 || parts.length !== 2) return error(res, 404, 'record not found');
      if (method === 'GET') return send(res, 200, { record: zone.records[at] });
      if (method === 'PUT') {
        const body = { ...zone.records[at]!, ...(await readBody(req)) };
        if (body.zone_id !== zone.id) return error(res, 422, '422 Unprocessable Entity: zone_id may not change');
        const problem = invalid(zone, body, body.id);
        if (problem) return error(res, 422, problem);
        zone.records[at] = { ...body, id: zone.records[at]!.id, modified: now() };
        return send(res, 200, { record: zone.records[at] });
      }
      if (method === 'DELETE') {
        zone.records.splice(at, 1);
        res.writeHead(200, limits());
        return res.end();
      }
      return error(res, 405, 'method not allowed');
    })().catch(() => error(res, 400, 'bad request'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeHetzner = {
    url: `http://127.0.0.1:${port}/api/v1`,
    tokens,
    requests,
    get omitRecordMeta() {
      return state.omitRecordMeta;
    },
    set omitRecordMeta(value: boolean) {
      state.omitRecordMeta = value;
    },
    addZone(name) {
      const zone: FakeZone = { id: id(), name: name.toLowerCase(), ttl: 86_400, ns: [...NAMESERVERS], records: [] };
      zones.push(zone);
      fake.insert(zone.name, { name: '@', type: 'SOA', value: `${NAMESERVERS[0]}. dns.hetzner.com. 2026120801 86400 10800 3600000 3600` });
      for (const ns of NAMESERVERS) fake.insert(zone.name, { name: '@', type: 'NS', value: `${ns}.` });
      return zone;
    },
    zone: (name) => zones.find((z) => z.name === name.toLowerCase())!,
    insert(name, record) {
      const zone = fake.zone(name);
      const stored: FakeRecord = { id: id(), zone_id: zone.id, ...record, created: now(), modified: now() };
      zone.records.push(stored);
      return stored;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
