// TXT records for the verification benchmark: published in bulk through the PowerDNS HTTP API (one PATCH per
// thousand record sets), and looked up again outside Portico — the reference its verification is compared with.
import { Resolver } from 'node:dns/promises';
import type { DnsLookup } from '@portico/kernel';
import type { PowerDns } from '@portico/test-servers';

export interface TxtRecord {
  name: string;
  value: string;
}

const PATCH_CHUNK = 1000;

/** Publishes every record in `zone` (REPLACE, TTL 60), a thousand record sets per PATCH of the zone. */
export async function publishTxt(pdns: PowerDns, zone: string, records: TxtRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += PATCH_CHUNK) {
    const rrsets = records.slice(i, i + PATCH_CHUNK).map(({ name, value }) => ({
      name: `${name}.`,
      type: 'TXT',
      ttl: 60,
      changetype: 'REPLACE',
      records: [{ content: JSON.stringify(value), disabled: false }],
    }));
    const response = await fetch(`${pdns.apiUrl}/api/v1/servers/localhost/zones/${zone}.`, {
      method: 'PATCH',
      headers: { 'X-API-Key': pdns.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ rrsets }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`PowerDNS PATCH ${zone}: ${response.status} ${await response.text()}`);
  }
}

/** Runs `task` over `items` with at most `concurrency` in flight; resolves with the elapsed seconds. */
export async function timedPool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * The least a lookup can cost: node:dns asking the server for each record's TXT once (`timeoutMs`, `tries` as
 * Portico's), checking the value is there. Returns the elapsed seconds; throws on any miss.
 */
export async function resolverLookups(server: string, records: TxtRecord[], concurrency: number, timeoutMs: number, tries: number): Promise<number> {
  const resolver = new Resolver({ timeout: timeoutMs, tries });
  resolver.setServers([server]);
  return timedPool(records, concurrency, async ({ name, value }) => {
    const found = (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    if (!found.includes(value)) throw new Error(`${name}: TXT ${JSON.stringify(found)}, expected ${value}`);
  });
}

/**
 * Portico's own DNS path without the jobs around it: the lookup plugins get (`dns.query`, authoritative mode finds
 * the zone's nameservers and asks them), for each record. Returns the elapsed seconds; throws on any miss.
 */
export async function porticoLookups(dns: DnsLookup, records: TxtRecord[], concurrency: number): Promise<number> {
  return timedPool(records, concurrency, async ({ name, value }) => {
    const answer = await dns.query(name, 'TXT');
    if (answer.status !== 'found' || !answer.values.includes(value)) throw new Error(`${name}: ${JSON.stringify(answer)}, expected ${value}`);
  });
}
