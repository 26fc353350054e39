/**
 * A fake of the GoDaddy Domains API v1 on 127.0.0.1, written from its documentation:
 * - Reference (Swagger): https://developer.godaddy.com/doc/endpoint/domains — `GET /v1/domains` (`limit`, `marker`),
 *   `GET /v1/domains/{domain}` (`nameServers`), `GET /v1/domains/{domain}/records` (`offset`, `limit`),
 *   `PUT` and `DELETE /v1/domains/{domain}/records/{type}/{name}`.
 * - Authentication: `Authorization: sso-key {key}:{secret}` (https://developer.godaddy.com/getstarted).
 * - Errors: `{ code, message, fields? }`; 401 `UNABLE_TO_AUTHENTICATE`, 403 `ACCESS_DENIED`, 404 `NOT_FOUND`,
 *   422 `INVALID_BODY`, 429 `TOO_MANY_REQUESTS` with `retryAfterSec` in the body ("ErrorLimit"), 500 `INTERNAL_SERVER_ERROR`.
 * - Limits: TTL at least 600 s; 60 requests per minute per endpoint (the fake throttles only when told to).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';

export interface FakeRecord {
  type: string;
  name: string;
  data: string;
  ttl: number;
}

export interface FakeDomain {
  domainId: number;
  domain: string;
  status: string;
  nameServers: string[];
  records: FakeRecord[];
}

export interface FakeAccount {
  secret: string;
  /** Domains of this account; undefined: all. */
  domains?: string[];
  /** `ACCESS_DENIED` on everything (an account without API access). */
  denied?: boolean;
}

export type Fault = { status: 429; retryAfterSec?: number } | { status: 500 } | { status: 502; html: true };

export interface FakeGoDaddy {
  url: string;
  /** API key → its secret and what it may see. */
  accounts: Map<string, FakeAccount>;
  addDomain(name: string): FakeDomain;
  domain(name: string): FakeDomain;
  failNext(count: number, fault: Fault): void;
  requests: Array<{ method: string; path: string; query: URLSearchParams }>;
  close(): Promise<void>;
}

class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;
  constructor(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

const TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS', 'SOA', 'SRV', 'CAA']);

export async function startFakeGoDaddy(): Promise<FakeGoDaddy> {
  const accounts = new Map<string, FakeAccount>();
  const domains = new Map<string, FakeDomain>();
  const faults: Fault[] = [];
  const requests: FakeGoDaddy['requests'] = [];
  let nextId = 1000;

  const authenticate = (req: IncomingMessage): FakeAccount => {
    const match = /^sso-key ([^:\s]+):(\S+)$/.exec(req.headers.authorization ?? '');
    const account = match ? accounts.get(match[1]!) : undefined;
    if (!match || !account || account.secret !== match[2]) throw new ApiFailure(401, 'UNABLE_TO_AUTHENTICATE', 'Unauthorized : Could not authenticate API key/secret');
    if (account.denied) throw new ApiFailure(403, 'ACCESS_DENIED', 'Authenticated user is not allowed access');
    return account;
  };

  const visible = (account: FakeAccount, name: string): FakeDomain => {
    const domain = domains.get(name);
    if (!domain || (account.domains && !account.domains.includes(name))) throw new ApiFailure(404, 'NOT_FOUND', `The given domain is not registered, or does not have a zone file`);
    return domain;
  };

  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new ApiFailure(422, 'INVALID_BODY', 'Request body is not valid JSON');
    }
  };

  const validate = (type: string, items: unknown): Array<{ data: string; ttl: number }> => {
    if (!Array.isArray(items) || items.length === 0) throw new ApiFailure(422, 'INVALID_BODY', 'Request body must be a non-empty array of records');
    return items.map((item: { data?: unknown; ttl?: unknown }, i) => {
      const fields = (path: string, message: string) => new ApiFailure(422, 'INVALID_BODY', 'Request body failed validation', { fields: [{ path: `records[${i}].${path}`, code: 'INVALID_VALUE', message }] });
      if (typeof item.data !== 'string' || item.data === '') throw fields('data', 'is required');
      if (type === 'A' && !isIPv4(item.data)) throw fields('data', 'must be an IPv4 address');
      if (type === 'AAAA' && !isIPv6(item.data)) throw fields('data', 'must be an IPv6 address');
      const ttl = item.ttl ?? 3600;
      if (typeof ttl !== 'number' || ttl < 600 || ttl > 604_800) throw fields('ttl', 'must be between 600 and 604800');
      return { data: item.data, ttl };
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    const fault = faults.shift();
    if (fault?.status === 502) {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>');
      return;
    }
    if (fault?.status === 429) throw new ApiFailure(429, 'TOO_MANY_REQUESTS', 'Too many requests received within interval', fault.retryAfterSec === undefined ? {} : { retryAfterSec: fault.retryAfterSec });
    if (fault?.status === 500) throw new ApiFailure(500, 'INTERNAL_SERVER_ERROR', 'An internal error occurred');

    const account = authenticate(req);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (parts[0] !== 'v1' || parts[1] !== 'domains') throw new ApiFailure(404, 'NOT_FOUND', 'No such endpoint');

    if (parts.length === 2 && req.method === 'GET') {
      const limit = Number(url.searchParams.get('limit') ?? 1000);
      const marker = url.searchParams.get('marker');
      const names = [...domains.keys()].filter((n) => !account.domains || account.domains.includes(n)).sort();
      const from = marker ? names.filter((n) => n > marker) : names;
      json(200, from.slice(0, limit).map((n) => ({ domain: n, domainId: domains.get(n)!.domainId, status: 'ACTIVE' })));
      return;
    }
    const domain = visible(account, parts[2]!.toLowerCase());
    if (parts.length === 3 && req.method === 'GET') {
      json(200, { domain: domain.domain, domainId: domain.domainId, status: domain.status, nameServers: domain.nameServers });
      return;
    }
    if (parts[3] !== 'records') throw new ApiFailure(404, 'NOT_FOUND', 'No such endpoint');
    if (parts.length === 4 && req.method === 'GET') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10_000);
      json(200, domain.records.slice(offset, offset + limit));
      return;
    }
    const [type, name] = [parts[4]?.toUpperCase() ?? '', parts[5]?.toLowerCase() ?? ''];
    if (parts.length !== 6 || !TYPES.has(type)) throw new ApiFailure(422, 'INVALID_BODY', 'type or name is not valid');
    if (req.method === 'PUT') {
      const items = validate(type, await readBody(req));
      const others = domain.records.filter((r) => r.name === name && r.type !== type);
      if ((type === 'CNAME' && others.length > 0) || others.some((r) => r.type === 'CNAME')) {
        throw new ApiFailure(409, 'DUPLICATE_RECORD', 'Another record with the same attributes already exists');
      }
      domain.records = domain.records.filter((r) => !(r.name === name && r.type === type));
      domain.records.push(...items.map((item) => ({ type, name, ...item })));
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'DELETE') {
      const before = domain.records.length;
      domain.records = domain.records.filter((r) => !(r.name === name && r.type === type));
      if (domain.records.length === before) throw new ApiFailure(404, 'NOT_FOUND', 'The given record does not exist');
      res.writeHead(204).end();
      return;
    }
    throw new ApiFailure(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const failure = error instanceof ApiFailure ? error : new ApiFailure(500, 'INTERNAL_SERVER_ERROR', String(error));
      res.writeHead(failure.status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: failure.code, message: failure.message, ...failure.extra }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accounts,
    addDomain(name) {
      const domain: FakeDomain = { domainId: nextId++, domain: name, status: 'ACTIVE', nameServers: ['ns51.domaincontrol.com', 'ns52.domaincontrol.com'], records: [{ type: 'NS', name: '@', data: 'ns51.domaincontrol.com', ttl: 3600 }] };
      domains.set(name, domain);
      return domain;
    },
    domain: (name) => domains.get(name)!,
    failNext(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
