/**
 * A fake of the LuaDNS REST API v1's zones and records, on 127.0.0.1 (random port), written from the documented
 * contract, https://luadns.com/api.html:
 * - authentication: HTTP Basic with the account email and an API key; a refused pair is 401
 *   `{ "status": "Unauthorized", "request_id": "…", "message": "Invalid API Key" }` (every error has that shape);
 * - every request must accept `application/json`, or it is 403 `Invalid 'Accept' header`;
 * - an API key is global or restricted to one zone: a restricted key sees only its zone and gets 403 elsewhere;
 * - `GET /users/me`; `GET /zones` (`[{ id, name, synced, records_count, … }]`), `GET /zones/{id}`;
 * - `GET|POST /zones/{zone_id}/records`, `GET|PUT|DELETE /zones/{zone_id}/records/{record_id}`: records
 *   `{ id, name, type, content, ttl, zone_id, created_at, updated_at }` with fully qualified names ending in a dot;
 *   DELETE answers the deleted record; a refused record is 400 with a list of
 *   `{ fieldNames, classification, message }`;
 * - pagination: `limit` and `page`, answered in the `x-page`, `x-limit`, `x-total-pages` and `x-total-count`
 *   headers;
 * - rate limits: 1200 requests every 5 minutes, `X-Ratelimit-Limit`, `X-Ratelimit-Remaining` and
 *   `X-Ratelimit-Reset` (Unix seconds) on every answer, 429 when spent.
 * `maxPerPage` caps pages so that tests must follow them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRecord {
  id: number;
  name: string;
  type: string;
  content: string;
  ttl: number;
  zone_id: number;
  created_at: string;
  updated_at: string;
}

export interface FakeFault {
  status: 429 | 500 | 502;
  /** `X-Ratelimit-Reset` on a 429, as seconds from now. */
  resetIn?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  accept?: string;
}

export interface FakeLuadns {
  /** The API base, `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** email → its API keys (a key with `zone` reaches only that zone) and whether API access is enabled. */
  accounts: Map<string, { keys: Map<string, { zone?: string }>; api: boolean }>;
  requests: FakeRequest[];
  addZone(name: string): number;
  records(zone: string): FakeRecord[];
  insert(zone: string, record: { name: string; type: string; content: string; ttl?: number }): FakeRecord;
  failNext(count: number, fault: FakeFault): void;
  close(): Promise<void>;
}

export const FAKE_NAMESERVERS = ['ns1.luadns.net', 'ns2.luadns.net', 'ns3.luadns.net', 'ns4.luadns.net'];
const TYPES = new Set(['A', 'AAAA', 'ALIAS', 'CAA', 'CNAME', 'FORWARD', 'MX', 'NS', 'PTR', 'REDIRECT', 'SOA', 'SPF', 'SRV', 'SSHFP', 'TLSA', 'TXT']);
const RATE_LIMIT = 1200;
const WINDOW_SECONDS = 300;

export async function startFakeLuadns(options: { maxPerPage?: number } = {}): Promise<FakeLuadns> {
  const maxPerPage = options.maxPerPage ?? 1000;
  const zones = new Map<string, { id: number; records: FakeRecord[] }>();
  const accounts = new Map<string, { keys: Map<string, { zone?: string }>; api: boolean }>();
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];
  let nextZone = 1;
  let nextRecord = 100;
  let used = 0;
  const windowReset = () => Math.ceil(Date.now() / 1000 / WINDOW_SECONDS) * WINDOW_SECONDS;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - used)),
      'x-ratelimit-reset': String(windowReset()),
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 429: 'Too Many Requests', 500: 'Internal Server Error' };
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { status: STATUS_TEXT[status] ?? 'Error', request_id: `fake.local/${randomUUID().slice(0, 10)}`, message }, headers);

  function page(res: ServerResponse, query: URLSearchParams, items: unknown[]) {
    const asked = Number(query.get('limit') ?? 0) || 0;
    // `limit` 0 (the default) means no limit; the fake still caps pages at `maxPerPage`.
    const limit = Math.min(asked > 0 ? asked : maxPerPage, maxPerPage);
    const current = Math.max(Number(query.get('page') ?? 1) || 1, 1);
    const totalPages = Math.max(1, Math.ceil(items.length / limit));
    send(res, 200, items.slice((current - 1) * limit, current * limit), {
      'x-page': String(current),
      'x-limit': String(limit),
      'x-total-pages': String(totalPages),
      'x-total-count': String(items.length),
    });
  }

  function invalid(zone: string, records: FakeRecord[], body: Partial<FakeRecord>, except?: number): string | undefined {
    if (!body.type || !TYPES.has(body.type)) return 'invalid type';
    if (typeof body.name !== 'string' || !body.name.endsWith('.')) return 'invalid name (fully qualified, with the trailing dot)';
    const name = body.name.toLowerCase();
    if (name !== `${zone}.` && !name.endsWith(`.${zone}.`)) return 'name is not in the zone';
    if (typeof body.content !== 'string' || body.content === '') return 'invalid content';
    if (body.type === 'A' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(body.content)) return 'invalid IPv4 address';
    if (body.type === 'AAAA' && !body.content.includes(':')) return 'invalid IPv6 address';
    const others = records.filter((r) => r.id !== except && r.name === name);
    if (body.type === 'CNAME' ? others.length > 0 : others.some((r) => r.type === 'CNAME')) return 'a CNAME record cannot coexist with other records';
    return undefined;
  }

  async function readBody(req: IncomingMessage): Promise<Partial<FakeRecord>> {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text === '' ? {} : (JSON.parse(text) as Partial<FakeRecord>);
  }

  const make = (zoneId: number, id: number, body: Partial<FakeRecord>): FakeRecord => {
    const now = new Date().toISOString();
    return { id, name: body.name!.toLowerCase(), type: body.type!, content: body.content!, ttl: body.ttl ?? 3600, zone_id: zoneId, created_at: now, updated_at: now };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname, query: url.searchParams, accept: req.headers.accept });
      used++;
      const fault = faults.shift();
      if (fault?.status === 429) {
        const reset = fault.resetIn === undefined ? windowReset() : Math.ceil(Date.now() / 1000) + fault.resetIn;
        return error(res, 429, 'Rate limit exceeded', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
      }
      if (fault?.status === 500) return error(res, 500, 'Internal Server Error');
      if (fault?.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      }
      const pair = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [email, ...rest] = pair ? Buffer.from(pair, 'base64').toString().split(':') : [];
      const account = email === undefined ? undefined : accounts.get(email);
      const key = account?.keys.get(rest.join(':'));
      if (!account || !key) return error(res, 401, 'Invalid API Key', { 'www-authenticate': 'Basic realm="Authorization Required"' });
      if (!account.api) return error(res, 403, 'API access is disabled');
      if (!/application\/json/.test(req.headers.accept ?? '')) return error(res, 403, "Invalid 'Accept' header");

      const parts = url.pathname.replace(/^\/v1\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] === 'users' && parts[1] === 'me' && parts.length === 2) return send(res, 200, { email, name: 'Fake', ttl: 3600, package: 'Free' });
      if (parts[0] !== 'zones') return error(res, 404, 'Not Found');
      const visible = [...zones].filter(([name]) => key.zone === undefined || key.zone === name);
      if (parts.length === 1 && method === 'GET') {
        return page(res, url.searchParams, visible.map(([name, z]) => ({ id: z.id, name, synced: false, queries_count: 0, records_count: z.records.length, aliases_count: 0, redirects_count: 0, forwards_count: 0, template_id: 0 })));
      }
      const entry = [...zones].find(([, z]) => String(z.id) === parts[1]);
      if (!entry) return error(res, 404, 'Zone not found');
      const [zoneName, zone] = entry;
      if (key.zone !== undefined && key.zone !== zoneName) return error(res, 403, 'Operation not allowed');
      if (parts.length === 2 && method === 'GET') return send(res, 200, { id: zone.id, name: zoneName, synced: false, records: zone.records });
      if (parts[2] !== 'records') return error(res, 404, 'Not Found');
      if (parts.length === 3 && method === 'GET') return page(res, url.searchParams, zone.records);
      if (parts.length === 3 && method === 'POST') {
        const body = await readBody(req);
        const problem = invalid(zoneName, zone.records, body);
        if (problem) return send(res, 400, [{ fieldNames: ['content'], classification: 'ValidationError', message: problem }]);
        const record = make(zone.id, ++nextRecord, body);
        zone.records.push(record);
        return send(res, 200, record);
      }
      const at = zone.records.findIndex((r) => String(r.id) === parts[3]);
      if (parts.length !== 4 || at < 0) return error(res, 404, 'Record not found');
      if (method === 'GET') return send(res, 200, zone.records[at]);
      if (method === 'PUT') {
        const current = zone.records[at]!;
        const body = await readBody(req);
        const problem = invalid(zoneName, zone.records, body, current.id);
        if (problem) return send(res, 400, [{ fieldNames: ['content'], classification: 'ValidationError', message: problem }]);
        zone.records[at] = { ...make(zone.id, current.id, body), created_at: current.created_at };
        return send(res, 200, zone.records[at]);
      }
      if (method === 'DELETE') {
        const [gone] = zone.records.splice(at, 1);
        return send(res, 200, gone);
      }
      return error(res, 405, 'Method Not Allowed');
    })().catch(() => error(res, 400, 'Malformed request'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeLuadns = {
    url: `http://127.0.0.1:${port}/v1`,
    accounts,
    requests,
    addZone(name) {
      const id = nextZone++;
      zones.set(name.toLowerCase(), { id, records: [] });
      for (const ns of FAKE_NAMESERVERS) fake.insert(name, { name: `${name}.`, type: 'NS', content: `${ns}.`, ttl: 86400 });
      return id;
    },
    records: (zone) => zones.get(zone.toLowerCase())?.records ?? [],
    insert(zone, record) {
      const z = zones.get(zone.toLowerCase())!;
      const stored = make(z.id, ++nextRecord, record);
      z.records.push(stored);
      return stored;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
