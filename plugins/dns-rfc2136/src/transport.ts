/**
 * One DNS exchange with one server over UDP or TCP (RFC 1035 §4.2, RFC 7766: two-byte length prefix), with a
 * deadline. Failures to reach the server reject with a TransportError; what the answer says is the caller's.
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';

export class TransportError extends Error {
  /** `timeout`, or the system error code (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, …). */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'TransportError';
    this.code = code;
  }
}

export interface Server {
  host: string;
  port: number;
}

/** Largest message sent over UDP: without EDNS, 512 bytes (RFC 1035 §4.2.1). Larger ones go over TCP. */
export const UDP_LIMIT = 512;

/** Sends `wire` over UDP and resolves with the first answer carrying the same ID. */
export async function exchangeUdp(server: Server, wire: Buffer, timeoutMs: number): Promise<Buffer> {
  const { address, family } = await resolve(server.host);
  const id = wire.readUInt16BE(0);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  try {
    return await new Promise<Buffer>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new TransportError('timeout', `no answer over UDP within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new TransportError(error.code ?? 'EIO', error.message));
      };
      socket.on('error', fail);
      // Anything else on this port (a late answer to an earlier try, a stray packet) is not our answer.
      socket.on('message', (message) => {
        if (message.length < 12 || message.readUInt16BE(0) !== id || (message[2] & 0x80) === 0) return;
        clearTimeout(timer);
        resolvePromise(message);
      });
      // A connected socket receives only from the server, and ICMP "port unreachable" comes back as ECONNREFUSED.
      // No callback: a failing connect then emits 'error' instead of calling it with the error.
      socket.once('connect', () => socket.send(wire, (error) => error && fail(error)));
      socket.connect(server.port, address);
    });
  } finally {
    socket.close();
  }
}

/**
 * Sends `wire` over TCP and hands each answer message to `onMessage` until it returns true (one message for a
 * query, several for a zone transfer). `timeoutMs` bounds the connection and each wait for the next message.
 */
export async function exchangeTcp(server: Server, wire: Buffer, timeoutMs: number, onMessage: (message: Buffer) => boolean = () => true): Promise<void> {
  if (wire.length > 0xffff) throw new RangeError(`message of ${wire.length} bytes is larger than DNS allows (65535)`);
  const { address } = await resolve(server.host);
  const socket = connect({ host: address, port: server.port });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      let buffered = Buffer.alloc(0);
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        if (error) reject(error);
        else resolvePromise();
      };
      socket.setTimeout(timeoutMs, () => finish(new TransportError('timeout', `no answer over TCP within ${timeoutMs} ms`)));
      socket.on('error', (error: NodeJS.ErrnoException) => finish(new TransportError(error.code ?? 'EIO', error.message)));
      socket.on('close', () => finish(new TransportError('ECONNRESET', 'the server closed the TCP connection before answering in full')));
      socket.on('connect', () => socket.write(Buffer.concat([length16(wire.length), wire])));
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (!done && buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
          buffered = buffered.subarray(2 + message.length);
          try {
            if (onMessage(Buffer.from(message))) finish();
          } catch (error) {
            finish(error as Error);
          }
        }
      });
    });
  } finally {
    socket.destroy();
  }
}

async function resolve(host: string): Promise<{ address: string; family: number }> {
  const family = isIP(host);
  if (family !== 0) return { address: host, family };
  try {
    return await lookup(host);
  } catch (error) {
    throw new TransportError((error as NodeJS.ErrnoException).code ?? 'ENOTFOUND', `cannot resolve ${host}: ${(error as Error).message}`);
  }
}

function length16(value: number): Buffer {
  const buf = Buffer.alloc(2);
  buf.writeUInt16BE(value);
  return buf;
}
