/**
 * A fake of the Vultr API v2's DNS domains and records, on 127.0.0.1 (random port), written from the documented
 * contract, https://www.vultr.com/api/#tag/dns:
 * - authentication: `Authorization: Bearer <API key>`; a refused key is 401 `{ "error": "Invalid API token.",
 *   "status": 401 }` (errors are always `{ error, status }`, https://www.vultr.com/api/#section/Introduction);
 * - `GET /domains` and `GET /domains/{dns-domain}`: `{ domains: [{ domain, date_created, dns_sec }] }`;
 * - `GET|POST /domains/{dns-domain}/records`, `GET|PATCH|DELETE /domains/{dns-domain}/records/{record-id}`:
 *   records `{ id, type, name, data, priority, ttl }`, `name` relative and empty for the apex; POST answers 201
 *   with `{ record }`, PATCH and DELETE answer 204;
 * - cursor pagination: `per_page` (default 100, at most 500) and `cursor`, answered in
 *   `meta: { total, links: { next, prev } }` with an empty `next` on the last page;
 * - more than 30 requests per second from one address is 429
 *   (https://docs.vultr.com/support/platform/api/what-rate-limits-apply-to-the-vultr-api).
 * `maxPerPage` caps pages so that tests must follow cursors.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRecord {
  id: string;
  type: string;
  name: string;
  data: string;
  priority: number;
  ttl: number;
}

export interface FakeFault {
  status: 403 | 429 | 500 | 502;
  /** `Retry-After` seconds on a 429 (Vultr does not document one; the client must do without). */
  retryAfter?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface FakeVultr {
  /** The API base, `http://127.0.0.1:<port>/v2`. */
  url: string;
  /** API key → whether it may manage DNS (a user without the Manage DNS permission gets 403). */
  keys: Map<string, { dns: boolean }>;
  requests: FakeRequest[];
  addDomain(name: string): void;
  records(domain: string): FakeRecord[];
  insert(domain: string, record: { name: string; type: string; data: string; ttl?: number }): FakeRecord;
  failNext(count: number, fault: FakeFault): void;
  close(): Promise<void>;
}

const TYPES = new Set(['A', 'AAAA', 'CNAME', 'NS', 'MX', 'SRV', 'TXT', 'CAA', 'SSHFP']);
const cursorOf = (offset: number) => Buffer.from(`next__${offset}`).toString('base64');
const offsetOf = (cursor: string | null) => (cursor ? Number(/^next__(\d+)$/.exec(Buffer.from(cursor, 'base64').toString())?.[1] ?? NaN) : 0);

export async function startFakeVultr(options: { maxPerPage?: number } = {}): Promise<FakeVultr> {
  const maxPerPage = options.maxPerPage ?? 500;
  const domains = new Map<string, { created: string; records: FakeRecord[] }>();
  const keys = new Map<string, { dns: boolean }>();
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => send(res, status, { error: message, status }, headers);

  /** One page of `items`, or undefined (and a 400 sent) for a cursor Vultr did not hand out. */
  function page<T>(res: ServerResponse, query: URLSearchParams, key: string, items: T[]) {
    const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 100) || 100, 1), 500, maxPerPage);
    const offset = offsetOf(query.get('cursor'));
    if (!Number.isInteger(offset) || offset < 0) return error(res, 400, 'Invalid cursor');
    const end = offset + perPage;
    const links = { next: end < items.length ? cursorOf(end) : '', prev: offset > 0 ? cursorOf(Math.max(0, offset - perPage)) : '' };
    send(res, 200, { [key]: items.slice(offset, end), meta: { total: items.length, links } });
  }

  function invalid(records: FakeRecord[], body: Partial<FakeRecord>, except?: string): string | undefined {
    if (!body.type || !TYPES.has(body.type)) return 'Invalid record type';
    if (typeof body.name !== 'string') return 'Invalid record name';
    if (typeof body.data !== 'string' || body.data === '') return 'Invalid record data';
    if (body.type === 'A' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(body.data)) return 'Invalid IPv4 address';
    if (body.type === 'AAAA' && !body.data.includes(':')) return 'Invalid IPv6 address';
    const others = records.filter((r) => r.id !== except && r.name === body.name);
    if (body.type === 'CNAME' ? others.length > 0 : others.some((r) => r.type === 'CNAME')) return 'Unable to create record: a CNAME record cannot coexist with other records of the same name';
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
      if (fault?.status === 429) return error(res, 429, 'Rate limit reached - please try your request again later.', fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      if (fault?.status === 403) return error(res, 403, 'Unauthorized');
      if (fault?.status === 500) return error(res, 500, 'Internal server error');
      if (fault?.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      }
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const grant = key === undefined ? undefined : keys.get(key);
      if (!grant) return error(res, 401, 'Invalid API token.');
      if (!grant.dns) return error(res, 403, 'This user lacks the Manage DNS permission.');

      const parts = url.pathname.replace(/^\/v2\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] !== 'domains') return error(res, 404, 'Not found');
      if (parts.length === 1 && method === 'GET') {
        return page(res, url.searchParams, 'domains', [...domains].map(([domain, d]) => ({ domain, date_created: d.created, dns_sec: 'disabled' })));
      }
      const name = parts[1]!.toLowerCase();
      const domain = domains.get(name);
      if (!domain) return error(res, 404, 'Invalid domain.');
      if (parts.length === 2 && method === 'GET') return send(res, 200, { domain: { domain: name, date_created: domain.created, dns_sec: 'disabled' } });
      if (parts[2] !== 'records') return error(res, 404, 'Not found');
      if (parts.length === 3 && method === 'GET') return page(res, url.searchParams, 'records', domain.records);
      if (parts.length === 3 && method === 'POST') {
        const body = await readBody(req);
        const problem = invalid(domain.records, body);
        if (problem) return error(res, 400, problem);
        const record: FakeRecord = { id: randomUUID(), type: body.type!, name: body.name!.toLowerCase(), data: body.data!, priority: body.priority ?? -1, ttl: body.ttl ?? 300 };
        domain.records.push(record);
        return send(res, 201, { record });
      }
      const at = domain.records.findIndex((r) => r.id === parts[3]);
      if (parts.length !== 4 || at < 0) return error(res, 404, 'Invalid record.');
      if (method === 'GET') return send(res, 200, { record: domain.records[at] });
      if (method === 'PATCH') {
        const current = domain.records[at]!;
        const body = { ...current, ...(await readBody(req)), id: current.id, type: current.type };
        const problem = invalid(domain.records, body, current.id);
        if (problem) return error(res, 400, problem);
        domain.records[at] = { ...body, name: body.name.toLowerCase() };
        return send(res, 204);
      }
      if (method === 'DELETE') {
        domain.records.splice(at, 1);
        return send(res, 204);
      }
      return error(res, 405, 'Method not allowed');
    })().catch(() => error(res, 400, 'Invalid JSON'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeVultr = {
    url: `http://127.0.0.1:${port}/v2`,
    keys,
    requests,
    addDomain(name) {
      domains.set(name.toLowerCase(), { created: new Date().toISOString(), records: [] });
      for (const ns of ['ns1.vultr.com', 'ns2.vultr.com']) fake.insert(name, { name: '', type: 'NS', data: ns });
    },
    records: (domain) => domains.get(domain.toLowerCase())?.records ?? [],
    insert(domain, record) {
      const stored: FakeRecord = { id: randomUUID(), priority: -1, ttl: 300, ...record };
      domains.get(domain.toLowerCase())!.records.push(stored);
      return stored;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
