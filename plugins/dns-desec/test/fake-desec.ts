/**
 * A fake of the deSEC DNS API v1 on 127.0.0.1 (port 0), written from deSEC's documentation and nothing else:
 *
 * - Token authentication (`Authorization: Token …`, 401 `{"detail": "Invalid token."}`) and token policies
 *   (403 for a write a policy does not allow): https://desec.readthedocs.io/en/latest/auth/tokens.html
 * - Domains (`GET /domains/`, `GET /domains/{name}/`, `minimum_ttl`): https://desec.readthedocs.io/en/latest/dns/domains.html
 * - RRsets (`subname`, `name`, `type`, `ttl`, `records`; `GET …/rrsets/{subname}/{type}/` with `@` for the apex;
 *   bulk `PATCH …/rrsets/`, atomic, `records: []` deletes, per-RRset errors as a list; cursor pagination at 500
 *   items with a `Link` header, 400 when a longer list is asked for without `cursor`):
 *   https://desec.readthedocs.io/en/latest/dns/rrsets.html
 * - Throttling: 429 with `Retry-After` and a `detail` saying how long to wait:
 *   https://desec.readthedocs.io/en/latest/rate-limits.html
 * Not a model of deSEC: just enough to hold the plugin to its contract. The page size is a switch, so tests can
 * make the client follow pages without writing 500 RRsets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

export interface FakeRRset { subname: string; type: string; ttl: number; records: string[] }
export interface FakeDomain { name: string; minimum_ttl: number; rrsets: FakeRRset[] }
/** A token: `domains` its policies let it write (undefined: all); `readOnly`: no write at all. */
export interface FakeToken { domains?: string[]; readOnly?: boolean }
export type FakeAnswer = { status: number; headers?: Record<string, string>; body?: string };

export interface FakeDesec {
  /** The base URL to give the plugin (`…/api/v1`). */
  url: string;
  tokens: Map<string, FakeToken>;
  domains: FakeDomain[];
  addDomain(name: string, minimumTtl?: number): FakeDomain;
  domain(name: string): FakeDomain;
  /** Items per page of a list (deSEC: 500). */
  pageSize: number;
  /** Answer the next requests with these instead, in order. */
  failNext(...answers: FakeAnswer[]): void;
  requests: Array<{ method: string; path: string; query: URLSearchParams }>;
  close(): Promise<void>;
}

const NAMESERVERS = ['ns1.desec.io.', 'ns2.desec.org.'];
const TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'CAA', 'SRV']);
const TXT_RECORD = /^\s*("(?:[^"\\]|\\.)*"\s*)+$/;

class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(JSON.stringify(body));
    this.status = status;
    this.body = body;
  }
}

export async function startFakeDesec(): Promise<FakeDesec> {
  const domains: FakeDomain[] = [];
  const tokens = new Map<string, FakeToken>();
  const faults: FakeAnswer[] = [];
  const requests: FakeDesec['requests'] = [];
  let origin = '';
  const fake = { pageSize: 500 };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof ApiError ? error : new ApiError(500, { detail: String(error) });
      send(res, e.status, e.body);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    const fault = faults.shift();
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body ?? '');
      return;
    }
    const token = tokens.get(/^Token (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!token) throw new ApiError(401, { detail: 'Invalid token.' });
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'domains') throw new ApiError(404, { detail: 'Not found.' });
    const [, , , name, sub, subname, type] = parts;
    if (name === undefined) {
      if (req.method !== 'GET') throw new ApiError(405, { detail: `Method "${req.method}" not allowed.` });
      return sendPage(res, url, domains.map((d) => ({ name: d.name, minimum_ttl: d.minimum_ttl, created: '2024-01-01T00:00:00Z' })));
    }
    const domain = domains.find((d) => d.name === name.toLowerCase());
    if (!domain) throw new ApiError(404, { detail: 'Not found.' });
    if (sub === undefined) {
      if (req.method !== 'GET') throw new ApiError(405, { detail: `Method "${req.method}" not allowed.` });
      return send(res, 200, { name: domain.name, minimum_ttl: domain.minimum_ttl, created: '2024-01-01T00:00:00Z' });
    }
    if (sub !== 'rrsets') throw new ApiError(404, { detail: 'Not found.' });
    const view = (r: FakeRRset) => ({ domain: domain.name, subname: r.subname, name: `${r.subname ? `${r.subname}.` : ''}${domain.name}.`, type: r.type, ttl: r.ttl, records: r.records });
    if (subname !== undefined) {
      if (req.method !== 'GET') throw new ApiError(405, { detail: `Method "${req.method}" not allowed.` });
      const wanted = subname === '@' ? '' : subname;
      const found = domain.rrsets.find((r) => r.subname === wanted && r.type === type);
      if (!found) throw new ApiError(404, { detail: 'Not found.' });
      return send(res, 200, view(found));
    }
    if (req.method === 'GET') {
      const s = url.searchParams;
      const list = domain.rrsets.filter((r) => (!s.has('subname') || r.subname === s.get('subname')) && (!s.has('type') || r.type === s.get('type')));
      return sendPage(res, url, list.map(view));
    }
    if (req.method !== 'PATCH') throw new ApiError(405, { detail: `Method "${req.method}" not allowed.` });
    if (token.readOnly || (token.domains && !token.domains.includes(domain.name))) throw new ApiError(403, { detail: 'Insufficient token permissions.' });
    const body = await readJson(req);
    if (!Array.isArray(body)) throw new ApiError(400, { non_field_errors: ['Expected a list of items but got type "dict".'] });
    bulk(domain, body);
    send(res, 200, domain.rrsets.map(view));
  }

  /** A list at `fake.pageSize` items a page: without `cursor` a longer list is refused, as deSEC does. */
  function sendPage(res: ServerResponse, url: URL, items: unknown[]): void {
    const size = fake.pageSize;
    if (!url.searchParams.has('cursor')) {
      if (items.length > size) {
        const first = new URL(url.href.replace('http://fake', origin));
        first.searchParams.set('cursor', '');
        res.setHeader('link', `<${first.href}>; rel="first"`);
        throw new ApiError(400, { detail: `Pagination required. You can query up to ${size} items at a time (${items.length} total). Please use the \`first\` page link (see Link header).` });
      }
      return send(res, 200, items);
    }
    const start = Number(url.searchParams.get('cursor') || '0');
    const page = items.slice(start, start + size);
    const link = (cursor: number | string, rel: string) => {
      const u = new URL(url.href.replace('http://fake', origin));
      u.searchParams.set('cursor', String(cursor));
      return `<${u.href}>; rel="${rel}"`;
    };
    res.setHeader('link', [link('', 'first'), ...(start + size < items.length ? [link(start + size, 'next')] : [])].join(', '));
    send(res, 200, page);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    url: `${origin}/api/v1`,
    tokens,
    domains,
    addDomain(name: string, minimumTtl = 3600) {
      const domain = { name, minimum_ttl: minimumTtl, rrsets: [{ subname: '', type: 'NS', ttl: 3600, records: [...NAMESERVERS] }] };
      domains.push(domain);
      return domain;
    },
    domain: (name: string) => domains.find((d) => d.name === name)!,
    failNext: (...answers: FakeAnswer[]) => void faults.push(...answers),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

/** Validate every item, then apply all of them or none (deSEC's bulk requests are atomic). */
function bulk(domain: FakeDomain, items: unknown[]): void {
  const next = domain.rrsets.map((r) => ({ ...r }));
  const errors = items.map((raw) => {
    const item = (raw ?? {}) as Record<string, unknown>;
    const error: Record<string, string[]> = {};
    const { subname, type, ttl, records } = item as { subname?: unknown; type?: unknown; ttl?: unknown; records?: unknown };
    if (typeof subname !== 'string' || /[A-Z]/.test(subname)) error.subname = ['Subname must be a lower-case string.'];
    if (typeof type !== 'string' || !TYPES.has(type)) error.type = [`The ${String(type)} RRset type is currently unsupported.`];
    if (!Array.isArray(records) || !records.every((r) => typeof r === 'string')) error.records = ['This field is required.'];
    if (Object.keys(error).length > 0) return error;
    const index = next.findIndex((r) => r.subname === subname && r.type === type);
    if (type === 'NS' && subname === '') return { type: ['You cannot tinker with the NS RRset at the apex.'] };
    if ((records as string[]).length === 0) {
      if (index >= 0) next.splice(index, 1);
      return {};
    }
    if (typeof ttl !== 'number' || !Number.isInteger(ttl)) return { ttl: ['A valid integer is required.'] };
    if (ttl < domain.minimum_ttl) return { ttl: [`Ensure this value is greater than or equal to ${domain.minimum_ttl}.`] };
    if (ttl > 86400) return { ttl: ['Ensure this value is less than or equal to 86400.'] };
    for (const record of records as string[]) {
      const ok = type === 'A' ? isIPv4(record) : type === 'AAAA' ? isIPv6(record) : type === 'TXT' ? validTxt(record) : type === 'CNAME' ? /^[a-z0-9_.-]+\.$/i.test(record) : true;
      if (!ok) return { records: [`Record content for type ${String(type)} malformed: ${record.slice(0, 40)}`] };
    }
    if (type === 'CNAME' && (records as string[]).length > 1) return { records: ['RRset of type CNAME cannot have multiple records.'] };
    if (type === 'CNAME' && subname === '') return { type: ['CNAME RRset cannot have empty subname.'] };
    const set = { subname: subname as string, type: type as string, ttl, records: [...new Set(records as string[])] };
    if (index >= 0) next[index] = set;
    else next.push(set);
    return {};
  });
  // CNAME exclusivity, on the state after every item.
  for (const [i, raw] of items.entries()) {
    const { subname } = (raw ?? {}) as { subname?: string };
    const atName = next.filter((r) => r.subname === subname);
    if (atName.length > 1 && atName.some((r) => r.type === 'CNAME') && Object.keys(errors[i]!).length === 0) {
      errors[i] = { non_field_errors: [`RRset with conflicting type present: ${atName.map((r) => r.type).join(', ')}. (No other RRsets are allowed alongside CNAME.)`] };
    }
  }
  if (errors.some((e) => Object.keys(e).length > 0)) throw new ApiError(400, errors);
  domain.rrsets.splice(0, domain.rrsets.length, ...next);
}

function validTxt(record: string): boolean {
  if (!TXT_RECORD.test(record)) return false;
  return [...record.matchAll(/"((?:[^"\\]|\\.)*)"/g)].every((m) => Buffer.byteLength(m[1]!.replace(/\\(.)/g, '$1')) <= 255);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, { detail: 'JSON parse error' });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
