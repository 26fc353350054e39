/**
 * A Namecheap DNS client over the Namecheap XML API (https://www.namecheap.com/support/api/intro/), in Portico's
 * record set form. Namecheap publishes no JavaScript SDK; this sends the documented commands with `fetch` and reads
 * the XML answers with `fast-xml-parser`. It knows nothing of the kernel beyond its types and error kinds.
 *
 * Commands: `namecheap.domains.getList` (paged), `namecheap.domains.dns.getList` (nameservers),
 * `namecheap.domains.dns.getHosts` and `namecheap.domains.dns.setHosts`. setHosts replaces the domain's whole host
 * list ("All host records that are not included into the API call will be deleted"), so every write reads the list,
 * changes the record sets asked for, and sends the list back whole, other records (MX, URL, CAA…) included.
 * Every command is a POST (form body), so the API key is never in a URL; each is bounded by `timeoutMs`.
 */
import type { ProviderChange, ProviderRecordSet, RecordType } from '@portico/kernel';
import { XMLParser } from 'fast-xml-parser';
import { errorFromApi, errorFromStatus, NamecheapDnsError } from './errors.ts';

export { NamecheapDnsError, kindOfNumber, parseRetryAfter } from './errors.ts';

export const NAMECHEAP_API_URL = 'https://api.namecheap.com/xml.response';
export const NAMECHEAP_SANDBOX_URL = 'https://api.sandbox.namecheap.com/xml.response';
const TYPES: readonly RecordType[] = ['A', 'AAAA', 'CNAME', 'TXT'];
/** setHosts accepts TTLs from 60 to 60000 s. */
export const NAMECHEAP_MIN_TTL = 60;
export const NAMECHEAP_MAX_TTL = 60_000;
const MAX_PAGES = 10_000;

export interface NamecheapClientOptions {
  apiUser: string;
  /** Never part of a URL, a message or a log line. */
  apiKey: string;
  /** The account the commands act on; default `apiUser`. */
  userName?: string;
  /** The IPv4 address Portico calls from, whitelisted in the account's API settings. */
  clientIp: string;
  /** Default `https://api.namecheap.com/xml.response`. */
  baseURL?: string;
  /** Longest wait for one request. Default 15000. */
  timeoutMs?: number;
  /** Domains per page of `namecheap.domains.getList` (10 to 100). Default 100. */
  pageSize?: number;
  fetch?: typeof globalThis.fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** A host as getHosts returns it (`Name` relative, `@` for the apex). */
export interface NamecheapHost {
  Name: string;
  Type: string;
  Address: string;
  MXPref?: string;
  TTL?: string;
}

export interface NamecheapZone {
  name: string;
  nameservers: string[];
}

export interface NamecheapDnsClient {
  listZones(options?: CallOptions): Promise<string[]>;
  getZone(zone: string, options?: CallOptions): Promise<NamecheapZone>;
  getHosts(zone: string, options?: CallOptions): Promise<{ emailType?: string; hosts: NamecheapHost[] }>;
  getRecordSets(zone: string, options?: CallOptions): Promise<ProviderRecordSet[]>;
  /** One getHosts and one setHosts: every change lands together or none does. */
  applyChanges(zone: string, changes: readonly Pick<ProviderChange, 'action' | 'set'>[], options?: CallOptions): Promise<void>;
}

export const normalName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** Namecheap addresses a domain as SLD and TLD: `shop.co.uk` → `shop`, `co.uk`. */
export function splitDomain(zone: string): { SLD: string; TLD: string } {
  const name = normalName(zone);
  const dot = name.indexOf('.');
  if (dot <= 0) throw new NamecheapDnsError('validation', `${name} is not a domain name`);
  return { SLD: name.slice(0, dot), TLD: name.slice(dot + 1) };
}

export function toRelative(name: string, zone: string): string {
  const n = normalName(name);
  const z = normalName(zone);
  if (n === z) return '@';
  if (!n.endsWith(`.${z}`)) throw new NamecheapDnsError('validation', `${n} is not inside the zone ${z}`);
  return n.slice(0, -(z.length + 1));
}

export const fromRelative = (name: string, zone: string): string => {
  const n = normalName(name);
  return n === '@' || n === '' ? normalName(zone) : `${n}.${normalName(zone)}`;
};

/** Namecheap returns CNAME targets with a trailing dot; Portico's form has none. */
export function fromAddress(type: RecordType, address: string): string {
  if (type === 'CNAME') return normalName(address);
  if (type === 'AAAA') return address.toLowerCase();
  return address;
}

export const toNamecheapTtl = (ttl: number): number => Math.min(NAMECHEAP_MAX_TTL, Math.max(NAMECHEAP_MIN_TTL, Math.round(ttl)));

const ARRAYS = new Set(['Error', 'Host', 'Domain', 'Nameserver']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;
const nodes = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'object' && value !== null ? String((value as Node)['#text'] ?? '') : '');

export function createNamecheapClient(options: NamecheapClientOptions): NamecheapDnsClient {
  const baseURL = options.baseURL ?? NAMECHEAP_API_URL;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pageSize = Math.min(100, Math.max(10, options.pageSize ?? 100));
  const doFetch = options.fetch ?? globalThis.fetch;

  /** One command: the `CommandResponse` element of an `OK` answer. */
  async function command(what: string, name: string, params: Record<string, string>, signal?: AbortSignal): Promise<Node> {
    const body = new URLSearchParams({ ApiUser: options.apiUser, ApiKey: options.apiKey, UserName: options.userName ?? options.apiUser, ClientIp: options.clientIp, Command: name, ...params });
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let xml: string;
    try {
      response = await doFetch(baseURL, { method: 'POST', body, headers: { accept: 'application/xml' }, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      xml = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new NamecheapDnsError('transient', `Namecheap ${what}: no answer in ${timeoutMs} ms`);
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new NamecheapDnsError('transient', `Namecheap ${what}: could not reach the API: ${cause}`);
    }
    if (!response.ok) throw errorFromStatus(what, response.status, response.statusText, response.headers);
    let root: Node | undefined;
    try {
      root = (parser.parse(xml) as Node).ApiResponse as Node | undefined;
    } catch {
      root = undefined;
    }
    if (!root || typeof root !== 'object') throw new NamecheapDnsError('transient', `Namecheap ${what}: the answer is not an ApiResponse`, { status: response.status });
    if (root.Status !== 'OK') {
      const [first] = nodes((root.Errors as Node | undefined)?.Error);
      if (!first) throw new NamecheapDnsError('transient', `Namecheap ${what}: Status ${String(root.Status)} without an error`);
      throw errorFromApi(what, String(first.Number ?? ''), text(first));
    }
    return (root.CommandResponse as Node | undefined) ?? {};
  }

  async function getHosts(zone: string, { signal }: CallOptions = {}) {
    const result = (await command('read the host records', 'namecheap.domains.dns.getHosts', splitDomain(zone), signal)).DomainDNSGetHostsResult as Node | undefined;
    if (!result) throw new NamecheapDnsError('transient', 'Namecheap read the host records: no DomainDNSGetHostsResult');
    const hosts = nodes(result.Host).map((h) => ({ Name: String(h.Name ?? ''), Type: String(h.Type ?? '').toUpperCase(), Address: String(h.Address ?? ''), MXPref: h.MXPref as string | undefined, TTL: h.TTL as string | undefined }));
    return { emailType: (result.EmailType as string | undefined) || undefined, hosts };
  }

  return {
    async listZones({ signal } = {}) {
      const names: string[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const answer = await command('list domains', 'namecheap.domains.getList', { Page: String(page), PageSize: String(pageSize) }, signal);
        const domains = nodes((answer.DomainGetListResult as Node | undefined)?.Domain);
        names.push(...domains.map((d) => normalName(String(d.Name ?? ''))));
        const total = Number(text((answer.Paging as Node | undefined)?.TotalItems));
        if (domains.length === 0 || !(page * pageSize < total)) return names;
      }
      throw new NamecheapDnsError('transient', `Namecheap list domains: more than ${MAX_PAGES} pages`);
    },

    async getZone(zone, { signal } = {}) {
      const name = normalName(zone);
      const result = (await command('read the nameservers', 'namecheap.domains.dns.getList', splitDomain(name), signal)).DomainDNSGetListResult as Node | undefined;
      if (!result) throw new NamecheapDnsError('transient', 'Namecheap read the nameservers: no DomainDNSGetListResult');
      if (String(result.IsUsingOurDNS).toLowerCase() !== 'true') {
        throw new NamecheapDnsError('not_found', `Namecheap does not serve the DNS of ${name}: the domain uses other nameservers`);
      }
      return { name, nameservers: nodes(result.Nameserver).map((ns) => normalName(text(ns))) };
    },

    getHosts,

    async getRecordSets(zone, { signal } = {}) {
      const sets = new Map<string, ProviderRecordSet>();
      for (const host of (await getHosts(zone, { signal })).hosts) {
        const type = host.Type as RecordType;
        if (!TYPES.includes(type)) continue;
        const name = fromRelative(host.Name, zone);
        const key = `${name} ${type}`;
        const set = sets.get(key) ?? { name, type, ttl: Number(host.TTL ?? 1800), values: [] };
        set.values.push(fromAddress(type, host.Address));
        sets.set(key, set);
      }
      return [...sets.values()];
    },

    async applyChanges(zone, changes, { signal } = {}) {
      if (changes.length === 0) return;
      const { emailType, hosts } = await getHosts(zone, { signal });
      const touched = new Set(changes.map(({ set }) => `${toRelative(set.name, zone)} ${set.type}`));
      const kept = hosts.filter((h) => !touched.has(`${normalName(h.Name) || '@'} ${h.Type}`));
      const written = changes.flatMap(({ action, set }) =>
        action === 'delete' ? [] : set.values.map((value) => ({ Name: toRelative(set.name, zone), Type: set.type, Address: value, TTL: String(toNamecheapTtl(set.ttl)) })),
      );
      const params: Record<string, string> = { ...splitDomain(zone), ...(emailType ? { EmailType: emailType } : {}) };
      [...kept, ...written].forEach((host: NamecheapHost, i) => {
        const n = i + 1;
        params[`HostName${n}`] = host.Name;
        params[`RecordType${n}`] = host.Type;
        params[`Address${n}`] = host.Address;
        if (host.MXPref !== undefined) params[`MXPref${n}`] = host.MXPref;
        if (host.TTL !== undefined) params[`TTL${n}`] = host.TTL;
      });
      const result = (await command('write the host records', 'namecheap.domains.dns.setHosts', params, signal)).DomainDNSSetHostsResult as Node | undefined;
      if (String(result?.IsSuccess).toLowerCase() !== 'true') throw new NamecheapDnsError('transient', 'Namecheap write the host records: IsSuccess is not true');
    },
  };
}
