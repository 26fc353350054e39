/**
 * A fake of the Name.com API v4's domains and DNS records, on 127.0.0.1 (random port), written from the documented
 * contract, https://www.name.com/api-docs (overview) and https://www.name.com/api-docs/DNS:
 * - authentication: HTTP Basic with the account username and an API token; a refused pair is 401
 *   `{ "message": "Unauthenticated" }` (every non-200 answer is an ErrorMessage `{ message, details? }`);
 * - POST and PUT without `Content-Type: application/json` are 403, as the overview documents;
 * - JSON answers leave out fields at their default value (an apex record has no `host`, an empty list no key);
 * - `GET /v4/hello`, `GET /v4/domains` and `GET /v4/domains/{domainName}` (`{ domainName, nameservers, … }`);
 * - `GET|POST /v4/domains/{domainName}/records`, `GET|PUT|DELETE /v4/domains/{domainName}/records/{id}`:
 *   records `{ id, domainName, host, fqdn, type, answer, ttl, priority }`, `host` relative, `fqdn` ending in a dot,
 *   a TTL of at least 300; DELETE answers `{}`;
 * - pagination: `perPage` (default 1000) and `page`, answered with `nextPage` and `lastPage` (and a `Link`
 *   header) only when another page follows;
 * - the API is rate limited (429).
 * `maxPerPage` caps pages so that tests must follow `nextPage`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRecord {
  id: number;
  domainName: string;
  host: string;
  fqdn: string;
  type: string;
  answer: string;
  ttl: number;
  priority?: number;
}

export interface FakeFault {
  status: 429 | 500 | 502 | 503;
  /** `Retry-After` seconds on a 429 (Name.com documents none; the client must do without). */
  retryAfter?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
}

export interface FakeNamecom {
  /** The API base, `http://127.0.0.1:<port>` (paths start with /v4). */
  url: string;
  /** username → its API token and whether API access is allowed for the account (403 when it is not). */
  accounts: Map<string, { token: string; api: boolean }>;
  requests: FakeRequest[];
  addDomain(name: string, nameservers?: string[]): void;
  records(domain: string): FakeRecord[];
  insert(domain: string, record: { host: string; type: string; answer: string; ttl?: number }): FakeRecord;
  failNext(count: number, fault: FakeFault): void;
  close(): Promise<void>;
}

export const FAKE_NAMESERVERS = ['ns1jkl.name.com', 'ns2dqz.name.com', 'ns3cna.name.com', 'ns4gsd.name.com'];
const TYPES = new Set(['A', 'AAAA', 'ANAME', 'CNAME', 'MX', 'NS', 'SRV', 'TXT']);

/** The JSON of a record as Name.com writes it: fields at their default value left out. */
const wire = (record: FakeRecord) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '' && v !== 0 && v !== undefined));

export async function startFakeNamecom(options: { maxPerPage?: number } = {}): Promise<FakeNamecom> {
  const maxPerPage = options.maxPerPage ?? 1000;
  const domains = new Map<string, { nameservers: string[]; records: FakeRecord[] }>();
  const accounts = new Map<string, { token: string; api: boolean }>();
  const requests: FakeRequest[] = [];
  const faults: FakeFault[] = [];
  let nextId = 1000;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, details?: string, headers: Record<string, string> = {}) =>
    send(res, status, details ? { message, details } : { message }, headers);

  function page(res: ServerResponse, url: URL, key: string, items: unknown[]) {
    const perPage = Math.min(Math.max(Number(url.searchParams.get('perPage') ?? 1000) || 1000, 1), maxPerPage);
    const current = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((current - 1) * perPage, current * perPage);
    if (current >= lastPage) return send(res, 200, slice.length > 0 ? { [key]: slice } : {});
    const link = (n: number) => `<${url.origin}${url.pathname}?page=${n}&perPage=${perPage}>`;
    return send(res, 200, { [key]: slice, nextPage: current + 1, lastPage }, { link: `${link(current + 1)}; rel="next", ${link(lastPage)}; rel="last"` });
  }

  function invalid(domain: string, records: FakeRecord[], body: Partial<FakeRecord>, except?: number): string | undefined {
    if (!body.type || !TYPES.has(body.type)) return 'Type must be one of A, AAAA, ANAME, CNAME, MX, NS, SRV, TXT';
    if (typeof body.answer !== 'string' || body.answer === '') return 'Answer is required';
    if (body.ttl !== undefined && body.ttl < 300) return 'TTL must be at least 300';
    if (body.type === 'A' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(body.answer)) return 'Answer is not a valid IPv4 address';
    if (body.type === 'AAAA' && !body.answer.includes(':')) return 'Answer is not a valid IPv6 address';
    const host = (body.host ?? '').toLowerCase().replace(/^@$/, '');
    const others = records.filter((r) => r.id !== except && r.host === host);
    if (body.type === 'CNAME' ? others.length > 0 : others.some((r) => r.type === 'CNAME')) return `CNAME records cannot coexist with other records at ${host || '@'}.${domain}`;
    return undefined;
  }

  async function readBody(req: IncomingMessage): Promise<Partial<FakeRecord>> {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text === '' ? {} : (JSON.parse(text) as Partial<FakeRecord>);
  }

  const make = (domain: string, id: number, body: Partial<FakeRecord>): FakeRecord => {
    const host = (body.host ?? '').toLowerCase().replace(/^@$/, '');
    return { id, domainName: domain, host, fqdn: `${host ? `${host}.` : ''}${domain}.`, type: body.type!, answer: body.answer!, ttl: body.ttl ?? 300, ...(body.priority ? { priority: body.priority } : {}) };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'] });
      const fault = faults.shift();
      if (fault?.status === 429) return error(res, 429, 'Too Many Requests', undefined, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      if (fault?.status === 500) return error(res, 500, 'Internal Server Error');
      if (fault?.status === 503) return error(res, 503, 'Service Unavailable');
      if (fault?.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      }
      const pair = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [username, ...rest] = pair ? Buffer.from(pair, 'base64').toString().split(':') : [];
      const account = username === undefined ? undefined : accounts.get(username);
      if (!account || account.token !== rest.join(':')) return error(res, 401, 'Unauthenticated');
      if (!account.api) return error(res, 403, 'Permission Denied', 'API access is not enabled for this account');
      if ((method === 'POST' || method === 'PUT') && !/^application\/json\b/.test(req.headers['content-type'] ?? '')) return error(res, 403, 'Permission Denied', 'Content-Type must be application/json');

      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] !== 'v4') return error(res, 404, 'Not Found');
      if (parts[1] === 'hello' && parts.length === 2) return send(res, 200, { serverName: 'fake', motd: 'Welcome to the Name.com API', username, serverTime: new Date().toISOString() });
      if (parts[1] !== 'domains') return error(res, 404, 'Not Found');
      if (parts.length === 2 && method === 'GET') return page(res, url, 'domains', [...domains].map(([domainName, d]) => ({ domainName, nameservers: d.nameservers, locked: true })));
      const name = parts[2]!.toLowerCase();
      const domain = domains.get(name);
      if (!domain) return error(res, 404, 'Not Found', 'Domain not found');
      if (parts.length === 3 && method === 'GET') return send(res, 200, { domainName: name, nameservers: domain.nameservers, locked: true, autorenewEnabled: true });
      if (parts[3] !== 'records') return error(res, 404, 'Not Found');
      if (parts.length === 4 && method === 'GET') return page(res, url, 'records', domain.records.map(wire));
      if (parts.length === 4 && method === 'POST') {
        const body = await readBody(req);
        const problem = invalid(name, domain.records, body);
        if (problem) return error(res, 400, 'Invalid Argument', problem);
        const record = make(name, ++nextId, body);
        domain.records.push(record);
        return send(res, 200, wire(record));
      }
      const at = domain.records.findIndex((r) => String(r.id) === parts[4]);
      if (parts.length !== 5 || at < 0) return error(res, 404, 'Not Found', 'Record not found');
      if (method === 'GET') return send(res, 200, wire(domain.records[at]!));
      if (method === 'PUT') {
        const current = domain.records[at]!;
        const body = await readBody(req);
        if (body.id !== undefined && String(body.id) !== parts[4]) return error(res, 400, 'Invalid Argument', 'id must match the URI');
        const problem = invalid(name, domain.records, body, current.id);
        if (problem) return error(res, 400, 'Invalid Argument', problem);
        domain.records[at] = make(name, current.id, body);
        return send(res, 200, wire(domain.records[at]));
      }
      if (method === 'DELETE') {
        domain.records.splice(at, 1);
        return send(res, 200, {});
      }
      return error(res, 405, 'Method Not Allowed');
    })().catch(() => error(res, 400, 'Invalid Argument', 'the body is not JSON'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeNamecom = {
    url: `http://127.0.0.1:${port}`,
    accounts,
    requests,
    addDomain(name, nameservers = FAKE_NAMESERVERS) {
      domains.set(name.toLowerCase(), { nameservers: [...nameservers], records: [] });
    },
    records: (domain) => domains.get(domain.toLowerCase())?.records ?? [],
    insert(domain, record) {
      const stored = make(domain.toLowerCase(), ++nextId, record);
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
