/**
 * A client for one zone on a DNS server that takes RFC 2136 dynamic updates signed with TSIG (BIND, Knot,
 * PowerDNS, Windows DNS with TSIG, …). It knows nothing of Portico's kernel; the adapter (`adapter.ts`, used by
 * `index.ts`) maps it onto the DNS provider contract.
 *
 * Every message is signed and every answer's signature is checked. Names and values in and out are Portico's
 * form: absolute names without the trailing dot, TXT as one unquoted string, CNAME targets without the dot.
 */
import packet from 'dns-packet';
import type { RecordSet, RecordType } from '@portico/kernel';
import { rcodeError, Rfc2136Error, tsigFailure } from './errors.ts';
import { compareSets, isInZone, isRecordType, RECORD_TYPES, sameValues, toRecordSets } from './records.ts';
import { exchangeTcp, exchangeUdp, TransportError, UDP_LIMIT, type Server } from './transport.ts';
import { createStreamVerifier, nowSeconds, signMessage, TsigError, tsigKey, verifyMessage, type TsigAlgorithm } from './tsig.ts';
import { encodeQuery, encodeUpdate, randomId } from './update.ts';
import { normalName, readHeader } from './wire.ts';

export { Rfc2136Error } from './errors.ts';
export { TSIG_ALGORITHMS, type TsigAlgorithm } from './tsig.ts';

// Header flag bits.
const QR = 0x8000;
const OPCODE = 0x7800;
const TC = 0x0200;
const AA = 0x0400;

export interface Rfc2136ClientOptions {
  /** The zone's primary server (or one that forwards updates to it). `port` defaults to 53. */
  server: { host: string; port?: number };
  /** The zone, e.g. `example.com` (a trailing dot is fine). */
  zone: string;
  /** The TSIG key: its name as the server knows it, the algorithm, and the secret in base64. */
  key: { name: string; algorithm?: TsigAlgorithm; secret: string };
  /** Longest wait for one answer (per try; for a zone transfer, per message). Default 5000 ms. */
  timeoutMs?: number;
  /** Tries per message when the server does not answer. Default 2. */
  tries?: number;
  /**
   * After an update, read the replaced record sets back and fail with `conflict` when the server did not store
   * them (servers silently ignore a CNAME added next to other data, and other data next to a CNAME). Turn off
   * when `server` forwards updates to a primary and answers from an older copy. Default true.
   */
  verifyWrites?: boolean;
  /** The clock TSIG signs with and checks against, in seconds since the epoch. For tests. */
  now?: () => number;
}

export interface Rfc2136Changes {
  /** Record sets to create or replace whole. An empty `values` deletes the set. */
  upsert?: RecordSet[];
  /** Record sets to delete; deleting a set that does not exist succeeds. */
  remove?: Array<{ name: string; type: RecordType }>;
}

export interface Rfc2136Client {
  /** The zone, lower-case, without the trailing dot. */
  readonly zone: string;
  /**
   * A, AAAA, CNAME and TXT record sets, sorted by name then type. With `name`: one signed query per type (all
   * four unless `types` says otherwise). Without: a signed zone transfer (AXFR over TCP), which the server must
   * allow for the key.
   */
  getRecords(name?: string, types?: RecordType[]): Promise<RecordSet[]>;
  /** One signed UPDATE holding every change; the server applies it whole or not at all. */
  apply(changes: Rfc2136Changes): Promise<void>;
  /**
   * The zone's apex NS set (one signed NS query), lower-case without the dot, sorted. `not_found` when the server
   * does not answer for the zone with authority: REFUSED, NXDOMAIN, an answer without the AA bit, or no NS set at
   * the name (it is not a zone apex there).
   */
  getNameservers(): Promise<string[]>;
  /**
   * A signed UPDATE that changes nothing (its only prerequisite is that the zone's SOA exists): fails with `auth`
   * for a wrong key or secret, `not_found` or `auth` when the server does not hold the zone. It proves the key,
   * not what the key may change: BIND accepts it from a key that has no grant.
   */
  verifyCredentials(): Promise<void>;
}

export function createRfc2136Client({ server: { host, port = 53 }, zone, key, timeoutMs = 5000, tries = 2, verifyWrites = true, now = nowSeconds }: Rfc2136ClientOptions): Rfc2136Client {
  if (typeof host !== 'string' || host === '') throw new Rfc2136Error('validation', 'server.host is empty');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Rfc2136Error('validation', `server.port ${port} is not a port number`);
  if (!(timeoutMs > 0)) throw new Rfc2136Error('validation', 'timeoutMs must be positive');
  if (!Number.isInteger(tries) || tries < 1) throw new Rfc2136Error('validation', 'tries must be a whole number, at least 1');
  const apex = configured(() => normalName(zone), 'zone');
  if (apex === '') throw new Rfc2136Error('validation', 'zone is empty');
  const tsig = configured(() => tsigKey(key), 'key');
  const server: Server = { host, port };
  const where = `${host}:${port}`;

  /** Sends `message` signed, over UDP unless it is too large or the answer is truncated; retries on silence. */
  async function exchange(message: Buffer, what: string, { nxdomainOk = false } = {}): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      message.writeUInt16BE(randomId(), 0);
      const { wire, mac } = signMessage(message, tsig, { time: now() });
      try {
        let answer = wire.length > UDP_LIMIT ? undefined : await exchangeUdp(server, wire, timeoutMs);
        if (answer === undefined || readHeader(answer).flags & TC) {
          await exchangeTcp(server, wire, timeoutMs, (received) => ((answer = received), true));
        }
        return checked(answer as Buffer, wire, mac, what, nxdomainOk);
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (attempt >= tries) throw unreachable(error, what);
      }
    }
  }

  /**
   * The answer to `request` if it is NOERROR (or NXDOMAIN to a query, with `nxdomainOk`) and signed by the
   * server with our key; otherwise the error it means.
   */
  function checked(answer: Buffer, request: Buffer, requestMac: Buffer, what: string, nxdomainOk = false): Buffer {
    const header = readHeader(answer);
    if (header.id !== request.readUInt16BE(0) || !(header.flags & QR) || (header.flags & OPCODE) !== (request.readUInt16BE(2) & OPCODE)) {
      throw new Rfc2136Error('transient', `${what}: the answer from ${where} does not match the request (ID, QR or opcode)`);
    }
    let failure: TsigError | undefined;
    try {
      verifyMessage(answer, tsig, { requestMac, now: now() });
    } catch (error) {
      if (!(error instanceof TsigError)) throw malformed(what, error);
      failure = error;
    }
    const context = { what, zone: apex, keyName: tsig.name };
    if (failure?.byServer) throw tsigFailure(failure, context, header.rcode);
    if (header.rcode !== 0 && !(header.rcode === 3 && nxdomainOk)) throw rcodeError(header.rcode, { ...context, signed: failure === undefined });
    if (failure) throw tsigFailure(failure, context, header.rcode);
    return answer;
  }

  /** The records of an answer's answer section, decoded by dns-packet. */
  function answers(wire: Buffer, what: string): packet.Answer[] {
    try {
      return packet.decode(wire).answers ?? [];
    } catch (error) {
      throw malformed(what, error);
    }
  }

  function malformed(what: string, error: unknown): Rfc2136Error {
    return new Rfc2136Error('transient', `${what}: the answer from ${where} is malformed (${(error as Error).message})`, { cause: error });
  }

  function unreachable(error: TransportError, what: string): Rfc2136Error {
    const reason = error.code === 'timeout' ? `no answer from ${where} within ${timeoutMs} ms` : `cannot reach ${where} (${error.code})`;
    return new Rfc2136Error('transient', `${what}: ${reason}${tries > 1 ? ` after ${tries} tries` : ''}`, { cause: error });
  }

  /** `name` in Portico's form, refused unless it is in the zone. */
  function ownerName(name: string): string {
    const normal = configured(() => normalName(name), 'name');
    if (!isInZone(normal, apex)) throw new Rfc2136Error('validation', `${normal} is not in zone ${apex}`);
    return normal;
  }

  async function query(name: string, type: RecordType): Promise<RecordSet[]> {
    const what = `${type} query for ${name}`;
    const answer = await exchange(encodeQuery(name, type), what, { nxdomainOk: true });
    // A query for A at an alias also brings the CNAME (and its target): keep only what was asked.
    return toRecordSets(answers(answer, what).filter((record) => record.name.toLowerCase() === name && record.type === type));
  }

  /** AXFR over TCP: every message checked against the TSIG chain, until the zone's SOA comes round again. */
  async function transfer(): Promise<RecordSet[]> {
    const what = `AXFR of ${apex}`;
    const message = encodeQuery(apex, 'AXFR');
    const context = { what, zone: apex, keyName: tsig.name };
    for (let attempt = 1; ; attempt++) {
      message.writeUInt16BE(randomId(), 0);
      const { wire, mac } = signMessage(message, tsig, { time: now() });
      const verifier = createStreamVerifier(tsig, mac, { now });
      const records: packet.Answer[] = [];
      let first = true;
      let soas = 0;
      try {
        await exchangeTcp(server, wire, timeoutMs, (answer) => {
          if (first) checked(answer, wire, mac, what);
          else if (readHeader(answer).id !== message.readUInt16BE(0)) throw new Rfc2136Error('transient', `${what}: a message of the transfer has another ID`);
          else if (readHeader(answer).rcode !== 0) throw rcodeError(readHeader(answer).rcode, { ...context, signed: false });
          first = false;
          verifier.verify(answer);
          for (const record of answers(answer, what)) {
            if (records.length === 0 && record.type !== 'SOA') throw new Rfc2136Error('transient', `${what}: the transfer does not start with the SOA`);
            if (record.type === 'SOA') soas++;
            records.push(record);
          }
          return soas >= 2;
        });
        verifier.end();
        return toRecordSets(records);
      } catch (error) {
        if (error instanceof TsigError) throw tsigFailure(error, context);
        if (!(error instanceof TransportError)) throw error;
        if (attempt >= tries) throw unreachable(error, what);
      }
    }
  }

  return {
    zone: apex,

    async getRecords(name, types = [...RECORD_TYPES]) {
      if (name === undefined) {
        const sets = await transfer();
        return sets.filter((set) => types.includes(set.type));
      }
      const owner = ownerName(name);
      types.forEach(checkType);
      const sets = await Promise.all([...new Set(types)].map((type) => query(owner, type)));
      return sets.flat().sort(compareSets);
    },

    async apply({ upsert = [], remove = [] }) {
      const seen = new Set<string>();
      const claim = (name: string, type: string): string => {
        checkType(type);
        const normal = ownerName(name);
        const key = `${normal} ${type}`;
        if (seen.has(key)) throw new Rfc2136Error('validation', `${normal} ${type} appears more than once in one apply`);
        seen.add(key);
        return normal;
      };
      const replace: RecordSet[] = [];
      const deletions: Array<{ name: string; type: RecordType }> = [];
      for (const set of upsert) {
        const name = claim(set.name, set.type);
        if (set.values.length === 0) deletions.push({ name, type: set.type });
        else replace.push({ ...set, name });
      }
      for (const { name, type } of remove) deletions.push({ name: claim(name, type), type });
      if (replace.length === 0 && deletions.length === 0) return;

      const message = configured(() => encodeUpdate({ zone: apex, replace, remove: deletions }), 'record');
      if (message.length > 0xffff - 512) throw new Rfc2136Error('validation', `the update is ${message.length} bytes, more than one DNS message holds; split it`);
      await exchange(message, `UPDATE of ${apex}`);

      if (!verifyWrites) return;
      const missing: string[] = [];
      for (const set of replace) {
        const [stored] = await query(set.name, set.type);
        if (!stored || !sameValues(set.type, stored.values, set.values)) missing.push(`${set.name} ${set.type}`);
      }
      if (missing.length > 0) {
        throw new Rfc2136Error(
          'conflict',
          `UPDATE of ${apex}: the server accepted it but did not store ${missing.join(', ')}; a CNAME cannot share a name with other records (the server ignores such additions)`,
        );
      }
    },

    async getNameservers() {
      const what = `NS query for ${apex}`;
      const notFound = (reason: string, rcode?: string) => new Rfc2136Error('not_found', `${what}: ${where} ${reason}`, { rcode });
      let answer: Buffer;
      try {
        answer = await exchange(encodeQuery(apex, 'NS'), what, { nxdomainOk: true });
      } catch (error) {
        // To a query (not an update), REFUSED means the server does not serve the zone (and does not recurse).
        if (error instanceof Rfc2136Error && error.rcode === 'REFUSED') throw notFound(`refused the query: it does not serve ${apex}`, 'REFUSED');
        throw error;
      }
      const header = readHeader(answer);
      if (header.rcode === 3) throw notFound(`says ${apex} does not exist (NXDOMAIN)`, 'NXDOMAIN');
      if (!(header.flags & AA)) throw notFound(`does not answer for ${apex} with authority (no AA bit): it does not serve the zone`);
      const nameservers = answers(answer, what).flatMap((record) =>
        record.type === 'NS' && record.name.toLowerCase().replace(/\.$/, '') === apex ? [record.data.toLowerCase().replace(/\.$/, '')] : [],
      );
      if (nameservers.length === 0) throw notFound(`holds no NS records at ${apex}: it is not the apex of a zone there`);
      return [...new Set(nameservers)].sort();
    },

    async verifyCredentials() {
      const message = encodeUpdate({ zone: apex, prerequisites: [{ kind: 'rrset-exists', name: apex, type: 'SOA' }] });
      await exchange(message, `UPDATE (no change) of ${apex}`);
    },
  };
}

function checkType(type: string): void {
  if (!isRecordType(type)) throw new Rfc2136Error('unsupported', `Record type ${type} is not supported (${RECORD_TYPES.join(', ')})`);
}

/** Runs `parse` and turns its RangeError into a `validation` error naming what was wrong. */
function configured<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RangeError) throw new Rfc2136Error('validation', `Invalid ${what}: ${error.message}`);
    throw error;
  }
}
