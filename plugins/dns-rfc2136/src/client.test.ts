// The client against a scripted DNS server on loopback (UDP and TCP on one port): how every kind of answer maps to
// an error kind, retries, truncation, and checks made before anything is sent. Real BIND and Knot: test/.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import packet from 'dns-packet';
import { freePort } from '@portico/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { createRfc2136Client, Rfc2136Error, type Rfc2136ClientOptions } from './client.ts';
import { readTsig, signMessage, tsigKey } from './tsig.ts';
import { readHeader, readName, recordPositions, type RecordPosition } from './wire.ts';

const SECRET = Buffer.alloc(32, 1).toString('base64');
const KEY = tsigKey({ name: 'portico-key', secret: SECRET });
const WRONG = tsigKey({ name: 'portico-key', secret: Buffer.alloc(32, 2).toString('base64') });

type Handler = (request: Buffer, transport: 'udp' | 'tcp') => Buffer | undefined;

interface Fake {
  port: number;
  received: Array<{ transport: 'udp' | 'tcp'; opcode: number; type: number }>;
  close(): Promise<void>;
}

const fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A DNS server on 127.0.0.1 answering UDP and TCP with `handler` (no answer when it returns undefined). */
async function fake(handler: Handler): Promise<Fake> {
  const port = await freePort({ udp: true });
  const received: Fake['received'] = [];
  const note = (request: Buffer, transport: 'udp' | 'tcp') => {
    const questionEnd = readName(request, 12).end;
    received.push({ transport, opcode: (readHeader(request).flags >> 11) & 0xf, type: request.readUInt16BE(questionEnd) });
    return handler(request, transport);
  };
  const udp: Socket = createSocket('udp4');
  udp.on('message', (request, from) => {
    const answer = note(request, 'udp');
    if (answer) udp.send(answer, from.port, from.address);
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  const tcp: Server = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const request = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + request.length);
        const answer = note(Buffer.from(request), 'tcp');
        if (answer) socket.write(Buffer.concat([Buffer.from([answer.length >> 8, answer.length & 0xff]), answer]));
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', resolve));
  const server: Fake = {
    port,
    received,
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
  fakes.push(server);
  return server;
}

interface AnswerOptions {
  rcode?: number;
  answers?: packet.Answer[];
  truncated?: boolean;
  /** How the answer is signed: with the right key (default), a wrong one, not at all, or a server's TSIG error. */
  sign?: 'key' | 'wrong' | 'none' | { error: number; emptyMac?: boolean; time?: number };
  id?: number;
}

/** An answer to `request` (zone or question section echoed), signed as asked. */
function answer(request: Buffer, { rcode = 0, answers = [], truncated = false, sign = 'key', id }: AnswerOptions = {}): Buffer {
  const tsig = readTsig(request);
  const unsigned = tsig?.unsigned ?? request;
  const questionEnd = readName(unsigned, 12).end + 4;
  const header = readHeader(unsigned);
  const flags = 0x8000 | (header.flags & 0x7800) | 0x0400 | (truncated ? 0x0200 : 0) | rcode;
  const question = Buffer.concat([unsigned.subarray(0, 12), unsigned.subarray(12, questionEnd)]);
  question.writeUInt16BE(1, 4);
  question.fill(0, 6, 12);
  const decoded = packet.decode(question);
  const wire = packet.encode({ id: id ?? header.id, type: 'response', flags, questions: decoded.questions, answers });
  if (sign === 'none') return wire;
  const { error = 0, time, emptyMac = false } = typeof sign === 'object' ? sign : {};
  const signed = signMessage(wire, sign === 'wrong' ? WRONG : KEY, { requestMac: tsig?.mac, error, time }).wire;
  return emptyMac ? withoutMac(signed) : signed;
}

/** What a server that cannot check us sends: its TSIG record with an empty MAC (MAC size and RDLENGTH fixed). */
function withoutMac(wire: Buffer): Buffer {
  const tsig = recordPositions(wire).at(-1) as RecordPosition;
  const macSizeAt = readName(wire, tsig.rdataOffset).end + 8;
  const macEnd = macSizeAt + 2 + wire.readUInt16BE(macSizeAt);
  const out = Buffer.concat([wire.subarray(0, macSizeAt), Buffer.from([0, 0]), wire.subarray(macEnd)]);
  out.writeUInt16BE(out.length - tsig.rdataOffset, tsig.rdataOffset - 2);
  return out;
  return wire;
}

function client(port: number, options: Partial<Rfc2136ClientOptions> = {}) {
  return createRfc2136Client({ server: { host: '127.0.0.1', port }, zone: 'example.test', key: { name: 'portico-key', secret: SECRET }, timeoutMs: 500, ...options });
}

async function failure(promise: Promise<unknown>): Promise<Rfc2136Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Rfc2136Error);
  return error as Rfc2136Error;
}

const A = { name: 'a.example.test', type: 'A' as const, ttl: 60, values: ['192.0.2.1'] };

describe('createRfc2136Client options and checks before sending', () => {
  it('refuses bad options with kind validation', () => {
    const base = { server: { host: '127.0.0.1' }, zone: 'example.test', key: { name: 'k', secret: SECRET } };
    const attempts: Array<[Partial<Rfc2136ClientOptions>, RegExp]> = [
      [{ server: { host: '' } }, /host/],
      [{ server: { host: '127.0.0.1', port: 70000 } }, /port/],
      [{ zone: 'a..b' }, /zone/],
      [{ zone: '.' }, /zone is empty/],
      [{ key: { name: 'k', secret: 'not base64!' } }, /base64/],
      [{ key: { name: 'k', secret: SECRET, algorithm: 'hmac-md5' as 'hmac-sha256' } }, /md5/],
      [{ tries: 0 }, /tries/],
      [{ timeoutMs: 0 }, /timeoutMs/],
    ];
    for (const [options, message] of attempts) {
      let error: unknown;
      try {
        createRfc2136Client({ ...base, ...options });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(Rfc2136Error);
      expect((error as Rfc2136Error).kind).toBe('validation');
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it('refuses names outside the zone, other types, a set named twice and bad values, sending nothing', async () => {
    const server = await fake((request) => answer(request));
    const c = client(server.port);
    expect((await failure(c.apply({ upsert: [{ ...A, name: 'a.example.org' }] }))).kind).toBe('validation');
    expect((await failure(c.apply({ upsert: [{ ...A, type: 'MX' as 'A' }] }))).kind).toBe('unsupported');
    expect((await failure(c.apply({ upsert: [A], remove: [{ name: 'A.example.test.', type: 'A' }] }))).kind).toBe('validation');
    expect((await failure(c.apply({ upsert: [{ ...A, values: ['999.0.0.1'] }] }))).message).toMatch(/not an IPv4 address/);
    expect((await failure(c.getRecords('www.example.org'))).kind).toBe('validation');
    expect((await failure(c.getRecords('www.example.test', ['MX' as 'A']))).kind).toBe('unsupported');
    await c.apply({});
    expect(server.received).toEqual([]);
  });
});

describe('answers and their error kinds', () => {
  const cases: Array<[string, AnswerOptions, string, string?]> = [
    ['FORMERR', { rcode: 1 }, 'validation'],
    ['SERVFAIL', { rcode: 2 }, 'transient'],
    ['NOTIMP', { rcode: 4 }, 'unsupported'],
    ['REFUSED', { rcode: 5 }, 'permission'],
    ['REFUSED, unsigned', { rcode: 5, sign: 'none' }, 'permission'],
    ['YXRRSET', { rcode: 7 }, 'conflict'],
    ['NXRRSET', { rcode: 8 }, 'conflict'],
    ['NOTZONE', { rcode: 10 }, 'validation'],
    ['NOTAUTH signed with our key (a zone the server does not hold)', { rcode: 9 }, 'not_found'],
    ['NOTAUTH unsigned', { rcode: 9, sign: 'none' }, 'auth'],
    ['NOTAUTH, TSIG error BADSIG', { rcode: 9, sign: { error: 16, emptyMac: true } }, 'auth', 'BADSIG'],
    ['NOTAUTH, TSIG error BADKEY', { rcode: 9, sign: { error: 17, emptyMac: true } }, 'auth', 'BADKEY'],
    ['NOTAUTH, TSIG error BADTIME (signed)', { rcode: 9, sign: { error: 18 } }, 'auth', 'BADTIME'],
    ['NOERROR unsigned', { sign: 'none' }, 'auth', 'UNSIGNED'],
    ['NOERROR signed with another secret', { sign: 'wrong' }, 'auth', 'BADSIG'],
    ['NOERROR signed long ago', { sign: { error: 0, time: 1_000_000 } }, 'auth', 'BADTIME'],
  ];
  for (const [label, options, kind, tsigError] of cases) {
    it(`${label} → ${kind}`, async () => {
      const server = await fake((request) => answer(request, options));
      const error = await failure(client(server.port).verifyCredentials());
      expect(error.kind).toBe(kind);
      if (tsigError) expect(error.tsigError).toBe(tsigError);
      expect(error.message).not.toContain(SECRET);
      expect(server.received).toEqual([{ transport: 'udp', opcode: 5, type: 6 }]);
    });
  }

  it('NOERROR signed with our key → success; an answer with another ID is ignored', async () => {
    const server = await fake((request) => answer(request));
    await client(server.port).verifyCredentials();
    const spoofed = await fake((request) => answer(request, { id: (request.readUInt16BE(0) + 1) & 0xffff }));
    expect((await failure(client(spoofed.port, { tries: 1, timeoutMs: 300 }).verifyCredentials())).kind).toBe('transient');
  });
});

describe('transport', () => {
  it('retries a silent server `tries` times, then fails with transient', async () => {
    const server = await fake(() => undefined);
    const error = await failure(client(server.port, { tries: 3, timeoutMs: 200 }).verifyCredentials());
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/no answer from 127\.0\.0\.1:\d+ within 200 ms after 3 tries/);
    expect(server.received).toHaveLength(3);
  });

  it('reports a closed port as transient', async () => {
    const port = await freePort({ udp: true });
    const error = await failure(client(port, { tries: 1 }).verifyCredentials());
    expect(error.kind).toBe('transient');
  });

  it('asks again over TCP when the UDP answer is truncated', async () => {
    const txt = { name: 't.example.test', type: 'TXT' as const, ttl: 60, class: 'IN' as const, data: ['x'.repeat(255), 'y'.repeat(100)] };
    const server = await fake((request, transport) => answer(request, transport === 'udp' ? { truncated: true } : { answers: [txt] }));
    expect(await client(server.port).getRecords('t.example.test', ['TXT'])).toEqual([{ name: 't.example.test', type: 'TXT', ttl: 60, values: [`${'x'.repeat(255)}${'y'.repeat(100)}`] }]);
    expect(server.received.map((r) => r.transport)).toEqual(['udp', 'tcp']);
  });

  it('refuses a TCP answer with another ID', async () => {
    const server = await fake((request, transport) => answer(request, transport === 'udp' ? { truncated: true } : { id: (request.readUInt16BE(0) + 1) & 0xffff }));
    const error = await failure(client(server.port).getRecords('t.example.test', ['TXT']));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/does not match the request/);
  });

  it('sends an UPDATE larger than 512 bytes over TCP directly', async () => {
    const server = await fake((request, transport) => {
      const type = request.readUInt16BE(readName(request, 12).end);
      if (type === 6) return answer(request); // the UPDATE (zone section SOA)
      const txt = { name: 't.example.test', type: 'TXT' as const, ttl: 60, class: 'IN' as const, data: ['z'.repeat(255), 'z'.repeat(255), 'z'.repeat(90)] };
      return answer(request, transport === 'udp' ? { truncated: true } : { answers: [txt] });
    });
    await client(server.port).apply({ upsert: [{ name: 't.example.test', type: 'TXT', ttl: 60, values: ['z'.repeat(600)] }] });
    expect(server.received[0]).toEqual({ transport: 'tcp', opcode: 5, type: 6 });
  });
});

describe('verifyWrites', () => {
  it('fails with conflict when the server accepted an update but does not serve the records (CNAME rule)', async () => {
    // The server says NOERROR to the UPDATE, as BIND and Knot do when they ignore a CNAME next to other data.
    const server = await fake((request) => answer(request));
    const cname = { name: 'www.example.test', type: 'CNAME' as const, ttl: 60, values: ['edge.example.net'] };
    const error = await failure(client(server.port).apply({ upsert: [cname] }));
    expect(error.kind).toBe('conflict');
    expect(error.message).toMatch(/did not store www\.example\.test CNAME/);
    await client(server.port, { verifyWrites: false }).apply({ upsert: [cname] });
  });
});

describe('getNameservers', () => {
  const ns = (data: string, name = 'example.test') => ({ name, type: 'NS' as const, ttl: 60, class: 'IN' as const, data });

  it('returns the apex NS set from one signed NS query, lower-case and sorted', async () => {
    const server = await fake((request) => answer(request, { answers: [ns('NS2.example.net.'), ns('ns1.example.test'), ns('other.example.net', 'sub.example.test')] }));
    expect(await client(server.port).getNameservers()).toEqual(['ns1.example.test', 'ns2.example.net']);
    expect(server.received).toEqual([{ transport: 'udp', opcode: 0, type: 2 }]);
  });

  const notServed: Array<[string, AnswerOptions]> = [
    ['REFUSED', { rcode: 5 }],
    ['NXDOMAIN', { rcode: 3 }],
    ['no NS set at the name (not a zone apex)', {}],
  ];
  for (const [label, options] of notServed) {
    it(`${label} → not_found`, async () => {
      const server = await fake((request) => answer(request, options));
      expect((await failure(client(server.port).getNameservers())).kind).toBe('not_found');
    });
  }

  it('an answer without the AA bit → not_found; a refused signature stays auth', async () => {
    const server = await fake((request) => {
      const wire = answer(request, { answers: [ns('ns1.example.test')], sign: 'none' });
      wire.writeUInt16BE(wire.readUInt16BE(2) & ~0x0400, 2);
      return signMessage(wire, KEY, { requestMac: readTsig(request)?.mac }).wire;
    });
    expect(await failure(client(server.port).getNameservers())).toMatchObject({ kind: 'not_found', message: expect.stringMatching(/no AA bit/) });
    const badsig = await fake((request) => answer(request, { rcode: 9, sign: { error: 16, emptyMac: true } }));
    expect(await failure(client(badsig.port).getNameservers())).toMatchObject({ kind: 'auth', tsigError: 'BADSIG' });
  });
});
