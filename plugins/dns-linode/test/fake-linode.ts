/**
 * A fake of the Linode API v4 DNS Manager on 127.0.0.1 (port 0), written from Linode's documentation:
 * - https://techdocs.akamai.com/linode-api/reference/get-domains, …/get-domain, …/get-domain-records,
 *   …/post-domain-record, …/put-domain-record, …/delete-domain-record;
 * - pagination (https://techdocs.akamai.com/linode-api/reference/pagination): `page` (from 1) and `page_size`
 *   (25–500, default 100) in the query, answers `{ data, page, pages, results }`; filtering with the `X-Filter` header;
 * - errors (https://techdocs.akamai.com/linode-api/reference/errors): `{ "errors": [{ "reason", "field"? }] }` with 400,
 *   401 ("Invalid Token"), 403 (scope), 404 ("Not found"), 429 and 5xx;
 * - rate limits (https://techdocs.akamai.com/linode-api/reference/rate-limits): 429 with `Retry-After`,
 *   `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds);
 * - authentication: `Authorization: Bearer <personal access token>`; scopes `domains:read_only` / `domains:read_write`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

export interface FakeRecord {
  id: number;
  type: string;
  name: string;
  target: string;
  ttl_sec: number;
  priority: number;
  weight: number;
  port: number;
  service: string | null;
  protocol: string | null;
  tag: string | null;
  created: string;
  updated: string;
}

export interface FakeDomain {
  id: number;
  domain: string;
  type: 'master' | 'slave';
  status: string;
  records: FakeRecord[];
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  filter?: string;
}

export interface Fault {
  status: number;
  /** Rate-limit answer headers: `Retry-After` seconds, and `X-RateLimit-Reset` as Unix seconds. */
  retryAfter?: string;
  reset?: number;
  html?: boolean;
}

export interface FakeLinode {
  url: string;
  /** Token → scopes (`domains:read_only`, `domains:read_write`). */
  tokens: Map<string, string[]>;
  requests: FakeRequest[];
  addDomain(name: string, type?: 'master' | 'slave'): FakeDomain;
  domain(name: string): FakeDomain;
  /** A record written behind the client's back (as in Cloud Manager). */
  insert(domain: string, record: { name: string; type: string; target: string; ttl_sec?: number }): FakeRecord;
  failNext(count: number, fault: Fault): void;
  close(): Promise<void>;
}

const TTLS = [30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200];
const TYPES = new Set(['A', 'AAAA', 'NS', 'MX', 'CNAME', 'TXT', 'SRV', 'PTR', 'CAA']);

class ApiError extends Error {
  readonly status: number;
  readonly errors: Array<{ reason: string; field?: string }>;
  constructor(status: number, errors: Array<{ reason: string; field?: string }>) {
    super(errors.map((e) => e.reason).join('; '));
    this.status = status;
    this.errors = errors;
  }
}

export async function startFakeLinode(): Promise<FakeLinode> {
  const domains: FakeDomain[] = [];
  const requests: FakeRequest[] = [];
  const tokens = new Map<string, string[]>();
  const faults: Fault[] = [];
  let nextId = 1000;
  const now = () => new Date().toISOString().slice(0, 19);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof ApiError ? error : new ApiError(500, [{ reason: String(error) }]);
      send(res, e.status, { errors: e.errors });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const filter = req.headers['x-filter'];
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, filter: typeof filter === 'string' ? filter : undefined });
    const fault = faults.shift();
    if (fault) {
      const headers: Record<string, string> = { 'content-type': fault.html ? 'text/html' : 'application/json' };
      if (fault.status === 429) {
        headers['x-ratelimit-limit'] = '800';
        headers['x-ratelimit-remaining'] = '0';
        if (fault.reset !== undefined) headers['x-ratelimit-reset'] = String(fault.reset);
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      }
      const body = fault.html
        ? `<html><head><title>${fault.status} Bad Gateway</title></head><body>upstream</body></html>`
        : JSON.stringify({ errors: [{ reason: fault.status === 429 ? 'Too many requests' : 'Please try again later' }] });
      res.writeHead(fault.status, headers).end(body);
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'v4' || parts[1] !== 'domains') throw new ApiError(404, [{ reason: 'Not found' }]);
    const scopes = tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!scopes) throw new ApiError(401, [{ reason: 'Invalid Token' }]);
    const can = (access: 'read' | 'write') => scopes.includes('domains:read_write') || (access === 'read' && scopes.includes('domains:read_only'));
    const need = (access: 'read' | 'write') => {
      if (!can(access)) throw new ApiError(403, [{ reason: 'Your OAuth token is not authorized to use this endpoint.' }]);
    };
    const [, , domainId, sub, recordId, ...rest] = parts;
    if (rest.length > 0) throw new ApiError(404, [{ reason: 'Not found' }]);
    const method = req.method ?? 'GET';

    if (domainId === undefined) {
      if (method !== 'GET') throw new ApiError(405, [{ reason: 'Method not allowed' }]);
      need('read');
      let list = domains;
      if (typeof filter === 'string') {
        const parsed = JSON.parse(filter) as { domain?: string };
        if (parsed.domain !== undefined) list = list.filter((d) => d.domain === parsed.domain);
      }
      return send(res, 200, page(list.map(domainJson), url.searchParams));
    }
    const domain = domains.find((d) => String(d.id) === domainId);
    if (!domain) throw new ApiError(404, [{ reason: 'Not found' }]);
    if (sub === undefined) {
      need('read');
      return send(res, 200, domainJson(domain));
    }
    if (sub !== 'records') throw new ApiError(404, [{ reason: 'Not found' }]);
    if (recordId === undefined) {
      if (method === 'GET') {
        need('read');
        return send(res, 200, page(domain.records, url.searchParams));
      }
      if (method !== 'POST') throw new ApiError(405, [{ reason: 'Method not allowed' }]);
      need('write');
      const body = await readJson(req);
      const record = validate(domain, { ...body, id: nextId++ } as Partial<FakeRecord>, undefined);
      domain.records.push(record);
      return send(res, 200, record);
    }
    const index = domain.records.findIndex((r) => String(r.id) === recordId);
    if (index < 0) throw new ApiError(404, [{ reason: 'Not found' }]);
    if (method === 'GET') {
      need('read');
      return send(res, 200, domain.records[index]);
    }
    need('write');
    if (method === 'DELETE') {
      domain.records.splice(index, 1);
      return send(res, 200, {});
    }
    if (method !== 'PUT') throw new ApiError(405, [{ reason: 'Method not allowed' }]);
    const old = domain.records[index]!;
    const updated = validate(domain, { ...old, ...(await readJson(req)), id: old.id, type: old.type }, old);
    domain.records[index] = updated;
    return send(res, 200, updated);
  }

  /** The documented rules of a record write, as far as A, AAAA, CNAME and TXT go. */
  function validate(domain: FakeDomain, input: Partial<FakeRecord>, old: FakeRecord | undefined): FakeRecord {
    const type = String(input.type ?? '');
    if (!TYPES.has(type)) throw new ApiError(400, [{ field: 'type', reason: 'type is required and must be a valid record type' }]);
    const name = String(input.name ?? '').toLowerCase();
    if (name.length > 100) throw new ApiError(400, [{ field: 'name', reason: 'Record name must be 100 characters or less.' }]);
    const target = String(input.target ?? '');
    if (target === '') throw new ApiError(400, [{ field: 'target', reason: 'target is required' }]);
    if (type === 'A' && !isIPv4(target)) throw new ApiError(400, [{ field: 'target', reason: 'Invalid IPv4 address' }]);
    if (type === 'AAAA' && !isIPv6(target)) throw new ApiError(400, [{ field: 'target', reason: 'Invalid IPv6 address' }]);
    if (type === 'CNAME' && name === '') throw new ApiError(400, [{ field: 'name', reason: 'CNAME records cannot be created at the root of a domain' }]);
    const clash = domain.records.filter((r) => r.id !== old?.id && r.name === name);
    if (type === 'CNAME' ? clash.length > 0 : clash.some((r) => r.type === 'CNAME')) {
      throw new ApiError(400, [{ field: 'name', reason: 'A CNAME record may not share its name with another record' }]);
    }
    const ttl = Number(input.ttl_sec ?? 0);
    return {
      id: input.id!,
      type,
      name,
      target,
      ttl_sec: ttl === 0 ? 0 : (TTLS.find((valid) => valid >= ttl) ?? TTLS[TTLS.length - 1]!),
      priority: 0,
      weight: 0,
      port: 0,
      service: null,
      protocol: null,
      tag: null,
      created: old?.created ?? now(),
      updated: now(),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const byName = (name: string) => {
    const found = domains.find((d) => d.domain === name);
    if (!found) throw new Error(`fake Linode: no domain ${name}`);
    return found;
  };
  return {
    url: `http://127.0.0.1:${port}/v4`,
    tokens,
    requests,
    addDomain(name, type = 'master') {
      const domain: FakeDomain = { id: nextId++, domain: name, type, status: 'active', records: [] };
      domains.push(domain);
      return domain;
    },
    domain: byName,
    insert(name, record) {
      const domain = byName(name);
      const relative = record.name === name ? '' : record.name.slice(0, -(name.length + 1));
      const stored = validate(domain, { ...record, name: relative, id: nextId++ }, undefined);
      domain.records.push(stored);
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

/** One page as Linode answers it; `page_size` outside 25–500 is refused. */
function page<T>(items: T[], query: URLSearchParams): { data: T[]; page: number; pages: number; results: number } {
  const size = Number(query.get('page_size') ?? 100);
  const number = Number(query.get('page') ?? 1);
  if (!Number.isInteger(size) || size < 25 || size > 500) throw new ApiError(400, [{ field: 'page_size', reason: 'Must be between 25 and 500' }]);
  const pages = Math.max(1, Math.ceil(items.length / size));
  if (!Number.isInteger(number) || number < 1 || number > pages) throw new ApiError(400, [{ field: 'page', reason: `Must be between 1 and ${pages}` }]);
  return { data: items.slice((number - 1) * size, number * size), page: number, pages, results: items.length };
}

const domainJson = (d: FakeDomain) => ({
  id: d.id,
  domain: d.domain,
  type: d.type,
  status: d.status,
  soa_email: `hostmaster@${d.domain}`,
  description: '',
  group: '',
  tags: [],
  ttl_sec: 0,
  refresh_sec: 0,
  retry_sec: 0,
  expire_sec: 0,
  master_ips: [],
  axfr_ips: [],
  updated: '2026-01-01T00:00:00',
});

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ApiError(400, [{ reason: 'Malformed JSON' }]);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-limit': '800', 'x-ratelimit-remaining': '799' }).end(JSON.stringify(body));
}
