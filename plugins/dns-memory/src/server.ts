import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import { normalizeName, type MemoryZones, type ZoneRecord } from './zones.ts';

/** Classic DNS-over-UDP limit; we do not speak EDNS, so larger answers are truncated and retried over TCP. */
const UDP_LIMIT = 512;
const TCP_IDLE_MS = 10_000;
const BIND_ATTEMPTS = 5;

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/**
 * Ways a server can misbehave, for tests that check how a client copes with broken nameservers:
 * - `refuse` / `servfail`: answer REFUSED / SERVFAIL;
 * - `drop`: never answer (the client times out);
 * - `not-authoritative`: answer from the zones as usual but without the AA bit (a lame server answering from a
 *   cache, say).
 */
export type DnsServerFault = 'refuse' | 'servfail' | 'drop' | 'not-authoritative';

/** A child zone this server delegates: questions at or under `zone` get a referral to `nameservers`. */
export interface DnsDelegation {
  zone: string;
  nameservers: string[];
  /** Addresses sent with the referral (additional section), by nameserver hostname. */
  glue?: Record<string, string[]>;
}

/** How one server answers beyond its zones: injected faults and delegations. Replace it at any time with `setBehaviour`. */
export interface DnsServerBehaviour {
  fault?: DnsServerFault;
  /** Only questions for names at or under these suffer `fault`; default: every question. */
  faultNames?: string[];
  /** Referrals (NOERROR, no AA, NS in the authority section, glue in the additional section). */
  delegations?: DnsDelegation[];
}

export interface DnsServerOptions {
  zones: MemoryZones;
  /** Faults and delegations, for tests; none by default. */
  behaviour?: DnsServerBehaviour;
  /** Address to bind; loopback by default. */
  host?: string;
  /** UDP and TCP port; 0 picks a free ephemeral port. */
  port?: number;
  /** Called with socket errors that do not stop the server (a failed send, a reset connection). */
  onError?: (error: Error) => void;
}

export interface DnsServer {
  host: string;
  /** The bound port, the same for UDP and TCP. */
  port: number;
  /** Replace the faults and delegations (an empty object restores normal answers). */
  setBehaviour(behaviour: DnsServerBehaviour): void;
  close(): Promise<void>;
}

/** Start an authoritative DNS server for `zones` over UDP and TCP on one port. */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const { zones, host = '127.0.0.1', port = 0, onError = () => {}, behaviour = {} } = options;
  for (let attempt = 1; ; attempt += 1) {
    const udp = await bindUdp(host, port);
    const boundPort = udp.address().port;
    try {
      const tcp = await listenTcp(host, boundPort);
      return serve({ zones, host, port: boundPort, udp, tcp, onError, behaviour });
    } catch (error) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      // An ephemeral UDP port can be taken on the TCP side; pick another. A port the caller chose cannot.
      if (port !== 0 || attempt >= BIND_ATTEMPTS || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function listenTcp(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

interface Bound {
  zones: MemoryZones;
  host: string;
  port: number;
  udp: UdpSocket;
  tcp: Server;
  onError: (error: Error) => void;
  behaviour: DnsServerBehaviour;
}

function serve({ zones, host, port, udp, tcp, onError, behaviour: initial }: Bound): DnsServer {
  let behaviour = initial;
  udp.on('error', onError);
  udp.on('message', (message, remote) => {
    const reply = respond(zones, message, 'udp', behaviour);
    if (reply) udp.send(reply, remote.port, remote.address, (error) => error && onError(error));
  });

  const sockets = new Set<Socket>();
  tcp.on('error', onError);
  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', onError);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      // Each message is prefixed with its 2-byte length (RFC 1035 §4.2.2); a connection may carry several.
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const length = buffered.readUInt16BE(0);
        const reply = respond(zones, buffered.subarray(2, 2 + length), 'tcp', behaviour);
        buffered = buffered.subarray(2 + length);
        if (reply) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([prefix, reply]));
        }
      }
    });
  });

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    setBehaviour(next) {
      behaviour = next;
    },
    close() {
      closing ??= Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => {
          tcp.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        }),
      ]).then(() => undefined);
      return closing;
    },
  };
}

/**
 * The reply to one DNS message, or undefined when it must be dropped (not a query, or too broken to answer).
 * Exported for tests; pure apart from reading `zones`.
 */
export function respond(zones: MemoryZones, message: Buffer, transport: 'udp' | 'tcp', behaviour: DnsServerBehaviour = {}): Buffer | undefined {
  try {
    return handle(zones, message, transport, behaviour);
  } catch {
    // Whatever decoded but cannot be encoded back (an absurd name in the question): answer FORMERR bare.
    return encodeReply({ id: message.readUInt16BE(0), flags: RCODE.FORMERR });
  }
}

const within = (name: string, zone: string) => {
  const [n, z] = [normalizeName(name), normalizeName(zone)];
  return n === z || n.endsWith(`.${z}`);
};

function handle(zones: MemoryZones, message: Buffer, transport: 'udp' | 'tcp', behaviour: DnsServerBehaviour): Buffer | undefined {
  // A header we cannot read, or a response (answering it could start a loop): drop silently.
  if (message.length < 12 || (message.readUInt16BE(2) & 0x8000) !== 0) return undefined;
  const id = message.readUInt16BE(0);
  const rd = message.readUInt16BE(2) & dnsPacket.RECURSION_DESIRED;

  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return encodeReply({ id, flags: rd | RCODE.FORMERR });
  }
  const questions = query.questions ?? [];
  const question = questions[0];
  if ((message.readUInt16BE(2) & 0x7800) !== 0) return encodeReply({ id, flags: rd | RCODE.NOTIMP, questions });
  if (questions.length !== 1 || !question) return encodeReply({ id, flags: rd | RCODE.FORMERR, questions });
  if ((question.class ?? 'IN') !== 'IN') return encodeReply({ id, flags: rd | RCODE.REFUSED, questions });

  const faulty = behaviour.fault && (!behaviour.faultNames || behaviour.faultNames.some((name) => within(question.name, name)));
  if (faulty && behaviour.fault === 'drop') return undefined;
  if (faulty && behaviour.fault === 'refuse') return encodeReply({ id, flags: rd | RCODE.REFUSED, questions });
  if (faulty && behaviour.fault === 'servfail') return encodeReply({ id, flags: rd | RCODE.SERVFAIL, questions });
  const aa = faulty && behaviour.fault === 'not-authoritative' ? 0 : dnsPacket.AUTHORITATIVE_ANSWER;

  const delegation = (behaviour.delegations ?? [])
    .filter((candidate) => within(question.name, candidate.zone))
    .sort((a, b) => b.zone.length - a.zone.length)[0];
  const reply: Packet = delegation ? referral(id, rd, questions, delegation) : { id, flags: 0, questions };
  if (!delegation) {
    // Types we hold no records of (MX, ANY, …) simply find nothing: NODATA or NXDOMAIN.
    const result = zones.lookup(question.name, question.type);
    if (result.rcode === 'REFUSED') return encodeReply({ id, flags: rd | RCODE.REFUSED, questions });
    reply.flags = aa | rd | RCODE[result.rcode];
    reply.answers = result.answers.map(toAnswer);
    reply.authorities = result.authority.map(toAnswer);
  }
  const encoded = encodeReply(reply);
  if (transport === 'udp' && encoded.length > UDP_LIMIT) {
    return encodeReply({ id, flags: reply.flags! | dnsPacket.TRUNCATED_RESPONSE, questions });
  }
  return encoded;
}

/** A referral: not authoritative, the child's NS set in the authority section and its glue as additionals. */
function referral(id: number, rd: number, questions: Packet['questions'], delegation: DnsDelegation): Packet {
  const zone = normalizeName(delegation.zone);
  const ttl = 300;
  return {
    id,
    flags: rd | RCODE.NOERROR,
    questions,
    authorities: delegation.nameservers.map((ns): Answer => ({ name: zone, type: 'NS', ttl, class: 'IN', data: normalizeName(ns) })),
    additionals: Object.entries(delegation.glue ?? {}).flatMap(([host, ips]) =>
      ips.map((ip): Answer => ({ name: normalizeName(host), type: ip.includes(':') ? 'AAAA' : 'A', ttl, class: 'IN', data: ip })),
    ),
  };
}

function encodeReply(packet: Packet): Buffer {
  return dnsPacket.encode({ ...packet, type: 'response' });
}

function toAnswer(record: ZoneRecord): Answer {
  const base = { name: record.name, ttl: record.ttl, class: 'IN' as const };
  switch (record.type) {
    case 'SOA':
      return { ...base, type: 'SOA', data: record.value };
    case 'TXT':
      return { ...base, type: 'TXT', data: splitTxt(record.value) };
    default:
      return { ...base, type: record.type, data: record.value };
  }
}

/** A TXT record is a list of character-strings of at most 255 bytes each; long values are split, not cut. */
function splitTxt(value: string): Buffer[] {
  const bytes = Buffer.from(value);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += 255) chunks.push(bytes.subarray(offset, offset + 255));
  return chunks.length > 0 ? chunks : [Buffer.alloc(0)];
}
