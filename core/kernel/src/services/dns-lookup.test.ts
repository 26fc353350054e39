import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsLookup } from './dns-lookup.ts';

/**
 * A tiny authoritative DNS server on loopback, answering from a table. Hand-encoded (RFC 1035 §4), so the test
 * does not share the lookup's DNS library: enough of the wire format for A, AAAA, CNAME, NS and TXT answers.
 */
const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 16: 'TXT', 28: 'AAAA' };
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

type Zone = Record<string, Partial<Record<'A' | 'AAAA' | 'CNAME' | 'NS' | 'TXT', Array<string | string[]>>> | 'SERVFAIL' | 'REFUSED'>;

function encodeName(name: string): Buffer {
  const labels = name.split('.').filter(Boolean).map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  return Buffer.concat([...labels, Buffer.from([0])]);
}

function encodeRdata(type: string, value: string | string[]): Buffer {
  if (type === 'A') return Buffer.from((value as string).split('.').map(Number));
  if (type === 'AAAA') return Buffer.from((value as string).split(':').flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
  if (type === 'TXT') return Buffer.concat((Array.isArray(value) ? value : [value]).map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)])));
  return encodeName(value as string); // CNAME, NS
}

function respond(query: Buffer, zone: Zone): Buffer {
  let offset = 12;
  const labels: string[] = [];
  while (query[offset] !== 0) {
    labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString());
    offset += query[offset] + 1;
  }
  const type = TYPES[query.readUInt16BE(offset + 1)] as 'A';
  const questionEnd = offset + 5;
  const entry = zone[labels.join('.').toLowerCase()];
  const rcode = entry === undefined ? RCODE.NXDOMAIN : typeof entry === 'string' ? RCODE[entry] : RCODE.NOERROR;
  const answers = (typeof entry === 'object' ? (entry[type] ?? []) : []).map((value) => {
    const rdata = encodeRdata(type, value);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    fixed.writeUInt16BE(query.readUInt16BE(offset + 1), 2);
    fixed.writeUInt16BE(1, 4); // IN
    fixed.writeUInt32BE(300, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | rcode, 2); // QR, AA, RD copied
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

async function listen(onMessage: (socket: Socket, message: Buffer, port: number, address: string) => void): Promise<{ socket: Socket; server: string }> {
  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => onMessage(socket, message, remote.port, remote.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, server: `127.0.0.1:${socket.address().port}` };
}

const zone: Zone = {
  'txt.example.test': { TXT: [['v=spf1 ', 'include:example.net'], 'second record'] },
  'www.example.test': { A: ['192.0.2.1', '192.0.2.2'], AAAA: ['2001:db8:0:0:0:0:0:1'] },
  'alias.example.test': { CNAME: ['Target.Example.NET'] },
  'example.test': { NS: ['ns1.example.test', 'ns2.example.test'] },
  'broken.example.test': 'SERVFAIL',
  'refused.example.test': 'REFUSED',
};

describe('createDnsLookup against a DNS server on loopback', () => {
  let answering: { socket: Socket; server: string };
  let silent: { socket: Socket; server: string };
  let received = 0;
  let onSilentMessage = () => {};

  beforeAll(async () => {
    answering = await listen((socket, message, port, address) => socket.send(respond(message, zone), port, address));
    silent = await listen(() => {
      received++;
      onSilentMessage();
    });
  });
  afterAll(() => {
    answering.socket.close();
    silent.socket.close();
  });

  const lookup = () => createDnsLookup({ servers: [answering.server], timeoutMs: 1000, tries: 1 });

  it('finds A, AAAA, NS and CNAME values in presentation form', async () => {
    expect(await lookup().query('www.example.test', 'A')).toEqual({ status: 'found', values: ['192.0.2.1', '192.0.2.2'] });
    expect(await lookup().query('www.example.test', 'AAAA')).toEqual({ status: 'found', values: ['2001:db8::1'] });
    expect(await lookup().query('example.test', 'NS')).toEqual({ status: 'found', values: ['ns1.example.test', 'ns2.example.test'] });
    expect(await lookup().query('alias.example.test', 'CNAME')).toEqual({ status: 'found', values: ['target.example.net'] });
  });

  it('joins the character-strings of one TXT record, one value per record', async () => {
    expect(await lookup().query('txt.example.test', 'TXT')).toEqual({
      status: 'found',
      values: ['v=spf1 include:example.net', 'second record'],
    });
  });

  it('tells a missing name (nxdomain) from a name without that type (nodata)', async () => {
    expect(await lookup().query('nothing.example.test', 'TXT')).toEqual({ status: 'nxdomain' });
    expect(await lookup().query('www.example.test', 'TXT')).toEqual({ status: 'nodata' });
  });

  it('reports SERVFAIL and REFUSED as errors with their codes', async () => {
    expect(await lookup().query('broken.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'ESERVFAIL' });
    expect(await lookup().query('refused.example.test', 'TXT')).toMatchObject({ status: 'error', code: 'EREFUSED' });
  });

  it('a server that never answers is an error (ETIMEOUT), never nxdomain', async () => {
    const before = received;
    const answer = await createDnsLookup({ servers: [silent.server], timeoutMs: 200, tries: 1 }).query('txt.example.test', 'TXT');
    expect(answer).toMatchObject({ status: 'error', code: 'ETIMEOUT', message: expect.any(String) });
    expect(received).toBeGreaterThan(before);
  });

  it('a port where nothing listens is an error', async () => {
    const closed = await listen(() => {});
    closed.socket.close();
    const answer = await createDnsLookup({ servers: [closed.server], timeoutMs: 200, tries: 1 }).query('txt.example.test', 'TXT');
    expect(answer.status).toBe('error');
  });

  it('aborting the signal cancels the query', async () => {
    const controller = new AbortController();
    onSilentMessage = () => controller.abort();
    const query = createDnsLookup({ servers: [silent.server], timeoutMs: 60_000, tries: 1 }).query('txt.example.test', 'TXT', {
      signal: controller.signal,
    });
    expect(await query).toMatchObject({ status: 'error', code: 'ECANCELLED' });
    onSilentMessage = () => {};
    expect(await lookup().query('www.example.test', 'A', { signal: AbortSignal.abort() })).toMatchObject({ code: 'ECANCELLED' });
  });

  it('asks again without EDNS when a server rejects it (FORMERR)', async () => {
    const old = await listen((socket, message, port, address) => {
      // An old server: any additional record (the EDNS OPT) is a format error.
      const formerr = Buffer.from(message.subarray(0, 12));
      formerr.writeUInt16BE(0x8001, 2);
      formerr.writeUInt16BE(0, 4);
      formerr.writeUInt16BE(0, 10);
      socket.send(message.readUInt16BE(10) > 0 ? formerr : respond(message, zone), port, address);
    });
    try {
      const answer = await createDnsLookup({ servers: [old.server], timeoutMs: 1000, tries: 1 }).query('www.example.test', 'A');
      expect(answer).toEqual({ status: 'found', values: ['192.0.2.1', '192.0.2.2'] });
    } finally {
      old.socket.close();
    }
  });

  it('refuses a server that is not an IP address', () => {
    expect(() => createDnsLookup({ servers: ['ns1.example.test'] })).toThrow();
    expect(() => createDnsLookup({ servers: [] })).toThrow();
  });
});
