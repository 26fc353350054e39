import { randomInt } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';

/** One DNS server: an IP address and a port; `label` is how evidence and messages name it (`192.0.2.53:53`). */
export interface Server {
  host: string;
  port: number;
  label: string;
}

/** What one exchange with one server gave: a well-formed reply (any rcode, any flags) or a failure code. */
export type WireReply = { kind: 'reply'; packet: DecodedPacket; transport: 'udp' | 'tcp' } | { kind: 'failure'; code: string; message: string };

export interface ExchangeOptions {
  /** Per-try timeout in milliseconds (UDP), and the timeout of the TCP retry after a truncated answer. */
  timeoutMs: number;
  /** UDP attempts before giving up with ETIMEOUT. */
  tries: number;
  /** Set RD: ask a resolver to recurse. Authoritative questions leave it clear. */
  recursionDesired: boolean;
  signal?: AbortSignal;
}

/** The EDNS payload size recommended since DNS flag day 2020: fits one unfragmented datagram on any path. */
const EDNS_PAYLOAD = 1232;
const MAX_TCP_MESSAGE = 65_535;

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

/** The reply's response code by name (`NOERROR`, `NXDOMAIN`, `REFUSED`, …; `RCODE<n>` for others). */
export function rcodeOf(packet: DecodedPacket): string {
  const code = (packet.flags ?? 0) & 0xf;
  return RCODES[code] ?? `RCODE${code}`;
}

/** `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`, `[2001:db8::53]:5353` → a server; throws a TypeError otherwise. */
export function parseServer(text: string, defaultPort = 53): Server {
  const value = String(text).trim();
  let host = value;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  const withPort = /^([^:]+):(\d+)$/.exec(value);
  if (bracketed) {
    host = bracketed[1];
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (withPort) {
    host = withPort[1];
    port = Number(withPort[2]);
  }
  if (isIP(host) === 0) throw new TypeError(`"${text}" is not an IP address with an optional port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)`);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new TypeError(`"${text}" has an invalid port`);
  return { host, port, label: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}` };
}

/**
 * Asks one server one question over UDP (with EDNS), retrying `tries` times on silence, and over TCP when the UDP
 * answer is truncated. A server that rejects EDNS (FORMERR, NOTIMP) is asked again without it. Never rejects:
 * timeouts, refused connections and garbage are failures with a code (`ETIMEOUT`, `ECONNREFUSED`, `EBADRESP`,
 * `ECANCELLED`, …). Replies are matched on id and question, so a stray datagram is ignored.
 */
export async function exchange(server: Server, name: string, type: RecordType, options: ExchangeOptions): Promise<WireReply> {
  const { tries, signal } = options;
  let edns = true;
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (signal?.aborted) return cancelled(name, type);
    const id = randomInt(0, 65_536);
    let query: Buffer;
    try {
      query = encodeQuery(id, name, type, options.recursionDesired, edns);
    } catch (error) {
      return { kind: 'failure', code: 'EBADNAME', message: `"${name}" cannot be asked: ${error instanceof Error ? error.message : String(error)}` };
    }
    const reply = await overUdp(server, query, id, name, type, options);
    if (reply === 'timeout') continue;
    if (reply.kind === 'failure') return reply;
    if (edns && (rcodeOf(reply.packet) === 'FORMERR' || rcodeOf(reply.packet) === 'NOTIMP')) {
      edns = false;
      attempt--;
      continue;
    }
    if (!reply.packet.flag_tc) return reply;
    const tcp = await overTcp(server, query, id, name, type, options);
    return tcp === 'timeout' ? { kind: 'failure', code: 'ETIMEOUT', message: `no TCP answer within ${options.timeoutMs} ms after a truncated UDP answer` } : tcp;
  }
  if (signal?.aborted) return cancelled(name, type);
  return { kind: 'failure', code: 'ETIMEOUT', message: `no answer after ${tries} ${tries === 1 ? 'try' : 'tries'} of ${options.timeoutMs} ms` };
}

function cancelled(name: string, type: string): WireReply {
  return { kind: 'failure', code: 'ECANCELLED', message: `DNS query for ${name} ${type} was cancelled` };
}

function encodeQuery(id: number, name: string, type: RecordType, recursionDesired: boolean, edns: boolean): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type, name, class: 'IN' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [],
  });
}

/** The reply in `message` if it answers our question; undefined for a datagram that is not ours. */
function match(message: Buffer, id: number, name: string, type: RecordType): DecodedPacket | 'garbage' | undefined {
  if (message.length < 12 || message.readUInt16BE(0) !== id) return undefined;
  let packet: DecodedPacket;
  try {
    packet = dnsPacket.decode(message);
  } catch {
    return 'garbage';
  }
  if (!packet.flag_qr) return undefined;
  const question = packet.questions?.[0];
  // Error replies (FORMERR, REFUSED from some servers) may come without the question section.
  if (question && (question.name.toLowerCase() !== name.toLowerCase() || question.type !== type)) return undefined;
  return packet;
}

function thrown(error: unknown): WireReply {
  return { kind: 'failure', code: errorCode(error), message: error instanceof Error ? error.message : String(error) };
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ESOCKET';
}

/** Runs `body` with a timer and the abort signal wired to `finish`; everything is cleaned up once it settles. */
function bounded<T>(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onCancel: T,
  onThrow: (error: unknown) => T,
  body: (finish: (value: T | 'timeout') => void) => () => void,
): Promise<T | 'timeout'> {
  return new Promise((resolve) => {
    let done = false;
    let cleanup = () => {};
    const finish = (value: T | 'timeout') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      cleanup();
      resolve(value);
    };
    const abort = () => finish(onCancel);
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      cleanup = body(finish);
    } catch (error) {
      // A socket that cannot even be created or used: a failure of this exchange like any other.
      finish(onThrow(error));
    }
    if (done) cleanup();
  });
}

function overUdp(server: Server, query: Buffer, id: number, name: string, type: RecordType, options: ExchangeOptions): Promise<WireReply | 'timeout'> {
  return bounded<WireReply>(options.timeoutMs, options.signal, cancelled(name, type), thrown, (finish) => {
    const socket: UdpSocket = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
    socket.on('error', (error) => finish({ kind: 'failure', code: errorCode(error), message: error.message }));
    socket.on('message', (message) => {
      const packet = match(message, id, name, type);
      if (packet === 'garbage') finish({ kind: 'failure', code: 'EBADRESP', message: 'an answer that does not decode' });
      else if (packet) finish({ kind: 'reply', packet, transport: 'udp' });
    });
    // A connected socket hears ICMP port-unreachable, so a stopped server is ECONNREFUSED rather than a timeout.
    socket.connect(server.port, server.host, (...args: unknown[]) => {
      if (args[0]) return finish(thrown(args[0]));
      socket.send(query, (error) => error && finish(thrown(error)));
    });
    return () => {
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
  });
}

function overTcp(server: Server, query: Buffer, id: number, name: string, type: RecordType, options: ExchangeOptions): Promise<WireReply | 'timeout'> {
  return bounded<WireReply>(options.timeoutMs, options.signal, cancelled(name, type), thrown, (finish) => {
    const socket: Socket = connect({ host: server.host, port: server.port });
    let buffered = Buffer.alloc(0);
    socket.on('error', (error) => finish({ kind: 'failure', code: errorCode(error), message: `TCP: ${error.message}` }));
    socket.on('connect', () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      socket.write(Buffer.concat([prefix, query]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const length = buffered.readUInt16BE(0);
        const packet = match(buffered.subarray(2, 2 + length), id, name, type);
        buffered = buffered.subarray(2 + length);
        if (packet === 'garbage') return finish({ kind: 'failure', code: 'EBADRESP', message: 'TCP: an answer that does not decode' });
        if (packet) return finish({ kind: 'reply', packet, transport: 'tcp' });
      }
      if (buffered.length > MAX_TCP_MESSAGE + 2) finish({ kind: 'failure', code: 'EBADRESP', message: 'TCP: oversized answer' });
    });
    socket.on('end', () => finish({ kind: 'failure', code: 'ECONNRESET', message: 'TCP: closed without an answer' }));
    return () => socket.destroy();
  });
}
