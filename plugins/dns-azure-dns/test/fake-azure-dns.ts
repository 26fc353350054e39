/**
 * A local fake of the parts of Azure Resource Manager (Microsoft.Network/dnsZones, api-version 2018-05-01) and of
 * the Microsoft identity platform's client credentials flow that dns.azure-dns uses, on 127.0.0.1 and a random
 * port, written from the documented contract. Not a model of Azure: just enough to hold the plugin to it.
 *
 * - Zones and record sets: https://learn.microsoft.com/rest/api/dns/zones and
 *   https://learn.microsoft.com/rest/api/dns/record-sets — record set JSON `{ id, name, type, etag, properties:
 *   { TTL, fqdn, metadata, ARecords, AAAARecords, CNAMERecord, TXTRecords } }`, lists `{ value, nextLink }`,
 *   `If-Match` / `If-None-Match: *` answered with 412 `PreconditionFailed`.
 * - Errors `{ "error": { "code", "message" } }`: https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors
 * - Throttling 429 with `Retry-After`: https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 * - Tokens: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow (POST
 *   `/{tenant}/oauth2/v2.0/token`, `invalid_client` for a wrong secret) and the tenant's OpenID configuration.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePrincipal {
  tenantId: string;
  secret: string;
  /** `contributor`: DNS Zone Contributor; `reader`: Reader. Default contributor. */
  role?: 'contributor' | 'reader';
}

export interface FakeRecordSet {
  name: string;
  type: string;
  etag: string;
  properties: { TTL: number; fqdn: string; metadata?: Record<string, string>; [records: string]: unknown };
}

export interface FakeZone {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  nameServers: string[];
  recordSets: FakeRecordSet[];
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body?: unknown;
}

export type Fault = { status: 429; retryAfter?: string } | { status: 500 } | { status: 502; html: true };

export interface FakeAzure {
  /** `http://127.0.0.1:port`: the server itself. */
  httpUrl: string;
  /** `https://127.0.0.1:port`: what the plugin is given (the SDK sends tokens over https only); tests' fetch maps it to httpUrl. */
  url: string;
  /** A fetch that delivers `url` requests to the plain-http fake. */
  fetch: typeof globalThis.fetch;
  principals: Map<string, FakePrincipal>;
  zones: FakeZone[];
  requests: FakeRequest[];
  /** Items per page of every list. */
  pageSize: number;
  addZone(subscriptionId: string, resourceGroup: string, name: string): FakeZone;
  zone(name: string): FakeZone;
  failNext(count: number, fault: Fault): void;
  close(): Promise<void>;
}

const RECORD_FIELDS: Record<string, string> = { A: 'ARecords', AAAA: 'AAAARecords', CNAME: 'CNAMERecord', TXT: 'TXTRecords', MX: 'MXRecords' };

export async function startFakeAzure(): Promise<FakeAzure> {
  const principals = new Map<string, FakePrincipal>();
  const zones: FakeZone[] = [];
  const requests: FakeRequest[] = [];
  const faults: Fault[] = [];
  const tokens = new Map<string, { clientId: string; expires: number }>();
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': randomBytes(8).toString('hex'), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => send(res, status, { error: { code, message } }, headers);
  const etag = () => `"${randomBytes(8).toString('hex')}"`;

  const zoneId = (z: FakeZone) => `/subscriptions/${z.subscriptionId}/resourceGroups/${z.resourceGroup}/providers/Microsoft.Network/dnszones/${z.name}`;
  const zoneJson = (z: FakeZone) => ({ id: zoneId(z), name: z.name, type: 'Microsoft.Network/dnszones', location: 'global', etag: '"00000000-0000-0000-0000-000000000000"', properties: { maxNumberOfRecordSets: 10000, numberOfRecordSets: z.recordSets.length, nameServers: z.nameServers, zoneType: 'Public' } });
  const rsJson = (z: FakeZone, rs: FakeRecordSet) => ({ id: `${zoneId(z)}/${rs.type}/${rs.name}`, name: rs.name, type: `Microsoft.Network/dnszones/${rs.type}`, etag: rs.etag, properties: { ...rs.properties, provisioningState: 'Succeeded' } });

  const page = <T>(res: ServerResponse, url: URL, items: T[]) => {
    const skip = Number(url.searchParams.get('$skipToken') ?? 0);
    const size = Math.min(fake.pageSize, Number(url.searchParams.get('$top') ?? fake.pageSize));
    const next = new URL(url.pathname, base.replace('http://', 'https://'));
    url.searchParams.forEach((v, k) => next.searchParams.set(k, v));
    next.searchParams.set('$skipToken', String(skip + size));
    return send(res, 200, { value: items.slice(skip, skip + size), ...(skip + size < items.length ? { nextLink: next.href } : {}) });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const json = req.headers['content-type']?.includes('json') && text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: json ?? (text || undefined) });

    // Microsoft identity platform: the tenant's OpenID configuration and the token endpoint.
    const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (oidc) {
      const tenant = oidc[1]!;
      const https = base.replace('http://', 'https://');
      return send(res, 200, {
        token_endpoint: `${https}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${https}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${https}/${tenant}/oauth2/v2.0/logout`,
        issuer: `${https}/${tenant}/v2.0`,
        jwks_uri: `${https}/${tenant}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      });
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && req.method === 'POST') {
      const form = new URLSearchParams(text);
      const principal = principals.get(form.get('client_id') ?? '');
      if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: unsupported grant type' });
      if (!principal || principal.tenantId !== token[1]) {
        return send(res, 400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory '${token[1]}'.` });
      }
      if (form.get('client_secret') !== principal.secret) return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
      const access = randomBytes(24).toString('base64url');
      tokens.set(access, { clientId: form.get('client_id')!, expires: Date.now() + 3_600_000 });
      return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access });
    }

    const fault = faults.shift();
    if (fault?.status === 429) return fail(res, 429, 'TooManyRequests', 'The request is being throttled.', fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    if (fault?.status === 500) return fail(res, 500, 'InternalServerError', 'Encountered internal server error.');
    if (fault?.status === 502) {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      return void res.end('<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>');
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const session = bearer ? tokens.get(bearer) : undefined;
    if (!session || session.expires < Date.now()) return fail(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    const principal = principals.get(session.clientId)!;
    if (url.searchParams.get('api-version') !== '2018-05-01') return fail(res, 400, 'InvalidApiVersionParameter', `The api-version '${url.searchParams.get('api-version')}' is invalid.`);

    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/dns[zZ]ones(?:\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?)?$/.exec(url.pathname);
    if (!m) return fail(res, 404, 'NotFound', 'Not found');
    const [, sub, rg, zoneName, kind, relative] = m.map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
    if (!zoneName) return page(res, url, zones.filter((z) => z.subscriptionId === sub && z.resourceGroup.toLowerCase() === rg!.toLowerCase()).map(zoneJson));
    const zone = zones.find((z) => z.subscriptionId === sub && z.resourceGroup.toLowerCase() === rg!.toLowerCase() && z.name === zoneName!.toLowerCase());
    if (!zone) return fail(res, 404, 'ResourceNotFound', `The Resource 'Microsoft.Network/dnszones/${zoneName}' under resource group '${rg}' was not found.`);
    if (!kind) return send(res, 200, zoneJson(zone));
    if ((kind === 'all' || kind === 'recordsets') && !relative) return page(res, url, zone.recordSets.map((rs) => rsJson(zone, rs)));
    if (!relative || !RECORD_FIELDS[kind]) return fail(res, 400, 'BadRequest', `The record type '${kind}' is not supported.`);

    const name = relative.toLowerCase();
    const index = zone.recordSets.findIndex((rs) => rs.name === name && rs.type === kind);
    const existing = index >= 0 ? zone.recordSets[index] : undefined;
    if (req.method === 'GET') return existing ? send(res, 200, rsJson(zone, existing)) : fail(res, 404, 'NotFound', `The resource record '${name}' does not exist in resource group '${rg}' of subscription '${sub}'.`);
    if (principal.role === 'reader') {
      return fail(res, 403, 'AuthorizationFailed', `The client '${session.clientId}' does not have authorization to perform action 'Microsoft.Network/dnszones/${kind}/write' over scope '${zoneId(zone)}/${kind}/${name}'.`);
    }
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifMatch && ifMatch !== '*' && existing?.etag !== ifMatch) return fail(res, 412, 'PreconditionFailed', `The Record set ${name} has been modified (etag mismatch).`);
    if (req.method === 'DELETE') {
      if (!existing) return send(res, 204, undefined);
      zone.recordSets.splice(index, 1);
      return send(res, 200, undefined);
    }
    if (req.method !== 'PUT') return fail(res, 405, 'MethodNotAllowed', 'Method not allowed');
    if (ifNoneMatch === '*' && existing) return fail(res, 412, 'PreconditionFailed', `The Record set ${name} exists already and hence cannot be created again.`);
    const props = ((json ?? {}).properties ?? {}) as Record<string, unknown>;
    const field = RECORD_FIELDS[kind]!;
    const records = props[field];
    if (typeof props.TTL !== 'number' || records === undefined) return fail(res, 400, 'BadRequest', `The ${kind} record set needs TTL and ${field}.`);
    if (kind === 'A' && (records as Array<{ ipv4Address?: string }>).some((r) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(r.ipv4Address ?? ''))) return fail(res, 400, 'BadRequest', 'The IPv4 address is invalid.');
    if (kind === 'TXT' && (records as Array<{ value?: string[] }>).some((r) => !r.value?.length || r.value.some((s) => Buffer.byteLength(s) > 255))) return fail(res, 400, 'BadRequest', 'A TXT string is longer than 255 bytes.');
    const others = zone.recordSets.filter((rs) => rs.name === name && rs.type !== kind);
    if ((kind === 'CNAME' && others.length > 0) || others.some((rs) => rs.type === 'CNAME')) return fail(res, 409, 'Conflict', `The CNAME record set ${name} conflicts with another record set.`);
    const fqdn = name === '@' ? `${zone.name}.` : `${name}.${zone.name}.`;
    const metadata = props.metadata as Record<string, string> | undefined;
    const stored: FakeRecordSet = { name, type: kind, etag: etag(), properties: { TTL: props.TTL, fqdn, ...(metadata ? { metadata } : {}), [field]: records } };
    if (existing) zone.recordSets[index] = stored;
    else zone.recordSets.push(stored);
    return send(res, existing ? 200 : 201, rsJson(zone, stored));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, 'InternalServerError', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const httpsBase = base.replace('http://', 'https://');

  const fake: FakeAzure = {
    httpUrl: base,
    url: httpsBase,
    fetch: (input, init) => {
      const target = input instanceof Request ? input.url : String(input);
      return globalThis.fetch(target.startsWith(httpsBase) ? base + target.slice(httpsBase.length) : target, init);
    },
    principals,
    zones,
    requests,
    pageSize: 3,
    addZone(subscriptionId, resourceGroup, name) {
      const zone: FakeZone = { subscriptionId, resourceGroup, name: name.toLowerCase(), nameServers: ['ns1-01.azure-dns.com.', 'ns2-01.azure-dns.net.', 'ns3-01.azure-dns.org.', 'ns4-01.azure-dns.info.'], recordSets: [] };
      zones.push(zone);
      return zone;
    },
    zone(name) {
      const zone = zones.find((z) => z.name === name.toLowerCase());
      if (!zone) throw new Error(`fake Azure: no zone ${name}`);
      return zone;
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
  return fake;
}
