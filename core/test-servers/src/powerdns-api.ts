import { quoteTxt as quoteZoneTxt } from './txt.ts';
/**
 * The few PowerDNS HTTP API calls tests need (zones POST, rrsets PATCH), through fetch. Knows nothing of how
 * the server was started.
 */

export interface RecordSet {
  /** Full name (`www.example.test`), a name relative to the zone (`www`) or `@` for the apex. */
  name: string;
  /** Record type: `A`, `AAAA`, `CNAME`, `TXT`, `NS`, `MX`, … */
  type: string;
  /** Seconds. Default 60. */
  ttl?: number;
  /** Values in presentation form; TXT values unquoted, host names with or without the trailing dot. */
  values: string[];
}

export interface PowerDnsApi {
  /** Creates a Native zone with a SOA and the given NS hostnames (default `ns1.<zone>`). */
  createZone(name: string, options?: { nameservers?: string[] }): Promise<void>;
  /** Replaces the record set `name`/`type` of `zone` (creates it when missing). */
  setRecords(zone: string, records: RecordSet): Promise<void>;
  /** Deletes the record set `name`/`type` of `zone`. */
  deleteRecords(zone: string, name: string, type: string): Promise<void>;
}

const HOST_TYPES = new Set(['CNAME', 'NS', 'PTR', 'DNAME', 'ALIAS']);

export function createPowerDnsApi(apiUrl: string, apiKey: string): PowerDnsApi {
  const base = `${apiUrl}/api/v1/servers/localhost`;

  async function call(method: string, path: string, body: unknown): Promise<void> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`PowerDNS API ${method} ${path}: ${response.status} ${await response.text()}`);
  }

  const patch = (zone: string, rrset: Record<string, unknown>) => call('PATCH', `/zones/${fqdn(zone)}`, { rrsets: [rrset] });

  return {
    async createZone(name, { nameservers = [`ns1.${bare(name)}`] } = {}) {
      const zone = fqdn(name);
      await call('POST', '/zones', {
        name: zone,
        kind: 'Native',
        nameservers: nameservers.map(fqdn),
        rrsets: [
          {
            name: zone,
            type: 'SOA',
            ttl: 60,
            records: [{ content: `${fqdn(nameservers[0] ?? `ns1.${zone}`)} hostmaster.${zone} 1 10800 3600 604800 60`, disabled: false }],
          },
        ],
      });
    },
    async setRecords(zone, { name, type, ttl = 60, values }) {
      const upper = type.toUpperCase();
      const records = values.map((value) => ({ content: content(upper, value), disabled: false }));
      await patch(zone, { name: recordName(zone, name), type: upper, ttl, changetype: 'REPLACE', records });
    },
    async deleteRecords(zone, name, type) {
      await patch(zone, { name: recordName(zone, name), type: type.toUpperCase(), changetype: 'DELETE' });
    },
  };
}

function bare(name: string): string {
  return name.replace(/\.$/, '');
}

/** The API wants every name fully qualified, with the trailing dot. */
function fqdn(name: string): string {
  return `${bare(name)}.`;
}

function recordName(zone: string, name: string): string {
  const apex = bare(zone).toLowerCase();
  const lower = bare(name).toLowerCase();
  if (lower === '@' || lower === '') return fqdn(apex);
  return fqdn(lower === apex || lower.endsWith(`.${apex}`) ? lower : `${lower}.${apex}`);
}

function content(type: string, value: string): string {
  if (HOST_TYPES.has(type)) return fqdn(value);
  if (type === 'MX' || type === 'SRV') return value.replace(/(\S+)$/, (host) => fqdn(host));
  if (type === 'TXT' || type === 'SPF') return quoteTxt(value);
  return value;
}

/** TXT content is quoted character-strings of at most 255 bytes each; a value already quoted is kept. */
function quoteTxt(value: string): string {
  return value.startsWith('"') ? value : quoteZoneTxt(value);
}
