import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respond, startDnsServer, type DnsServer } from './server.ts';
import { MemoryZones } from './zones.ts';

const longText = 'v=long;' + 'x'.repeat(700);
const zones = new MemoryZones([
  {
    name: 'example.test',
    records: [
      { name: 'www.example.test', type: 'A', ttl: 300, values: ['192.0.2.10'] },
      { name: 'www.example.test', type: 'AAAA', ttl: 300, values: ['2001:db8::10'] },
      { name: '_portico-challenge.shop.example.test', type: 'TXT', ttl: 60, values: ['portico-verification=abc', 'other'] },
      { name: 'long.example.test', type: 'TXT', ttl: 60, values: [longText] },
      { name: 'alias.example.test', type: 'CNAME', ttl: 300, values: ['www.example.test'] },
    ],
  },
]);

/** dns-packet decodes `rcode` too; its types leave it out. */
type Reply = dnsPacket.DecodedPacket & { rcode: string };
const decode = (bytes: Buffer) => dnsPacket.decode(bytes) as Reply;

let server: DnsServer;
let resolver: Resolver;

beforeAll(async () => {
  server = await startDnsServer({ zones });
  resolver = new Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers([`${server.host}:${server.port}`]);
});

afterAll(async () => {
  await server?.close();
});

function query(name: string, type: dnsPacket.RecordType, id = 4242): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] });
}

/** Send one UDP datagram and resolve with the first reply. */
function udpExchange(message: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP reply'));
    }, 120_000);
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(decode(reply));
    });
    socket.send(message, server.port, server.host);
  });
}

/** Send raw bytes over one TCP connection and resolve with the first `count` length-prefixed replies. */
function tcpExchange(bytes: Buffer, count = 1): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, server.host);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no TCP reply'));
    }, 120_000);
    const replies: Reply[] = [];
    let buffered = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        replies.push(decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0))));
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
      }
      if (replies.length >= count) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
    socket.write(bytes);
  });
}

describe('startDnsServer, through the Node resolver', () => {
  it('answers A and AAAA', async () => {
    expect(await resolver.resolve4('www.example.test')).toEqual(['192.0.2.10']);
    expect(await resolver.resolve6('www.example.test')).toEqual(['2001:db8::10']);
  });

  it('answers TXT, one array of strings per record', async () => {
    const records = await resolver.resolveTxt('_portico-challenge.shop.example.test');
    expect(records.map((chunks) => chunks.join('')).sort()).toEqual(['other', 'portico-verification=abc']);
  });

  it('answers CNAME, and A through a CNAME', async () => {
    expect(await resolver.resolveCname('alias.example.test')).toEqual(['www.example.test']);
    expect(await resolver.resolve4('alias.example.test')).toEqual(['192.0.2.10']);
  });

  it('answers NS and SOA at the apex', async () => {
    expect((await resolver.resolveNs('example.test')).sort()).toEqual(['ns1.memory.portico.test', 'ns2.memory.portico.test']);
    expect(await resolver.resolveSoa('example.test')).toMatchObject({ nsname: 'ns1.memory.portico.test', serial: 1 });
  });

  it('maps NXDOMAIN to ENOTFOUND, NODATA to ENODATA and foreign zones to EREFUSED', async () => {
    await expect(resolver.resolve4('missing.example.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolveTxt('www.example.test')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve4('www.elsewhere.test')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('resolves a TXT too large for UDP by retrying over TCP', async () => {
    const udp = await udpExchange(query('long.example.test', 'TXT'));
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toEqual([]);
    const records = await resolver.resolveTxt('long.example.test');
    expect(records.map((chunks) => chunks.join(''))).toEqual([longText]);
  });

  it('sees writes immediately', async () => {
    zones.apply({ zone: 'example.test', upsert: [{ name: 'new.example.test', type: 'A', ttl: 30, values: ['192.0.2.99'] }], remove: [] });
    expect(await resolver.resolve4('new.example.test')).toEqual(['192.0.2.99']);
  });
});

describe('startDnsServer, on the wire', () => {
  it('echoes id and question and sets AA (and RD as asked)', async () => {
    const reply = await udpExchange(query('www.example.test', 'A', 777));
    expect(reply).toMatchObject({ id: 777, type: 'response', flag_aa: true, flag_rd: true, rcode: 'NOERROR' });
    expect(reply.questions).toEqual([{ name: 'www.example.test', type: 'A', class: 'IN' }]);
    expect(reply.answers).toEqual([expect.objectContaining({ name: 'www.example.test', type: 'A', data: '192.0.2.10', ttl: 300 })]);
  });

  it('puts the SOA in the authority section of NXDOMAIN and NODATA', async () => {
    const nx = await udpExchange(query('missing.example.test', 'A'));
    expect(nx.rcode).toBe('NXDOMAIN');
    expect(nx.authorities).toEqual([expect.objectContaining({ name: 'example.test', type: 'SOA' })]);
    const nodata = await udpExchange(query('www.example.test', 'MX'));
    expect(nodata).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(nodata.authorities).toHaveLength(1);
  });

  it('serves the same answer over TCP, several messages on one connection', async () => {
    const first = dnsPacket.streamEncode({ type: 'query', id: 1, questions: [{ name: 'long.example.test', type: 'TXT' }] });
    const second = dnsPacket.streamEncode({ type: 'query', id: 2, questions: [{ name: 'www.example.test', type: 'A' }] });
    // Both in one write: the server must split them by their length prefixes.
    const [one, two] = await tcpExchange(Buffer.concat([first, second]), 2);
    expect(one).toMatchObject({ id: 1, flag_tc: false, flag_aa: true });
    expect(one.answers).toHaveLength(1);
    expect(two).toMatchObject({ id: 2, answers: [expect.objectContaining({ data: '192.0.2.10' })] });
  });

  it('survives garbage: drops it or answers FORMERR, and keeps answering', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.send(Buffer.from('not dns at all'), server.port, server.host, () => resolve()));
    await new Promise<void>((resolve) => socket.send(Buffer.from([1, 2, 3]), server.port, server.host, () => resolve()));
    socket.close();

    // A readable header followed by nonsense: FORMERR with the id echoed.
    const broken = Buffer.concat([query('www.example.test', 'A', 999).subarray(0, 12), Buffer.from([0xff, 0xff, 0xff])]);
    expect(await udpExchange(broken)).toMatchObject({ id: 999, rcode: 'FORMERR' });
    expect((await tcpExchange(Buffer.concat([Buffer.from([0, broken.length]), broken])))[0]).toMatchObject({ id: 999, rcode: 'FORMERR' });

    expect(await resolver.resolve4('www.example.test')).toEqual(['192.0.2.10']);
  });
});

describe('respond', () => {
  it('drops responses and too-short messages', () => {
    const response = dnsPacket.encode({ type: 'response', id: 5, questions: [{ name: 'www.example.test', type: 'A' }] });
    expect(respond(zones, response, 'udp')).toBeUndefined();
    expect(respond(zones, Buffer.alloc(5), 'udp')).toBeUndefined();
  });

  it('answers NOTIMP for other opcodes and FORMERR for several questions', () => {
    const notify = Buffer.from(query('www.example.test', 'SOA'));
    notify.writeUInt16BE(notify.readUInt16BE(2) | (4 << 11), 2);
    expect(decode(respond(zones, notify, 'udp')!).rcode).toBe('NOTIMP');
    const two = dnsPacket.encode({
      type: 'query',
      id: 3,
      questions: [
        { name: 'www.example.test', type: 'A' },
        { name: 'www.example.test', type: 'AAAA' },
      ],
    });
    expect(decode(respond(zones, two, 'udp')!).rcode).toBe('FORMERR');
  });

  it('truncates over UDP only', () => {
    const udp = decode(respond(zones, query('long.example.test', 'TXT'), 'udp')!);
    const tcp = decode(respond(zones, query('long.example.test', 'TXT'), 'tcp')!);
    expect([udp.flag_tc, udp.answers?.length]).toEqual([true, 0]);
    expect([tcp.flag_tc, tcp.answers?.length]).toEqual([false, 1]);
    expect(Buffer.concat((tcp.answers![0] as dnsPacket.TxtAnswer).data as Buffer[]).toString()).toBe(longText);
  });
});

describe('startDnsServer lifecycle', () => {
  it('binds UDP and TCP on one given port, and frees it on close', async () => {
    const first = await startDnsServer({ zones });
    const port = first.port;
    await first.close();
    const again = await startDnsServer({ zones, port });
    try {
      expect(again.port).toBe(port);
      const resolver = new Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([`127.0.0.1:${port}`]);
      expect(await resolver.resolve4('www.example.test')).toEqual(['192.0.2.10']);
      await expect(startDnsServer({ zones, port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await again.close();
    }
  });
});
