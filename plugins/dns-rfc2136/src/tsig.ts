/**
 * TSIG (RFC 8945): signing a DNS message and verifying the answer with a shared HMAC key, over the message
 * bytes as they go on the wire. No npm package does TSIG, so this is our own, checked against BIND's
 * `dig -y` and against BIND and Knot answers in the tests.
 *
 * The MAC covers (RFC 8945 §4.3.3): the request's MAC (answers only), the message as it was before the TSIG
 * record was added (original ID, ARCOUNT without the TSIG), then the TSIG variables: key name (canonical), class
 * ANY, TTL 0, algorithm name (canonical), time signed (48 bits), fudge, error, other length, other data.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLASS_ANY, canonicalName, readHeader, readName, recordPositions, TYPE_TSIG } from './wire.ts';

/** The HMAC algorithms accepted, by their TSIG name. hmac-md5 is refused (RFC 8945 §6: MUST NOT use). */
const ALGORITHMS = { 'hmac-sha256': 'sha256', 'hmac-sha384': 'sha384', 'hmac-sha512': 'sha512', 'hmac-sha224': 'sha224', 'hmac-sha1': 'sha1' } as const;
export type TsigAlgorithm = keyof typeof ALGORITHMS;
export const TSIG_ALGORITHMS = Object.keys(ALGORITHMS) as TsigAlgorithm[];

/** TSIG error codes (RFC 8945 §5.2 and the IANA RCODE registry) as they appear in the TSIG record. */
const ERROR_NAMES: Record<number, string> = { 16: 'BADSIG', 17: 'BADKEY', 18: 'BADTIME', 22: 'BADTRUNC' };

/** Default fudge: the seconds of clock difference accepted either way (RFC 8945 §10 recommends 300). */
export const DEFAULT_FUDGE = 300;

export interface TsigKey {
  /** Lower-case, without trailing dot. */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Buffer;
}

/**
 * Why a TSIG check failed. `byServer`: the server said so in its answer's TSIG error field (its own check of our
 * request failed); otherwise our check of the server's answer failed.
 */
export class TsigError extends Error {
  /** `BADSIG`, `BADKEY`, `BADTIME`, `BADTRUNC`, `UNSIGNED` (no TSIG record) or `FORMERR` (a malformed one). */
  readonly code: string;
  readonly byServer: boolean;
  /** For a server's BADTIME: the server's clock (seconds since the epoch), from the TSIG other data. */
  readonly serverTime?: number;

  constructor(code: string, message: string, options: { byServer?: boolean; serverTime?: number } = {}) {
    super(message);
    this.name = 'TsigError';
    this.code = code;
    this.byServer = options.byServer ?? false;
    this.serverTime = options.serverTime;
  }
}

/** Checks a key as configured (`secret` in base64, as `tsig-keygen` and `keymgr` print it). Throws a RangeError. */
export function tsigKey({ name, algorithm = 'hmac-sha256', secret }: { name: string; algorithm?: string; secret: string }): TsigKey {
  const algo = algorithm.toLowerCase().replace(/\.$/, '');
  if (algo.startsWith('hmac-md5')) throw new RangeError('TSIG algorithm hmac-md5 is refused (RFC 8945 forbids it); use hmac-sha256');
  if (!(algo in ALGORITHMS)) throw new RangeError(`Unknown TSIG algorithm ${JSON.stringify(algorithm)} (expected one of ${TSIG_ALGORITHMS.join(', ')})`);
  canonicalName(name); // throws on a malformed key name
  const compact = secret.replace(/\s+/g, '');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== compact.replace(/=+$/, '')) {
    throw new RangeError('The TSIG secret is not base64 (as printed by tsig-keygen or keymgr)');
  }
  return { name: name.toLowerCase().replace(/\.$/, ''), algorithm: algo as TsigAlgorithm, secret: bytes };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface SignOptions {
  /** Time signed, seconds since the epoch. Default: now. */
  time?: number;
  fudge?: number;
  /** When signing an answer: the MAC of the request it answers. */
  requestMac?: Buffer;
  /** TSIG error field (a server's BADTIME answer, for instance). Default 0. */
  error?: number;
  otherData?: Buffer;
}

/**
 * Signs an encoded message (without TSIG): returns it with the TSIG record appended and ARCOUNT raised by one,
 * and the MAC, which verifying the answer needs.
 */
export function signMessage(message: Buffer, key: TsigKey, { time = nowSeconds(), fudge = DEFAULT_FUDGE, requestMac, error = 0, otherData = Buffer.alloc(0) }: SignOptions = {}): { wire: Buffer; mac: Buffer } {
  const header = readHeader(message);
  const variables = tsigVariables(key, time, fudge, error, otherData);
  const mac = hmac(key, [...(requestMac ? [macField(requestMac)] : []), message, variables]);

  const algorithm = canonicalName(key.algorithm);
  const rdata = Buffer.concat([algorithm, uint48(time), uint16(fudge), macField(mac), uint16(header.id), uint16(error), uint16(otherData.length), otherData]);
  const record = Buffer.concat([canonicalName(key.name), uint16(TYPE_TSIG), uint16(CLASS_ANY), Buffer.alloc(4), uint16(rdata.length), rdata]);
  const wire = Buffer.concat([message, record]);
  wire.writeUInt16BE(header.arcount + 1, 10);
  return { wire, mac };
}

/** The TSIG record of a message, parsed, and the message as it was before the record was added. */
export interface TsigRecord {
  keyName: string;
  algorithm: string;
  time: number;
  fudge: number;
  mac: Buffer;
  originalId: number;
  error: number;
  otherData: Buffer;
  /** The message without its TSIG record, with ARCOUNT lowered and the original ID put back: what the MAC covers. */
  unsigned: Buffer;
}

/** The message's TSIG record (which must be the last record), or undefined when it has none. Throws on garbage. */
export function readTsig(wire: Buffer): TsigRecord | undefined {
  const header = readHeader(wire);
  if (header.arcount === 0) return undefined;
  const last = recordPositions(wire).at(-1);
  if (!last || last.type !== TYPE_TSIG) return undefined;
  if (last.end !== wire.length) throw new TsigError('FORMERR', 'bytes after the TSIG record');
  if (wire.readUInt16BE(last.classOffset) !== CLASS_ANY || wire.readUInt32BE(last.classOffset + 2) !== 0) {
    throw new TsigError('FORMERR', 'the TSIG record must have class ANY and TTL 0');
  }
  const keyName = readName(wire, last.start).name;
  const algorithm = readName(wire, last.rdataOffset);
  let offset = algorithm.end;
  /** The next `length` bytes of the record data. */
  const take = (length: number): Buffer => {
    if (offset + length > last.end) throw new TsigError('FORMERR', 'TSIG record data is too short');
    offset += length;
    return Buffer.from(wire.subarray(offset - length, offset));
  };
  const time = take(6).readUIntBE(0, 6);
  const fudge = take(2).readUInt16BE();
  const mac = take(take(2).readUInt16BE());
  const originalId = take(2).readUInt16BE();
  const error = take(2).readUInt16BE();
  const otherData = take(take(2).readUInt16BE());
  if (offset !== last.end) throw new TsigError('FORMERR', 'TSIG record data has trailing bytes');

  const unsigned = Buffer.from(wire.subarray(0, last.start));
  unsigned.writeUInt16BE(originalId, 0);
  unsigned.writeUInt16BE(header.arcount - 1, 10);
  return { keyName, algorithm: algorithm.name, time, fudge, mac, originalId, error, otherData, unsigned };
}

export interface VerifyOptions {
  /** The MAC of our request, when verifying its answer. */
  requestMac?: Buffer;
  /** Seconds since the epoch. Default: now. */
  now?: number;
}

/**
 * Verifies a signed message (a request, or with `requestMac` the answer to one). Returns its TSIG record.
 * Throws a TsigError: `UNSIGNED` (no TSIG), `BADKEY` (another key or algorithm), `BADSIG` (MAC does not match),
 * `BADTRUNC` (MAC cut too short), `BADTIME` (time signed beyond the fudge), or — `byServer` — the error the
 * server put in an answer's TSIG record, whose MAC is then empty and cannot be checked.
 */
export function verifyMessage(wire: Buffer, key: TsigKey, { requestMac, now = nowSeconds() }: VerifyOptions = {}): TsigRecord {
  const tsig = readTsig(wire);
  if (!tsig) throw new TsigError('UNSIGNED', 'the message has no TSIG record');
  const variables = tsigVariables(key, tsig.time, tsig.fudge, tsig.error, tsig.otherData);
  return check(tsig, key, now, [...(requestMac ? [macField(requestMac)] : []), tsig.unsigned, variables]);
}

/**
 * Verifies the messages of one answer stream over TCP (a zone transfer): the first like `verifyMessage`, the
 * next ones chained on the previous MAC with only the timers (RFC 8945 §5.3.1). Messages without TSIG are
 * allowed between signed ones (at most 99 in a row) and are covered by the next signed one; `end()` throws
 * when the stream did not end on a signed message.
 */
export function createStreamVerifier(key: TsigKey, requestMac: Buffer, { now = nowSeconds }: { now?: () => number } = {}) {
  let previousMac: Buffer | undefined;
  let pending: Buffer[] = [];
  return {
    /** Checks one message; returns whether it carried a TSIG record. */
    verify(wire: Buffer): boolean {
      if (previousMac === undefined) {
        previousMac = verifyMessage(wire, key, { requestMac, now: now() }).mac;
        return true;
      }
      const tsig = readTsig(wire);
      if (!tsig) {
        pending.push(wire);
        if (pending.length > 99) throw new TsigError('FORMERR', 'more than 99 messages in a row without TSIG');
        return false;
      }
      const timers = Buffer.concat([uint48(tsig.time), uint16(tsig.fudge)]);
      previousMac = check(tsig, key, now(), [macField(previousMac), ...pending, tsig.unsigned, timers]).mac;
      pending = [];
      return true;
    },
    end(): void {
      if (previousMac === undefined || pending.length > 0) throw new TsigError('UNSIGNED', 'the answer stream does not end with a signed message');
    },
  };
}

function check(tsig: TsigRecord, key: TsigKey, now: number, digestParts: Buffer[]): TsigRecord {
  // A server that could not check our request (BADKEY, BADSIG) answers with an empty MAC: nothing to verify.
  if (tsig.error !== 0 && tsig.mac.length === 0) throw serverError(tsig);
  if (tsig.keyName !== key.name || tsig.algorithm !== key.algorithm) {
    throw new TsigError('BADKEY', `signed with key ${tsig.keyName} (${tsig.algorithm}), expected ${key.name} (${key.algorithm})`);
  }
  const expected = hmac(key, digestParts);
  const minimum = Math.max(10, Math.ceil(expected.length / 2));
  if (tsig.mac.length > expected.length || tsig.mac.length < minimum) {
    throw new TsigError('BADTRUNC', `MAC of ${tsig.mac.length} bytes (${key.algorithm} needs ${minimum} to ${expected.length})`);
  }
  if (!timingSafeEqual(tsig.mac, expected.subarray(0, tsig.mac.length))) throw new TsigError('BADSIG', 'the MAC does not match the key');
  if (tsig.error !== 0) throw serverError(tsig);
  if (Math.abs(now - tsig.time) > tsig.fudge) {
    throw new TsigError('BADTIME', `signed at ${tsig.time}, ${now - tsig.time} s from our clock (fudge ${tsig.fudge} s)`);
  }
  return tsig;
}

function serverError(tsig: TsigRecord): TsigError {
  const code = ERROR_NAMES[tsig.error] ?? `TSIG error ${tsig.error}`;
  const serverTime = tsig.error === 18 && tsig.otherData.length === 6 ? tsig.otherData.readUIntBE(0, 6) : undefined;
  return new TsigError(code, `the server answered ${code}`, { byServer: true, serverTime });
}

function tsigVariables(key: TsigKey, time: number, fudge: number, error: number, otherData: Buffer): Buffer {
  return Buffer.concat([
    canonicalName(key.name),
    uint16(CLASS_ANY),
    Buffer.alloc(4), // TTL 0
    canonicalName(key.algorithm),
    uint48(time),
    uint16(fudge),
    uint16(error),
    uint16(otherData.length),
    otherData,
  ]);
}

function hmac(key: TsigKey, parts: Buffer[]): Buffer {
  const mac = createHmac(ALGORITHMS[key.algorithm], key.secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

const macField = (mac: Buffer) => Buffer.concat([uint16(mac.length), mac]);

function uint16(value: number): Buffer {
  const buf = Buffer.alloc(2);
  buf.writeUInt16BE(value);
  return buf;
}

function uint48(value: number): Buffer {
  const buf = Buffer.alloc(6);
  buf.writeUIntBE(value, 0, 6);
  return buf;
}
