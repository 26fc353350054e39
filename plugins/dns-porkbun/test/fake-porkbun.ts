/**
 * A fake of the Porkbun API v3 on 127.0.0.1 (port 0), written from Porkbun's documentation and nothing else
 * (https://porkbun.com/api/json/v3/documentation, and its per-topic pages https://porkbun.com/llms/dns):
 *
 * - JSON over `POST`, `apikey` and `secretapikey` in the body; `{ "status": "SUCCESS", … }` or
 *   `{ "status": "ERROR", "message" }` (with a `code` such as `INVALID_API_KEYS_002` on newer builds);
 * - `ping`; `domain/listAll` paged by `start`; `domain/getNs/{domain}`;
 * - `dns/retrieve/{domain}` (records with `id`, absolute `name`, `type`, `content`, `ttl` as a string, `prio`,
 *   `notes`), `dns/create/{domain}` (relative `name`, TTL at least 600), `dns/delete/{domain}/{id}`;
 * - API access must be turned on per domain, and a key may be restricted to some domains
 *   (https://porkbun.com/llms/guides/getting-started).
 * Throttling is answered 429 with `Retry-After` through `failNext`. Not a model of Porkbun: just enough to hold the
 * plugin to its contract. `pageSize` makes `domain/listAll` page small, so tests can make the client follow pages.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

export interface FakeRecord { id: string; name: string; type: string; content: string; ttl: string; prio: string; notes: string }
export interface FakeDomain { domain: string; apiAccess: boolean; records: FakeRecord[] }
/** A key pair: its secret, and the domains it is restricted to (undefined: all). */
export interface FakeKey { secret: string; domains?: string[] }
export type FakeAnswer = { status: number; headers?: Record<string, string>; body?: string };

export interface FakePorkbun {
  /** The base URL to give the plugin (`…/api/json/v3`). */
  url: string;
  keys: Map<string, FakeKey>;
  domains: FakeDomain[];
  addDomain(name: string, apiAccess?: boolean): FakeDomain;
  domain(name: string): FakeDomain;
  /** Domains per `domain/listAll` page (Porkbun: 1000). */
  pageSize: number;
  failNext(...answers: FakeAnswer[]): void;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

const NAMESERVERS = ['curitiba.ns.porkbun.com', 'fortaleza.ns.porkbun.com', 'maceio.ns.porkbun.com', 'salvador.ns.porkbun.com'];
const TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'ALIAS', 'NS', 'SRV', 'CAA', 'HTTPS', 'SVCB', 'TLSA']);

class ApiError extends Error {
  readonly status: number;
  readonly code?: string;
  constructor(status: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function startFakePorkbun(): Promise<FakePorkbun> {
  const domains: FakeDomain[] = [];
  const keys = new Map<string, FakeKey>();
  const faults: FakeAnswer[] = [];
  const requests: FakePorkbun['requests'] = [];
  const fake = { pageSize: 1000 };
  let nextId = 100_000_000;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof ApiError ? error : new ApiError(500, String(error));
      send(res, e.status, { status: 'ERROR', message: e.message, ...(e.code ? { code: e.code } : {}) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readJson(req);
    const { apikey, secretapikey, ...rest } = body;
    requests.push({ path: url.pathname, body: rest });
    const fault = faults.shift();
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body ?? '');
      return;
    }
    if (req.method !== 'POST') throw new ApiError(405, 'Method not allowed.');
    if (typeof secretapikey !== 'string' || secretapikey === '') throw new ApiError(400, 'Missing secret API key.', 'MISSING_SECRETAPIKEY');
    const key = keys.get(String(apikey));
    if (!key || key.secret !== secretapikey) throw new ApiError(400, 'Invalid API key. (002)', 'INVALID_API_KEYS_002');
    const [api, json, v3, group, action, name, id] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (api !== 'api' || json !== 'json' || v3 !== 'v3') throw new ApiError(404, 'Endpoint not found.');
    if (group === 'ping') return send(res, 200, { status: 'SUCCESS', yourIp: '127.0.0.1' });
    if (group === 'domain' && action === 'listAll') {
      const start = Number(rest.start ?? 0) || 0;
      const page = domains.slice(start, start + fake.pageSize).map((d) => ({ domain: d.domain, status: 'ACTIVE', tld: d.domain.split('.').pop() }));
      return send(res, 200, { status: 'SUCCESS', domains: page });
    }
    const domain = domains.find((d) => d.domain === (name ?? '').toLowerCase());
    if (!domain) throw new ApiError(400, 'Invalid domain.');
    if (key.domains && !key.domains.includes(domain.domain)) throw new ApiError(403, 'This API key is not authorized for this domain.');
    if (group === 'domain' && action === 'getNs') return send(res, 200, { status: 'SUCCESS', ns: NAMESERVERS });
    if (group !== 'dns') throw new ApiError(404, 'Endpoint not found.');
    if (!domain.apiAccess) throw new ApiError(400, 'Domain is not opted in to API access.');
    if (action === 'retrieve') return send(res, 200, { status: 'SUCCESS', cloudflare: 'disabled', records: domain.records });
    if (action === 'delete') {
      const index = domain.records.findIndex((r) => r.id === id);
      if (index < 0) throw new ApiError(400, 'Invalid record ID.');
      domain.records.splice(index, 1);
      return send(res, 200, { status: 'SUCCESS' });
    }
    if (action !== 'create') throw new ApiError(404, 'Endpoint not found.');
    const record = validate(domain, rest, String(nextId++));
    domain.records.push(record);
    send(res, 200, { status: 'SUCCESS', id: Number(record.id) });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/api/json/v3`,
    keys,
    domains,
    addDomain(name: string, apiAccess = true) {
      const domain = { domain: name, apiAccess, records: [] };
      domains.push(domain);
      return domain;
    },
    domain: (name: string) => domains.find((d) => d.domain === name)!,
    failNext: (...answers: FakeAnswer[]) => void faults.push(...answers),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

/** Porkbun's rules for `dns/create`. */
function validate(domain: FakeDomain, body: Record<string, unknown>, id: string): FakeRecord {
  const sub = typeof body.name === 'string' ? body.name.toLowerCase() : '';
  const type = String(body.type ?? '').toUpperCase();
  const content = typeof body.content === 'string' ? body.content : '';
  const ttl = body.ttl === undefined ? 600 : Number(body.ttl);
  if (!TYPES.has(type)) throw new ApiError(400, 'Invalid type passed.');
  if (!Number.isInteger(ttl) || ttl < 600) throw new ApiError(400, 'Invalid TTL: the minimum is 600 seconds.');
  const ok = type === 'A' ? isIPv4(content) : type === 'AAAA' ? isIPv6(content) : type === 'CNAME' ? /^[a-z0-9_.-]+$/i.test(content) : content !== '';
  if (!ok) throw new ApiError(400, `Could not add the record: invalid content for a ${type} record.`);
  const name = sub ? `${sub}.${domain.domain}` : domain.domain;
  if (domain.records.some((r) => r.name === name && r.type === type && r.content === content)) throw new ApiError(400, 'Could not add the record: a duplicate record exists.');
  const others = domain.records.filter((r) => r.name === name);
  if (others.length > 0 && (type === 'CNAME' || others.some((r) => r.type === 'CNAME'))) throw new ApiError(400, 'Could not add the record: a CNAME record cannot coexist with other records.');
  return { id, name, type, content, ttl: String(ttl), prio: '0', notes: '' };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    const parsed = JSON.parse(text || '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
