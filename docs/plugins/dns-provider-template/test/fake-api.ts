/**
 * A fake of the ExampleDNS API on 127.0.0.1 (port 0: a free port), written from the vendor's documented contract
 * (README.md, "The ExampleDNS API") and nothing else: same paths, same JSON, same status codes, same
 * validation. It is what the conformance suite runs against when the real API cannot be reached from CI.
 *
 * COPIER: a fake is only as good as its fidelity. Copy rules from your vendor's documentation (limits,
 * error bodies, CNAME rules, TXT quoting), keep it refusing what the vendor refuses, and when the real API
 * surprises you, fix the fake first, then the client. When the vendor is software you can run (PowerDNS,
 * BIND, Knot), run the real server in tests instead of a fake.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import type { AddressInfo } from 'node:net';

/** As the API returns them: names with the trailing dot, records in ExampleDNS's presentation form. */
export interface FakeRRset { name: string; type: string; ttl: number; records: string[]; comment: string | null }
export interface FakeZone { id: string; name: string; nameservers: string[]; rrsets: FakeRRset[] }

export interface FakeExampleDnsOptions {
  /** Zone names without the dot; each gets an id `z1`, `z2`, … and an apex NS record set. */
  zones: string[];
  /** Token → scopes (`zones:read`, `rrsets:write`). */
  tokens: Record<string, string[]>;
}

export interface FakeExampleDns {
  /** The API base URL, `http://127.0.0.1:<port>/v1`. */
  url: string;
  zones: FakeZone[];
  /** Answer the next request with this instead (429 with `retry-after`, an HTML 503, …). */
  failNext(answer: { status: number; headers?: Record<string, string>; body?: string }): void;
  close(): Promise<void>;
}

const NAMESERVERS = ['ada.ns.exampledns.net.', 'bob.ns.exampledns.net.'];
const TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'NS']);
/** One or more quoted strings, `\"` and `\\` escaped inside. */
const TXT_RECORD = /^\s*("(?:[^"\\]|\\.)*"\s*)+$/;

/** Thrown by a handler, sent as ExampleDNS's error body. */
class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    [this.status, this.code] = [status, code];
  }
}

export async function startFakeExampleDns(options: FakeExampleDnsOptions): Promise<FakeExampleDns> {
  const zones: FakeZone[] = options.zones.map((name, i) => ({
    id: `z${i + 1}`,
    name: `${name}.`,
    nameservers: NAMESERVERS,
    rrsets: [{ name: `${name}.`, type: 'NS', ttl: 86400, records: NAMESERVERS, comment: null }],
  }));
  const failures: Array<{ status: number; headers?: Record<string, string>; body?: string }> = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof ApiError ? error : new ApiError(500, 'internal', String(error));
      send(res, e.status, { error: { code: e.code, message: e.message } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'text/html', ...failure.headers }).end(failure.body ?? '');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const [v1, collection, zoneId, sub, name, type, ...rest] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (v1 !== 'v1' || collection !== 'zones' || rest.length > 0) throw new ApiError(404, 'not_found', 'No such endpoint');
    const scopes = options.tokens[/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''];
    if (!scopes) throw new ApiError(401, 'unauthorized', 'Missing or unknown token');
    const need = (scope: string) => {
      if (!scopes.includes(scope)) throw new ApiError(403, 'forbidden', `The token lacks the scope ${scope}`);
    };

    if (zoneId === undefined && req.method === 'GET') {
      need('zones:read');
      const wanted = url.searchParams.get('name');
      return send(res, 200, { zones: zones.filter((z) => wanted === null || z.name === wanted.toLowerCase()).map(zoneJson) });
    }
    const zone = zones.find((z) => z.id === zoneId);
    if (!zone) throw new ApiError(404, 'zone_not_found', `No zone ${zoneId}`);
    if (sub === undefined && req.method === 'GET') {
      need('zones:read');
      return send(res, 200, zoneJson(zone));
    }
    if (sub !== 'rrsets') throw new ApiError(404, 'not_found', 'No such endpoint');
    if (name === undefined && req.method === 'GET') {
      need('zones:read');
      return send(res, 200, { rrsets: zone.rrsets });
    }
    if (name === undefined || type === undefined) throw new ApiError(404, 'not_found', 'No such endpoint');
    const key = name.toLowerCase();
    const index = zone.rrsets.findIndex((set) => set.name === key && set.type === type);
    if (req.method === 'DELETE') {
      need('rrsets:write');
      if (index < 0) throw new ApiError(404, 'rrset_not_found', `No ${type} record set at ${name}`);
      zone.rrsets.splice(index, 1);
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'PUT') throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here`);
    need('rrsets:write');
    const set = validate(zone, key, type, await readJson(req));
    if (index < 0) zone.rrsets.push(set);
    else zone.rrsets[index] = set;
    send(res, 200, set);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    zones,
    failNext: (answer) => void failures.push(answer),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The vendor's documented rules for `PUT …/rrsets/{name}/{type}`. */
function validate(zone: FakeZone, name: string, type: string, body: unknown): FakeRRset {
  const { ttl, records, comment = null } = (body ?? {}) as { ttl?: unknown; records?: unknown; comment?: unknown };
  if (!name.endsWith('.') || (name !== zone.name && !name.endsWith(`.${zone.name}`))) {
    throw new ApiError(422, 'name_outside_zone', `${name} is not an absolute name in ${zone.name}`);
  }
  if (!TYPES.has(type)) throw new ApiError(422, 'unsupported_type', `Type ${type} is not supported`);
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > 86400) throw new ApiError(422, 'invalid_ttl', 'ttl must be an integer from 60 to 86400');
  if (!Array.isArray(records) || records.length === 0 || !records.every((r) => typeof r === 'string')) {
    throw new ApiError(422, 'invalid_records', 'records must be a non-empty array of strings');
  }
  if (comment !== null && (typeof comment !== 'string' || comment.length > 255)) throw new ApiError(422, 'invalid_comment', 'comment must be a string of at most 255 characters');
  for (const record of records as string[]) {
    const ok = type === 'A' ? isIPv4(record) : type === 'AAAA' ? isIPv6(record) : type === 'TXT' ? validTxt(record) : record.endsWith('.');
    if (!ok) throw new ApiError(422, 'invalid_record', `${JSON.stringify(record)} is not a valid ${type} record`);
  }
  if (type === 'CNAME' && name === zone.name) throw new ApiError(422, 'cname_at_apex', 'A CNAME cannot be at the zone apex');
  if (type === 'CNAME' && records.length > 1) throw new ApiError(422, 'invalid_records', 'A CNAME record set has one record');
  const others = zone.rrsets.filter((set) => set.name === name && set.type !== type);
  if (others.length > 0 && (type === 'CNAME' || others.some((set) => set.type === 'CNAME'))) {
    throw new ApiError(409, 'cname_conflict', `A CNAME cannot share ${name} with other records`);
  }
  return { name, type, ttl, records: records as string[], comment: comment as string | null };
}

/** Quoted strings only, each at most 255 bytes once unescaped. */
function validTxt(record: string): boolean {
  if (!TXT_RECORD.test(record)) return false;
  return [...record.matchAll(/"((?:[^"\\]|\\.)*)"/g)].every((m) => Buffer.byteLength(m[1]!.replace(/\\(.)/g, '$1')) <= 255);
}

const zoneJson = (zone: FakeZone) => ({ id: zone.id, name: zone.name, nameservers: zone.nameservers });

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
