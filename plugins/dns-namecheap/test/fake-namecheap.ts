/**
 * A fake of the Namecheap XML API on 127.0.0.1, written from its documentation:
 * - Global parameters (ApiUser, ApiKey, UserName, ClientIp, Command) and global error numbers:
 *   https://www.namecheap.com/support/api/global-parameters/
 * - namecheap.domains.getList (Page, PageSize 10–100; `<Paging><TotalItems>`): https://www.namecheap.com/support/api/methods/domains/get-list/
 * - namecheap.domains.dns.getList (IsUsingOurDNS, `<Nameserver>`): https://www.namecheap.com/support/api/methods/domains-dns/get-list/
 * - namecheap.domains.dns.getHosts (`<Host HostId Name Type Address MXPref TTL>`, EmailType; 2019166 domain not
 *   found, 2030288 not using Namecheap DNS): https://www.namecheap.com/support/api/methods/domains-dns/get-hosts/
 * - namecheap.domains.dns.setHosts (HostName1…n, RecordType, Address, MXPref, TTL 60–60000, EmailType; every host
 *   not sent is deleted; POST for many hosts): https://www.namecheap.com/support/api/methods/domains-dns/set-hosts/
 * Errors come as HTTP 200 with `<ApiResponse Status="ERROR"><Errors><Error Number="…">`. Namecheap documents rate
 * limits (20/min, 700/h, 8000/day) but not their answer: the fake's throttling (an HTTP 429 with Retry-After, or a
 * "Too many requests" error) is an assumption, switched on only by tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';

export interface FakeHost {
  HostId: number;
  Name: string;
  Type: string;
  Address: string;
  MXPref: string;
  TTL: string;
}

export interface FakeDomain {
  name: string;
  usingOurDns: boolean;
  emailType: string;
  hosts: FakeHost[];
}

export interface FakeUser {
  apiKey: string;
  /** Whitelisted ClientIp values. */
  ips: string[];
  /** Domain names of this account; undefined: all. */
  domains?: string[];
}

export type Fault = { status: 429; retryAfter?: string } | { error: string; text: string } | { status: 502; html: true };

export interface FakeNamecheap {
  url: string;
  users: Map<string, FakeUser>;
  addDomain(name: string, init?: Partial<Omit<FakeDomain, 'name'>>): FakeDomain;
  domain(name: string): FakeDomain;
  failNext(count: number, fault: Fault): void;
  /** Every request: the command and its parameters. */
  requests: Array<{ method: string; command: string; params: URLSearchParams }>;
  close(): Promise<void>;
}

class ApiFailure extends Error {
  readonly number: string;
  constructor(number: string, message: string) {
    super(message);
    this.number = number;
  }
}

const esc = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const attrs = (values: Record<string, string | number | boolean>): string => Object.entries(values).map(([k, v]) => ` ${k}="${esc(String(v))}"`).join('');

const envelope = (command: string, status: 'OK' | 'ERROR', inner: string): string =>
  `<?xml version="1.0" encoding="utf-8"?>\n<ApiResponse Status="${status}" xmlns="http://api.namecheap.com/xml.response">` +
  (status === 'OK' ? '<Errors />' : inner) +
  `<Warnings /><RequestedCommand>${esc(command)}</RequestedCommand>` +
  (status === 'OK' ? `<CommandResponse Type="${esc(command)}">${inner}</CommandResponse>` : '') +
  '<Server>FAKE</Server><GMTTimeDifference>--5:00</GMTTimeDifference><ExecutionTime>0.01</ExecutionTime></ApiResponse>';

export async function startFakeNamecheap(): Promise<FakeNamecheap> {
  const users = new Map<string, FakeUser>();
  const domains = new Map<string, FakeDomain>();
  const faults: Fault[] = [];
  const requests: FakeNamecheap['requests'] = [];
  let nextHost = 1;

  const authenticate = (p: URLSearchParams): FakeUser => {
    const apiUser = p.get('ApiUser');
    if (!apiUser) throw new ApiFailure('1010101', 'Parameter APIUser is missing');
    if (!p.get('ApiKey')) throw new ApiFailure('1010102', 'Parameter APIKey is missing');
    if (!p.get('ClientIp')) throw new ApiFailure('1010105', 'Parameter ClientIP is missing');
    const user = users.get(apiUser);
    if (!user || user.apiKey !== p.get('ApiKey')) throw new ApiFailure('1011102', 'API Key is invalid or API access has not been enabled');
    if (!user.ips.includes(p.get('ClientIp')!)) throw new ApiFailure('1011150', `Invalid request IP: ${p.get('ClientIp')}`);
    if (p.get('UserName') && p.get('UserName') !== apiUser) throw new ApiFailure('1016103', 'Parameter UserName is unauthorized');
    return user;
  };

  const domainOf = (user: FakeUser, p: URLSearchParams): FakeDomain => {
    const name = `${p.get('SLD') ?? ''}.${p.get('TLD') ?? ''}`.toLowerCase();
    const domain = domains.get(name);
    if (!domain) throw new ApiFailure('2019166', 'Domain not found');
    if (user.domains && !user.domains.includes(name)) throw new ApiFailure('2016166', 'Domain is not associated with your account');
    return domain;
  };

  function run(command: string, p: URLSearchParams): string {
    const user = authenticate(p);
    if (command === 'namecheap.domains.getList') {
      const page = Number(p.get('Page') ?? 1);
      const size = Number(p.get('PageSize') ?? 20);
      if (!(size >= 10 && size <= 100)) throw new ApiFailure('2011170', 'PageSize should be between 10 and 100');
      const names = [...domains.keys()].filter((n) => !user.domains || user.domains.includes(n)).sort();
      const items = names.slice((page - 1) * size, page * size).map((n) => `<Domain${attrs({ ID: 1, Name: n, User: 'fake', IsExpired: false, IsLocked: false, AutoRenew: false, IsOurDNS: domains.get(n)!.usingOurDns })} />`);
      return `<DomainGetListResult>${items.join('')}</DomainGetListResult><Paging><TotalItems>${names.length}</TotalItems><CurrentPage>${page}</CurrentPage><PageSize>${size}</PageSize></Paging>`;
    }
    const domain = domainOf(user, p);
    if (command === 'namecheap.domains.dns.getList') {
      const ns = domain.usingOurDns ? ['dns1.registrar-servers.com', 'dns2.registrar-servers.com'] : ['ns1.elsewhere.example', 'ns2.elsewhere.example'];
      return `<DomainDNSGetListResult${attrs({ Domain: domain.name, IsUsingOurDNS: domain.usingOurDns, IsPremiumDNS: false, IsUsingFreeDNS: false })}>${ns.map((n) => `<Nameserver>${n}</Nameserver>`).join('')}</DomainDNSGetListResult>`;
    }
    if (!domain.usingOurDns) throw new ApiFailure('2030288', 'Cannot complete this command as this domain is not using proper DNS servers');
    if (command === 'namecheap.domains.dns.getHosts') {
      const hosts = domain.hosts.map((h) => `<Host${attrs({ HostId: h.HostId, Name: h.Name, Type: h.Type, Address: h.Type === 'CNAME' ? `${h.Address}.` : h.Address, MXPref: h.MXPref, TTL: h.TTL, AssociatedAppTitle: '', FriendlyName: '', IsActive: true, IsDDNSEnabled: false })} />`);
      return `<DomainDNSGetHostsResult${attrs({ Domain: domain.name, EmailType: domain.emailType, IsUsingOurDNS: true })}>${hosts.join('')}</DomainDNSGetHostsResult>`;
    }
    if (command === 'namecheap.domains.dns.setHosts') {
      const hosts: FakeHost[] = [];
      for (let i = 1; p.has(`HostName${i}`); i++) {
        const [Name, Type, Address, TTL] = [p.get(`HostName${i}`)!.toLowerCase(), (p.get(`RecordType${i}`) ?? '').toUpperCase(), p.get(`Address${i}`) ?? '', p.get(`TTL${i}`) ?? '1800'];
        if (!['A', 'AAAA', 'ALIAS', 'CAA', 'CNAME', 'MX', 'MXE', 'NS', 'TXT', 'URL', 'URL301', 'FRAME'].includes(Type)) throw new ApiFailure('2050900', `Invalid RecordType${i}`);
        if ((Type === 'A' && !isIPv4(Address)) || (Type === 'AAAA' && !isIPv6(Address)) || Address === '') throw new ApiFailure('2050900', `Invalid Address${i}`);
        if (!(Number(TTL) >= 60 && Number(TTL) <= 60_000)) throw new ApiFailure('2050900', `TTL${i} should be between 60 and 60000`);
        hosts.push({ HostId: nextHost++, Name, Type, Address: Type === 'CNAME' ? Address.replace(/\.$/, '') : Address, MXPref: p.get(`MXPref${i}`) ?? '10', TTL });
      }
      const clash = hosts.find((h) => h.Type === 'CNAME' && hosts.some((o) => o !== h && o.Name === h.Name));
      if (clash) throw new ApiFailure('2050900', `CNAME record ${clash.Name} cannot share its host name with other records`);
      domain.hosts = hosts;
      domain.emailType = p.get('EmailType') ?? (hosts.some((h) => h.Type === 'MX') ? 'MX' : 'NONE');
      return `<DomainDNSSetHostsResult${attrs({ Domain: domain.name, IsSuccess: true })}><Warnings /></DomainDNSSetHostsResult>`;
    }
    throw new ApiFailure('1010104', 'Parameter Command is missing or unknown');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')) : url.searchParams;
    const command = params.get('Command') ?? '';
    requests.push({ method: req.method ?? 'GET', command, params });
    const xml = (body: string) => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(body);
    const fault = faults.shift();
    if (fault && 'html' in fault) return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html><head><title>502 Bad Gateway</title></head></html>');
    if (fault && 'status' in fault) return void res.writeHead(429, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}).end('Too Many Requests');
    if (fault) return void xml(envelope(command, 'ERROR', `<Errors><Error Number="${fault.error}">${esc(fault.text)}</Error></Errors>`));
    if (url.pathname !== '/xml.response') return void res.writeHead(404).end();
    try {
      xml(envelope(command, 'OK', run(command, params)));
    } catch (error) {
      const failure = error instanceof ApiFailure ? error : new ApiFailure('5050900', String(error));
      xml(envelope(command, 'ERROR', `<Errors><Error Number="${failure.number}">${esc(failure.message)}</Error></Errors>`));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/xml.response`,
    users,
    addDomain(name, init = {}) {
      const domain: FakeDomain = { name, usingOurDns: true, emailType: 'NONE', hosts: [], ...init };
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
