// UPDATE messages read back byte by byte (dns-packet cannot decode records with empty data, the RFC 2136 deletes).
import packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { encodeQuery, encodeUpdate } from './update.ts';
import { readHeader, readName, recordPositions } from './wire.ts';

/** Every record after the zone section: owner, type, class, TTL and data. */
function records(wire: Buffer) {
  return recordPositions(wire).map((position) => ({
    name: readName(wire, position.start).name,
    type: position.type,
    class: wire.readUInt16BE(position.classOffset),
    ttl: wire.readUInt32BE(position.classOffset + 2),
    data: wire.subarray(position.rdataOffset, position.end).toString('hex'),
  }));
}

describe('encodeUpdate', () => {
  it('writes opcode UPDATE, the zone as a SOA question and the section counts', () => {
    const wire = encodeUpdate({ zone: 'Example.Test.', id: 0xbeef, prerequisites: [{ kind: 'name-in-use', name: 'a.example.test' }], remove: [{ name: 'b.example.test', type: 'A' }] });
    const header = readHeader(wire);
    expect(header).toMatchObject({ id: 0xbeef, qdcount: 1, ancount: 1, nscount: 1, arcount: 0 });
    expect((header.flags >> 11) & 0xf).toBe(5);
    expect(header.flags & 0x8000).toBe(0); // a request
    expect(readName(wire, 12).name).toBe('example.test');
    expect(wire.readUInt16BE(readName(wire, 12).end)).toBe(6); // SOA
    expect(wire.readUInt16BE(readName(wire, 12).end + 2)).toBe(1); // IN
  });

  it('replaces a record set: delete it (class ANY, TTL 0, no data), then add each value', () => {
    const wire = encodeUpdate({ zone: 'example.test', replace: [{ name: 'WWW.example.test.', type: 'A', ttl: 120, values: ['192.0.2.1', '192.0.2.2'] }] });
    expect(readHeader(wire)).toMatchObject({ ancount: 0, nscount: 3 });
    expect(records(wire)).toEqual([
      { name: 'www.example.test', type: 1, class: 255, ttl: 0, data: '' },
      { name: 'www.example.test', type: 1, class: 1, ttl: 120, data: 'c0000201' },
      { name: 'www.example.test', type: 1, class: 1, ttl: 120, data: 'c0000202' },
    ]);
  });

  it('writes AAAA, CNAME (absolute target) and TXT split into 255-byte strings', () => {
    const long = 'x'.repeat(600);
    const wire = encodeUpdate({
      zone: 'example.test',
      replace: [
        { name: 'v6.example.test', type: 'AAAA', ttl: 60, values: ['2001:db8::1'] },
        { name: 'alias.example.test', type: 'CNAME', ttl: 60, values: ['Target.Example.NET.'] },
        { name: 'txt.example.test', type: 'TXT', ttl: 60, values: [long, ''] },
      ],
    });
    const [, v6, , alias, , txt, empty] = records(wire);
    expect(v6).toMatchObject({ type: 28, data: '20010db8000000000000000000000001' });
    expect(alias).toMatchObject({ type: 5, data: Buffer.concat([Buffer.from('06746172676574076578616d706c65036e657400', 'hex')]).toString('hex') });
    const data = Buffer.from(txt.data, 'hex');
    expect([data[0], data[256], data[512]]).toEqual([255, 255, 90]);
    expect(data).toHaveLength(603);
    expect(empty.data).toBe('00'); // one empty character-string
  });

  it('deletes record sets and writes prerequisites with classes ANY and NONE', () => {
    const wire = encodeUpdate({
      zone: 'example.test',
      prerequisites: [
        { kind: 'rrset-exists', name: 'example.test', type: 'SOA' },
        { kind: 'rrset-absent', name: 'a.example.test', type: 'TXT' },
        { kind: 'name-in-use', name: 'b.example.test' },
        { kind: 'name-not-in-use', name: 'c.example.test' },
      ],
      remove: [{ name: 'd.example.test', type: 'CNAME' }],
    });
    expect(records(wire)).toEqual([
      { name: 'example.test', type: 6, class: 255, ttl: 0, data: '' },
      { name: 'a.example.test', type: 16, class: 254, ttl: 0, data: '' },
      { name: 'b.example.test', type: 255, class: 255, ttl: 0, data: '' },
      { name: 'c.example.test', type: 255, class: 254, ttl: 0, data: '' },
      { name: 'd.example.test', type: 5, class: 255, ttl: 0, data: '' },
    ]);
    expect(readHeader(wire)).toMatchObject({ ancount: 4, nscount: 1 });
  });

  it('refuses bad values and names before anything is sent', () => {
    const update = (values: string[], type: 'A' | 'AAAA' | 'CNAME' = 'A', name = 'a.example.test', ttl = 60) => () => encodeUpdate({ zone: 'example.test', replace: [{ name, type, ttl, values }] });
    expect(update(['192.0.2.300'])).toThrow(/not an IPv4 address/);
    expect(update(['192.0.2.1'], 'AAAA')).toThrow(/not an IPv6 address/);
    expect(update(['a.example', 'b.example'], 'CNAME')).toThrow(/one value/);
    expect(update(['192.0.2.1'], 'A', 'a..example.test')).toThrow(/empty label/);
    expect(update(['192.0.2.1'], 'A', `${'x'.repeat(64)}.example.test`)).toThrow(/63 bytes/);
    expect(update(['192.0.2.1'], 'A', 'bücher.example.test')).toThrow(/A-label/);
    expect(update(['192.0.2.1'], 'A', 'a.example.test', 1.5)).toThrow(/ttl/);
    expect(update(['192.0.2.1'], 'A', 'a.example.test', -1)).toThrow(/ttl/);
  });
});

describe('encodeQuery', () => {
  it('asks one question without recursion desired', () => {
    const decoded = packet.decode(encodeQuery('Www.Example.Test.', 'TXT', 7));
    expect(decoded).toMatchObject({ id: 7, opcode: 'QUERY', flag_rd: false, questions: [{ name: 'www.example.test', type: 'TXT', class: 'IN' }] });
  });
});
