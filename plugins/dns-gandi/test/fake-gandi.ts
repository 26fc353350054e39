/**
 * A fake of the Gandi LiveDNS API v5 on 127.0.0.1 (port 0), written from Gandi's documentation and nothing else:
 *
 * - Authentication `Authorization: Bearer <personal access token>`; error bodies `{ code, message, object, cause }`;
 *   401 for a wrong token, 403 for a token that has expired or lacks a permission; rate limit of the API (1000
 *   requests a minute): https://api.gandi.net/docs/reference/ and https://api.gandi.net/docs/authentication/
 * - Collections paged with `page` / `per_page`, the total in `Total-Count`: https://api.gandi.net/docs/reference/
 * - LiveDNS domains, nameservers and records by name and type (`rrset_name`, `rrset_type`, `rrset_ttl`,
 *   `rrset_values`; `PUT` creates or replaces a record set, `DELETE` removes it; TTL 300 s to 30 days):
 *   https://api.gandi.net/docs/livedns/
 * Not a model of Gandi: just enough to hold the plugin to its contract. `pageSize` caps `per_page`, so tests can
 * make the client follow pages with a few records.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

export interface FakeRRset { rrset_name: string; rrset_type: string; rrset_ttl: number; rrset_values: string[] }
export interface FakeDomain { fqdn: string; rrsets: FakeRRset[] }
/** `domains`: the token's resources (undefined: all); `canWrite: false`: no "Manage technical configurations". */
export interface FakeToken { domains?: string[]; canWrite?: boolean; expired?: boolean }
export type FakeAnswer = { status: number; headers?: Record<string, string>; body?: string };

export interface FakeGandi {
  /** The base URL to give the plugin (`…/v5/livedns`). */
  url: string;
  tokens: Map<string, FakeToken>;
  domains: FakeDomain[];
  addDomain(fqdn: string): FakeDomain;
  domain(fqdn: string): FakeDomain;
  /** The largest `per_page` the fake honours. */
  pageSize: number;
  /** Leave `Total-Count` out of list answers. */
  omitTotal: boolean;
  failNext(...answers: FakeAnswer[]): void;
  requests: Array<{ method: string; path: string; query: URLSearchParams }>;
  close(): Promise<void>;
}

const NAMESERVERS = ['ns-12-a.gandi.net', 'ns-34-b.gandi.net', 'ns-56-c.gandi.net'];
const TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SOA', 'ALIAS', 'CAA', 'SRV']);
const TXT_RECORD = /^\s*("(?:[^"\\]|\\.)*"\s*)+$/;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict' };

class ApiError extends Error {
  readonly status: number;
  readonly errors?: Array<{ location: string; name: string; description: string }>;
  constructor(status: number, message: string, errors?: ApiError['errors']) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
  body() {
    const cause = STATUS_TEXT[this.status] ?? 'Error';
    return { code: this.status, message: this.message, object: `HTTP${cause.replace(/ /g, '')}`, cause, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export async function startFakeGandi(): Promise<FakeGandi> {
  const domains: FakeDomain[] = [];
  const tokens = new Map<string, FakeToken>();
  const faults: FakeAnswer[] = [];
  const requests: FakeGandi['requests'] = [];
  const fake = { pageSize: 100, omitTotal: false };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof ApiError ? error : new ApiError(500, String(error));
      send(res, e.status, e.body());
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
    const token = tokens.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!token) throw new ApiError(401, 'The server could not verify that you are authorized to access the URL requested.');
    if (token.expired) throw new ApiError(403, 'The access token has expired.');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v5' || parts[1] !== 'livedns' || parts[2] !== 'domains') throw new ApiError(404, 'The requested URL was not found on the server.');
    const [, , , fqdn, sub, name, type] = parts;
    const visible = domains.filter((d) => !token.domains || token.domains.includes(d.fqdn));
    if (fqdn === undefined) return sendPage(res, url, visible.map((d) => ({ fqdn: d.fqdn, domain_href: `${url.origin}/v5/livedns/domains/${d.fqdn}` })));
    const domain = visible.find((d) => d.fqdn === fqdn.toLowerCase());
    if (!domain) throw new ApiError(404, 'The requested domain was not found.');
    if (sub === undefined) return send(res, 200, { fqdn: domain.fqdn, automatic_snapshots: true, domain_records_href: `/domains/${domain.fqdn}/records` });
    if (sub === 'nameservers') return send(res, 200, NAMESERVERS);
    if (sub !== 'records') throw new ApiError(404, 'The requested URL was not found on the server.');
    if (name === undefined) {
      if (req.method !== 'GET') throw new ApiError(405, 'The method is not allowed for the requested URL.');
      return sendPage(res, url, domain.rrsets);
    }
    if (type === undefined) throw new ApiError(404, 'The requested URL was not found on the server.');
    const index = domain.rrsets.findIndex((r) => r.rrset_name === name && r.rrset_type === type);
    if (req.method === 'GET') {
      if (index < 0) throw new ApiError(404, 'The requested record was not found.');
      return send(res, 200, domain.rrsets[index]);
    }
    if (token.canWrite === false) throw new ApiError(403, 'Access was denied to this resource.');
    if (req.method === 'DELETE') {
      if (index < 0) throw new ApiError(404, 'The requested record was not found.');
      domain.rrsets.splice(index, 1);
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'PUT') throw new ApiError(405, 'The method is not allowed for the requested URL.');
    const set = validate(domain, name, type, await readJson(req));
    if (index >= 0) domain.rrsets[index] = set;
    else domain.rrsets.push(set);
    send(res, 201, { message: 'DNS Record Created' });
  }

  function sendPage(res: ServerResponse, url: URL, items: unknown[]): void {
    const page = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
    const perPage = Math.min(fake.pageSize, Math.max(1, Number(url.searchParams.get('per_page') ?? '100')));
    if (!fake.omitTotal) res.setHeader('total-count', String(items.length));
    send(res, 200, items.slice((page - 1) * perPage, page * perPage));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/v5/livedns`,
    tokens,
    domains,
    addDomain(fqdn: string) {
      const domain = { fqdn, rrsets: [{ rrset_name: '@', rrset_type: 'NS', rrset_ttl: 10800, rrset_values: NAMESERVERS.map((ns) => `${ns}.`) }] };
      domains.push(domain);
      return domain;
    },
    domain: (fqdn: string) => domains.find((d) => d.fqdn === fqdn)!,
    failNext: (...answers: FakeAnswer[]) => void faults.push(...answers),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

/** LiveDNS's rules for `PUT …/records/{name}/{type}`. */
function validate(domain: FakeDomain, name: string, type: string, body: unknown): FakeRRset {
  const { rrset_ttl: ttl = 10800, rrset_values: values } = (body ?? {}) as { rrset_ttl?: unknown; rrset_values?: unknown };
  const bad = (field: string, description: string) => new ApiError(400, 'Bad Request', [{ location: 'body', name: field, description }]);
  if (!TYPES.has(type)) throw bad('rrset_type', `${type} is not a supported record type`);
  if (name !== name.toLowerCase()) throw bad('rrset_name', 'must be lower case');
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 300 || ttl > 2592000) throw bad('rrset_ttl', 'must be an integer between 300 and 2592000');
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) throw bad('rrset_values', 'must be a non-empty list of strings');
  for (const value of values as string[]) {
    const ok = type === 'A' ? isIPv4(value) : type === 'AAAA' ? isIPv6(value) : type === 'TXT' ? validTxt(value) : type === 'CNAME' ? /^[a-z0-9_.-]+\.?$/i.test(value) : true;
    if (!ok) throw bad('rrset_values', `${JSON.stringify(value.slice(0, 40))} is not a valid ${type} value`);
  }
  if (type === 'CNAME' && (name === '@' || values.length > 1)) throw bad('rrset_values', 'a CNAME record set holds one value and cannot be at the apex');
  const others = domain.rrsets.filter((r) => r.rrset_name === name && r.rrset_type !== type);
  if (others.length > 0 && (type === 'CNAME' || others.some((r) => r.rrset_type === 'CNAME'))) {
    throw new ApiError(409, `A CNAME record cannot coexist with other records at ${name}`);
  }
  return { rrset_name: name, rrset_type: type, rrset_ttl: ttl, rrset_values: values as string[] };
}

function validTxt(value: string): boolean {
  if (!TXT_RECORD.test(value)) return false;
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].every((m) => Buffer.byteLength(m[1]!.replace(/\\(.)/g, '$1')) <= 255);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'The browser (or proxy) sent a request that this server could not understand.');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
