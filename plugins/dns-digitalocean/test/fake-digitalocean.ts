/**
 * A fake of the DigitalOcean API v2's domains and domain records, on 127.0.0.1 (random port), written from the
 * documented contract:
 * - https://docs.digitalocean.com/reference/api/digitalocean/#tag/Domains and #tag/Domain-Records (paths, the
 *   `domain` / `domain_records` shapes, `name` relative with `@` for the apex, `type` and `name` filters);
 * - #section/Introduction/Links-and-Pagination (`page`, `per_page` default 20, max 200; `links.pages.next`;
 *   `meta.total`);
 * - #section/Introduction/Rate-Limit (`ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` on every answer;
 *   429 `too_many_requests` with `Retry-After` for the burst limit);
 * - #section/Introduction/HTTP-Statuses (errors as `{ id, message, request_id }`: 401 `unauthorized`, 403
 *   `forbidden`, 404 `not_found`, 422 `unprocessable_entity`, 5xx `server_error`);
 * - https://docs.digitalocean.com/reference/api/scopes/ (custom scopes `domain:read|create|update|delete`).
 * `maxPerPage` caps pages below DigitalOcean's 200 so that tests must follow pages.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRecord {
  id: number;
  type: string;
  name: string;
  data: string;
  ttl: number;
  priority: number | null;
}

export interface FakeFault {
  status: 429 | 500 | 502;
  /** `Retry-After` seconds on a 429 (the burst limit); without it only `ratelimit-reset` says when. */
  retryAfter?: string;
  /** Seconds from now for `ratelimit-reset`. */
  resetIn?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface FakeDigitalOcean {
  url: string;
  /** Token → its scopes (`domain:read`…); `['*']` is a full-access token. */
  tokens: Map<string, string[]>;
  requests: FakeRequest[];
  addDomain(name: string): void;
  records(domain: string): FakeRecord[];
  insert(domain: string, record: Omit<FakeRecord, 'id' | 'ttl' | 'priority'> & { ttl?: number }): FakeRecord;
  failNext(count: number, fault: FakeFault): void;
  close(): Promise<void>;
}

const TYPES = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'SOA']);
const SCOPE_BY_METHOD: Record<string, string> = { GET: 'domain:read', POST: 'domain:create', PUT: 'domain:update', DELETE: 'domain:delete' };
const PUBLIC = 'https://api.digitalocean.com';

export async function startFakeDigitalOcean(options: { maxPerPage?: number } = {}): Promise<FakeDigitalOcean> {
  const maxPerPage = options.maxPerPage ?? 200;
  const domains = new Map<string, FakeRecord[]>();
  const tokens = new Map<string, string[]>();
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];
  let nextId = 1000;

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, id: string, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { id, message, request_id: randomUUID() }, headers);
  const limits = (resetIn = 60): Record<string, string> => ({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '4999', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetIn) });

  /** One page of `items` in DigitalOcean's shape, `links.pages` pointing at the public host as the real API does. */
  function paged(res: ServerResponse, path: string, query: URLSearchParams, key: string, items: unknown[]) {
    const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 20) || 20, 1), 200, maxPerPage);
    const page = Math.max(Number(query.get('page') ?? 1) || 1, 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number) => {
      const q = new URLSearchParams(query);
      q.set('page', String(n));
      q.set('per_page', String(perPage));
      return `${PUBLIC}${path}?${q}`;
    };
    const pages: Record<string, string> = {};
    if (page > 1) Object.assign(pages, { first: link(1), prev: link(page - 1) });
    if (page < last) Object.assign(pages, { next: link(page + 1), last: link(last) });
    send(res, 200, { [key]: items.slice((page - 1) * perPage, page * perPage), links: { pages }, meta: { total: items.length } }, limits());
  }

  const fullName = (record: FakeRecord, domain: string) => (record.name === '@' ? domain : `${record.name}.${domain}`);

  /** DigitalOcean's checks on a record body: type, data per type, TTL, and CNAME exclusivity. */
  function invalid(domain: string, body: Partial<FakeRecord>, except?: number): string | undefined {
    if (!body.type || !TYPES.has(body.type)) return 'Type is not a valid record type.';
    if (typeof body.name !== 'string' || body.name === '') return 'Name is invalid.';
    if (typeof body.data !== 'string' || body.data === '') return 'Data needs a value.';
    if (body.ttl !== undefined && (!Number.isInteger(body.ttl) || body.ttl < 30)) return 'Ttl must be at least 30.';
    if (body.type === 'A' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(body.data)) return 'Data is not a valid IPv4 address.';
    if (body.type === 'AAAA' && !body.data.includes(':')) return 'Data is not a valid IPv6 address.';
    if (body.type === 'CNAME' && body.data !== '@' && !body.data.endsWith('.')) return 'Data needs to end with a dot (.)';
    const others = domains.get(domain)!.filter((r) => r.id !== except && r.name === body.name);
    if (body.type === 'CNAME' ? others.length > 0 : others.some((r) => r.type === 'CNAME')) return 'CNAME records cannot share a name with other records.';
    return undefined;
  }

  async function readBody(req: IncomingMessage): Promise<unknown> {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text === '' ? undefined : JSON.parse(text);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname, query: url.searchParams });
      const fault = faults.shift();
      if (fault?.status === 429) {
        const headers = { ...limits(fault.resetIn), 'ratelimit-remaining': '0', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) };
        return error(res, 429, 'too_many_requests', 'API Rate limit exceeded.', headers);
      }
      if (fault?.status === 500) return error(res, 500, 'server_error', 'Unexpected server-side error');
      if (fault?.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>');
      }
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const scopes = auth === undefined ? undefined : tokens.get(auth);
      if (!scopes) return error(res, 401, 'unauthorized', 'Unable to authenticate you');
      if (!scopes.includes('*') && !scopes.includes(SCOPE_BY_METHOD[method] ?? '')) return error(res, 403, 'forbidden', 'You are not authorized to perform this operation');

      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] !== 'v2' || parts[1] !== 'domains') return error(res, 404, 'not_found', 'The resource you were accessing could not be found.');
      if (parts.length === 2 && method === 'GET') {
        return paged(res, url.pathname, url.searchParams, 'domains', [...domains.keys()].map((name) => ({ name, ttl: 1800, zone_file: '' })));
      }
      const domain = parts[2]!.toLowerCase();
      const records = domains.get(domain);
      if (!records) return error(res, 404, 'not_found', 'The resource you were accessing could not be found.');
      if (parts.length === 3 && method === 'GET') return send(res, 200, { domain: { name: domain, ttl: 1800, zone_file: '' } }, limits());
      if (parts[3] !== 'records') return error(res, 404, 'not_found', 'The resource you were accessing could not be found.');

      if (parts.length === 4 && method === 'GET') {
        const type = url.searchParams.get('type');
        const name = url.searchParams.get('name')?.toLowerCase();
        const list = records.filter((r) => (!type || r.type === type) && (!name || fullName(r, domain) === name));
        return paged(res, url.pathname, url.searchParams, 'domain_records', list);
      }
      if (parts.length === 4 && method === 'POST') {
        const body = ((await readBody(req)) ?? {}) as Partial<FakeRecord>;
        const problem = invalid(domain, body);
        if (problem) return error(res, 422, 'unprocessable_entity', problem);
        const record: FakeRecord = { id: nextId++, type: body.type!, name: body.name!.toLowerCase(), data: body.data!, ttl: body.ttl ?? 1800, priority: null };
        records.push(record);
        return send(res, 201, { domain_record: record }, limits());
      }
      const id = Number(parts[4]);
      const at = records.findIndex((r) => r.id === id);
      if (parts.length !== 5 || at < 0) return error(res, 404, 'not_found', 'The resource you were accessing could not be found.');
      if (method === 'GET') return send(res, 200, { domain_record: records[at] }, limits());
      if (method === 'PUT') {
        const body = { ...records[at]!, ...(((await readBody(req)) ?? {}) as Partial<FakeRecord>) };
        const problem = invalid(domain, body, id);
        if (problem) return error(res, 422, 'unprocessable_entity', problem);
        records[at] = { ...body, id, name: body.name.toLowerCase() };
        return send(res, 200, { domain_record: records[at] }, limits());
      }
      if (method === 'DELETE') {
        records.splice(at, 1);
        return send(res, 204, undefined, limits());
      }
      return error(res, 405, 'method_not_allowed', 'Method not allowed');
    })().catch(() => error(res, 400, 'bad_request', 'The request could not be read.'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    requests,
    addDomain(name) {
      const domain = name.toLowerCase();
      domains.set(domain, [
        { id: nextId++, type: 'SOA', name: '@', data: '1800', ttl: 1800, priority: null },
        ...['ns1', 'ns2', 'ns3'].map((ns) => ({ id: nextId++, type: 'NS', name: '@', data: `${ns}.digitalocean.com`, ttl: 1800, priority: null })),
      ]);
    },
    records: (domain) => domains.get(domain.toLowerCase()) ?? [],
    insert(domain, record) {
      const stored: FakeRecord = { id: nextId++, ttl: 1800, priority: null, ...record };
      domains.get(domain.toLowerCase())!.push(stored);
      return stored;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
