/**
 * A fake of the DNSimple API v2 on 127.0.0.1 (port 0), written from DNSimple's documentation:
 * - https://developer.dnsimple.com/v2/ (authentication: `Authorization: Bearer <token>`; errors: a JSON body
 *   `{ "message", "errors"? }` with 400 validation, 401 authentication failed, 402 payment required, 404, 405, 429);
 * - https://developer.dnsimple.com/v2/#pagination: `page` (from 1) and `per_page` (default 30, at most 100), answers
 *   `{ data, pagination: { current_page, per_page, total_entries, total_pages } }`;
 * - https://developer.dnsimple.com/v2/#rate-limiting: every answer has `X-RateLimit-Limit`, `X-RateLimit-Remaining`
 *   and `X-RateLimit-Reset` (Unix seconds); a spent quota is 429;
 * - https://developer.dnsimple.com/v2/identity/ (`GET /v2/whoami`), https://developer.dnsimple.com/v2/accounts/,
 *   https://developer.dnsimple.com/v2/zones/ and https://developer.dnsimple.com/v2/zones/records/ (records with a
 *   relative `name`, `""` at the apex; `name` and `type` filters; create 201, update via PATCH, delete 204).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

export interface FakeRecord {
  id: number;
  zone_id: string;
  parent_id: number | null;
  name: string;
  content: string;
  ttl: number;
  priority: number | null;
  type: string;
  regions: string[];
  system_record: boolean;
  created_at: string;
  updated_at: string;
}

export interface FakeZone {
  id: number;
  account_id: number;
  name: string;
  records: FakeRecord[];
}

/** An account token (`account`), or a user token reaching `accounts`; `plan: 'no-api'` answers 402 on zone calls. */
export interface FakeToken {
  account?: number;
  accounts?: number[];
  plan?: 'no-api';
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface Fault {
  status: number;
  /** For 429: `X-RateLimit-Reset` in Unix seconds. */
  reset?: number;
  html?: boolean;
}

export interface FakeDnsimple {
  url: string;
  tokens: Map<string, FakeToken>;
  requests: FakeRequest[];
  addZone(account: number, name: string): FakeZone;
  zone(name: string): FakeZone;
  insert(zone: string, record: { name: string; type: string; content: string; ttl?: number }): FakeRecord;
  failNext(count: number, fault: Fault): void;
  close(): Promise<void>;
}

const NAMESERVERS = ['ns1.dnsimple.com', 'ns2.dnsimple-edge.net', 'ns3.dnsimple.com', 'ns4.dnsimple-edge.org'];
const TYPES = new Set(['A', 'AAAA', 'ALIAS', 'CAA', 'CNAME', 'HINFO', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'SSHFP', 'TXT', 'URL']);
const LIMIT = 2400;

class ApiError extends Error {
  readonly status: number;
  readonly errors?: Record<string, string[]>;
  constructor(status: number, message: string, errors?: Record<string, string[]>) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

export async function startFakeDnsimple(): Promise<FakeDnsimple> {
  const zones: FakeZone[] = [];
  const tokens = new Map<string, FakeToken>();
  const requests: FakeRequest[] = [];
  const faults: Fault[] = [];
  let nextId = 1;
  let remaining = LIMIT;
  const reset = () => Math.floor(Date.now() / 1000) + 3600;
  const stamp = () => new Date().toISOString();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof ApiError ? error : new ApiError(500, String(error));
      send(res, e.status, { message: e.message, ...(e.errors ? { errors: e.errors } : {}) });
    });
  });

  function send(res: ServerResponse, status: number, body?: unknown): void {
    remaining = Math.max(0, remaining - 1);
    const headers = { 'content-type': 'application/json', 'x-ratelimit-limit': String(LIMIT), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(reset()) };
    res.writeHead(status, headers).end(body === undefined ? '' : JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: url.searchParams });
    const fault = faults.shift();
    if (fault) {
      if (fault.status === 429) {
        res
          .writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-limit': String(LIMIT), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(fault.reset ?? reset()) })
          .end(JSON.stringify({ message: 'API rate limit exceeded' }));
      } else if (fault.html) {
        res.writeHead(fault.status, { 'content-type': 'text/html' }).end(`<html><head><title>${fault.status} Bad Gateway</title></head><body>nginx</body></html>`);
      } else {
        res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Internal server error' }));
      }
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v2') throw new ApiError(404, 'Not found');
    const token = tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!token) throw new ApiError(401, 'Authentication failed');
    const reach = token.account !== undefined ? [token.account] : (token.accounts ?? []);

    if (parts[1] === 'whoami' && parts.length === 2) {
      const account = token.account !== undefined ? { id: token.account, email: `ops-${token.account}@example.com`, plan_identifier: 'teams-v1-monthly', created_at: stamp(), updated_at: stamp() } : null;
      const user = token.account === undefined ? { id: 7, email: 'user@example.com', created_at: stamp(), updated_at: stamp() } : null;
      return send(res, 200, { data: { account, user } });
    }
    if (parts[1] === 'accounts' && parts.length === 2) {
      return send(res, 200, { data: reach.map((id) => ({ id, email: `ops-${id}@example.com`, plan_identifier: 'teams-v1-monthly', created_at: stamp(), updated_at: stamp() })) });
    }
    const [, accountPart, collection, zoneName, sub, recordId, ...rest] = parts;
    const account = Number(accountPart);
    if (collection !== 'zones' || rest.length > 0) throw new ApiError(404, 'Not found');
    if (!reach.includes(account)) throw new ApiError(404, `Account \`${accountPart}\` not found`);
    if (token.plan === 'no-api') throw new ApiError(402, 'Your plan does not include API access to zones. Please upgrade.');

    if (zoneName === undefined) {
      if (method !== 'GET') throw new ApiError(405, 'Method not allowed');
      return send(res, 200, page(zones.filter((z) => z.account_id === account).map(zoneJson), url.searchParams));
    }
    const zone = zones.find((z) => z.account_id === account && z.name === zoneName.toLowerCase());
    if (!zone) throw new ApiError(404, `Zone \`${zoneName}\` not found`);
    if (sub === undefined) {
      if (method !== 'GET') throw new ApiError(405, 'Method not allowed');
      return send(res, 200, { data: zoneJson(zone) });
    }
    if (sub !== 'records') throw new ApiError(404, 'Not found');
    if (recordId === undefined) {
      if (method === 'GET') {
        const name = url.searchParams.get('name');
        const type = url.searchParams.get('type');
        const list = zone.records.filter((r) => (name === null || r.name === name) && (type === null || r.type === type));
        return send(res, 200, page(list, url.searchParams));
      }
      if (method !== 'POST') throw new ApiError(405, 'Method not allowed');
      const body = await readJson(req);
      const record = validate(zone, body, undefined);
      zone.records.push(record);
      return send(res, 201, { data: record });
    }
    const index = zone.records.findIndex((r) => String(r.id) === recordId);
    if (index < 0) throw new ApiError(404, `Record \`${recordId}\` not found`);
    if (method === 'GET') return send(res, 200, { data: zone.records[index] });
    if (method === 'DELETE') {
      zone.records.splice(index, 1);
      res.writeHead(204, { 'x-ratelimit-limit': String(LIMIT), 'x-ratelimit-remaining': String(--remaining), 'x-ratelimit-reset': String(reset()) }).end();
      return;
    }
    if (method !== 'PATCH') throw new ApiError(405, 'Method not allowed');
    const old = zone.records[index]!;
    const updated = validate(zone, { ...old, ...(await readJson(req)), type: old.type }, old);
    zone.records[index] = updated;
    return send(res, 200, { data: updated });
  }

  /** The documented rules of a record write, as far as A, AAAA, CNAME and TXT go. */
  function validate(zone: FakeZone, input: Record<string, unknown>, old: FakeRecord | undefined): FakeRecord {
    const type = String(input.type ?? '');
    const name = String(input.name ?? '').toLowerCase();
    const content = String(input.content ?? '');
    const ttl = Number(input.ttl ?? 3600);
    const errors: Record<string, string[]> = {};
    if (!TYPES.has(type)) errors.type = ['is not included in the list'];
    if (content === '') errors.content = ["can't be blank"];
    else if (type === 'A' && !isIPv4(content)) errors.content = ['must be a valid IPv4 address'];
    else if (type === 'AAAA' && !isIPv6(content)) errors.content = ['must be a valid IPv6 address'];
    if (!Number.isInteger(ttl) || ttl < 60) errors.ttl = ['must be greater than or equal to 60'];
    if (type === 'CNAME' && name === '') errors.name = ['a CNAME record cannot be at the zone apex: use an ALIAS record'];
    const clash = zone.records.filter((r) => r.id !== old?.id && r.name === name);
    if (!errors.name && (type === 'CNAME' ? clash.length > 0 : clash.some((r) => r.type === 'CNAME'))) errors.name = ['a CNAME record cannot coexist with other records with the same name'];
    if (Object.keys(errors).length > 0) throw new ApiError(400, 'Validation failed', errors);
    return {
      id: old?.id ?? nextId++,
      zone_id: zone.name,
      parent_id: null,
      name,
      content,
      ttl,
      priority: null,
      type,
      regions: ['global'],
      system_record: type === 'NS' || type === 'SOA',
      created_at: old?.created_at ?? stamp(),
      updated_at: stamp(),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const byName = (name: string) => {
    const found = zones.find((z) => z.name === name);
    if (!found) throw new Error(`fake DNSimple: no zone ${name}`);
    return found;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    requests,
    addZone(account, name) {
      const zone: FakeZone = { id: nextId++, account_id: account, name, records: [] };
      zones.push(zone);
      for (const ns of NAMESERVERS) zone.records.push(validate(zone, { name: '', type: 'NS', content: ns, ttl: 3600 }, undefined));
      return zone;
    },
    zone: byName,
    insert(name, record) {
      const zone = byName(name);
      const relative = record.name === name ? '' : record.name.slice(0, -(name.length + 1));
      const stored = validate(zone, { ...record, name: relative }, undefined);
      zone.records.push(stored);
      return stored;
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
}

/** One page as DNSimple answers it: `per_page` defaults to 30, at most 100. */
function page<T>(items: T[], query: URLSearchParams) {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30)));
  const current = Math.max(1, Number(query.get('page') ?? 1));
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  return {
    data: items.slice((current - 1) * perPage, current * perPage),
    pagination: { current_page: current, per_page: perPage, total_entries: items.length, total_pages: totalPages },
  };
}

const zoneJson = (zone: FakeZone) => ({
  id: zone.id,
  account_id: zone.account_id,
  name: zone.name,
  reverse: false,
  secondary: false,
  last_transferred_at: null,
  active: true,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
});

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ApiError(400, 'Invalid JSON');
  }
}
