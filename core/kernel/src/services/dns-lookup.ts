import type { DnsAnswer, DnsLookup } from '../services.ts';
import { classifyRecursive, isAskable, normaliseHost } from './interpret.ts';
import { exchange, parseServer, type Server } from './wire.ts';

export { normaliseHost } from './interpret.ts';

export interface DnsLookupOptions {
  /** Servers to ask, as IP addresses with optional port: `192.0.2.53`, `127.0.0.1:5353`, `[2001:db8::53]:53`. */
  servers: string[];
  /** Per-try timeout in milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Attempts per server before giving up. Default 2. */
  tries?: number;
}

export type QueryType = Parameters<DnsLookup['query']>[1];

/** How one question is put to servers that recurse (or are authoritative already). */
export interface AskOptions {
  servers: Server[];
  timeoutMs: number;
  tries: number;
  signal?: AbortSignal;
}

/**
 * Asks `servers` one question (RD set), each in turn until one answers, and reads the reply as a stub resolver
 * does: the records at the end of the CNAME chain in the answer, no AA bit required. Never rejects: every
 * failure becomes `{ status: 'error', code }` (the first server's code when all fail).
 */
export async function answer(name: string, type: QueryType, { servers, timeoutMs, tries, signal }: AskOptions): Promise<DnsAnswer> {
  const qname = normaliseHost(name);
  if (!isAskable(qname)) return { status: 'error', code: 'EBADNAME', message: `"${name}" is not a domain name` };
  const failures: Array<{ code: string; message: string }> = [];
  for (const server of servers) {
    if (signal?.aborted) return { status: 'error', code: 'ECANCELLED', message: `DNS query for ${name} ${type} was cancelled` };
    const reply = await exchange(server, qname, type, { timeoutMs, tries, recursionDesired: true, signal });
    const outcome = reply.kind === 'failure' ? { status: 'error' as const, code: reply.code, message: reply.message } : classifyRecursive(reply.packet, qname, type);
    if (outcome.status === 'found') return { status: 'found', values: outcome.values };
    if (outcome.status === 'nxdomain' || outcome.status === 'nodata') return { status: outcome.status };
    if (outcome.status !== 'error') continue;
    if (outcome.code === 'ECANCELLED') return { status: 'error', code: outcome.code, message: outcome.message };
    failures.push({ code: outcome.code, message: `${server.label} ${outcome.code}: ${outcome.message}` });
  }
  if (failures.length === 0) return { status: 'error', code: 'ENOADDRESS', message: `No server to ask about ${name} ${type}` };
  return { status: 'error', code: failures[0].code, message: `${type} ${qname}: ${failures.map((f) => f.message).join('; ')}` };
}

/**
 * A `DnsLookup` asking the given servers directly (no system resolver, no cache): for the demo and tests, whose
 * servers answer for the names asked. Never rejects: every failure becomes `{ status: 'error', code }`.
 */
export function createDnsLookup({ servers, timeoutMs = 2000, tries = 2 }: DnsLookupOptions): DnsLookup {
  if (!Array.isArray(servers) || servers.length === 0) throw new TypeError('createDnsLookup: servers must list at least one server');
  checkBounds('createDnsLookup', timeoutMs, tries);
  // Fails early on a hostname instead of at the first query.
  const parsed = servers.map((server) => parseServer(server));
  return {
    query: (name, type, { signal } = {}) => answer(name, type, { servers: parsed, timeoutMs, tries, signal }),
  };
}

export function checkBounds(where: string, timeoutMs: number, tries: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError(`${where}: timeoutMs must be a positive whole number of milliseconds`);
  if (!Number.isInteger(tries) || tries < 1 || tries > 10) throw new TypeError(`${where}: tries must be a whole number from 1 to 10`);
}
