// TSIG against independent references: MACs computed from the RFC 8945 §4.3.3 digest layout written out by hand
// here (one also hard-coded from Python's hmac module), and messages signed by BIND's own dig and nsupdate.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import packet from 'dns-packet';
import { requireBinary } from '@portico/test-servers';
import { describe, expect, it } from 'vitest';
import { readHeader } from './wire.ts';
import { createStreamVerifier, readTsig, signMessage, TsigError, tsigKey, verifyMessage } from './tsig.ts';

const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');
const KEY = tsigKey({ name: 'portico-key', secret: SECRET });
const TIME = 1_700_000_000;
// id 0x1234, a query for example.test SOA: what every known-answer test signs.
const MESSAGE = Buffer.from('123400000001000000000000076578616d706c6504746573740000060001', 'hex');

/** A name in wire form, written out label by label. */
const wireName = (name: string) => Buffer.concat([...name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const u48 = (value: number) => Buffer.from(value.toString(16).padStart(12, '0'), 'hex');

/** RFC 8945 §4.3.3 TSIG variables, by hand. */
function variables(keyName: string, algorithm: string, time: number, fudge = 300, error = 0, other = Buffer.alloc(0)): Buffer {
  return Buffer.concat([wireName(keyName), u16(255), Buffer.alloc(4), wireName(algorithm), u48(time), u16(fudge), u16(error), u16(other.length), other]);
}

async function failure(run: () => unknown): Promise<TsigError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(TsigError);
    return error as TsigError;
  }
  throw new Error('expected a TsigError');
}

describe('signMessage', () => {
  it('produces the HMAC-SHA256 of the message and the TSIG variables (known answer, computed with Python hmac)', () => {
    const { mac } = signMessage(MESSAGE, KEY, { time: TIME });
    expect(mac.toString('hex')).toBe('4ce65568a0124aebfae687ae9fca6aff29bb1df9284e502dddd023b0ff9a4433');
  });

  it('matches the digest layout for each supported algorithm', () => {
    for (const [algorithm, hash] of [['hmac-sha256', 'sha256'], ['hmac-sha384', 'sha384'], ['hmac-sha512', 'sha512'], ['hmac-sha224', 'sha224'], ['hmac-sha1', 'sha1']] as const) {
      const key = tsigKey({ name: 'Portico-Key.', algorithm, secret: SECRET });
      const expected = createHmac(hash, Buffer.from(SECRET, 'base64')).update(Buffer.concat([MESSAGE, variables('portico-key', algorithm, TIME, 60)])).digest();
      expect(signMessage(MESSAGE, key, { time: TIME, fudge: 60 }).mac.equals(expected), algorithm).toBe(true);
    }
    const sha512 = tsigKey({ name: 'portico-key', algorithm: 'hmac-sha512', secret: SECRET });
    expect(signMessage(MESSAGE, sha512, { time: TIME }).mac.toString('hex')).toBe(
      '2c732a1e4e65937a31ffe9a1540ca4f3d2940a96b5778a27bd5d39d3a49db156b4fbc3400f31c2b153b960389d703508f178037321d4a8ff6383c43bd813f8f0',
    );
  });

  it('appends the TSIG record byte for byte as RFC 8945 §4.2 lays it out and raises ARCOUNT', () => {
    const { wire, mac } = signMessage(MESSAGE, KEY, { time: TIME });
    const rdata = Buffer.concat([wireName('hmac-sha256'), u48(TIME), u16(300), u16(32), mac, u16(0x1234), u16(0), u16(0)]);
    const record = Buffer.concat([wireName('portico-key'), u16(250), u16(255), Buffer.alloc(4), u16(rdata.length), rdata]);
    const expected = Buffer.concat([MESSAGE, record]);
    expected.writeUInt16BE(1, 10);
    expect(wire.toString('hex')).toBe(expected.toString('hex'));
    // dns-packet reads it as an ordinary message with one additional record of type TSIG.
    expect(packet.decode(wire).additionals).toEqual([expect.objectContaining({ name: 'portico-key', type: 'TSIG', class: 'ANY', ttl: 0 })]);
  });

  it('prefixes the request MAC when signing an answer', () => {
    const requestMac = signMessage(MESSAGE, KEY, { time: TIME }).mac;
    const answer = Buffer.from(MESSAGE);
    answer.writeUInt16BE(0x8400, 2);
    const expected = createHmac('sha256', Buffer.from(SECRET, 'base64'))
      .update(Buffer.concat([u16(32), requestMac, answer, variables('portico-key', 'hmac-sha256', TIME + 1)]))
      .digest();
    expect(signMessage(answer, KEY, { time: TIME + 1, requestMac }).mac.equals(expected)).toBe(true);
  });
});

describe('verifyMessage', () => {
  const signed = signMessage(MESSAGE, KEY, { time: TIME }).wire;

  it('accepts what signMessage signed, within the fudge either way', () => {
    expect(verifyMessage(signed, KEY, { now: TIME })).toMatchObject({ keyName: 'portico-key', algorithm: 'hmac-sha256', time: TIME, fudge: 300, originalId: 0x1234, error: 0 });
    expect(verifyMessage(signed, KEY, { now: TIME + 300 }).time).toBe(TIME);
    expect(verifyMessage(signed, KEY, { now: TIME - 300 }).time).toBe(TIME);
    expect(readTsig(signed)?.unsigned.equals(MESSAGE)).toBe(true);
  });

  it('refuses every single flipped bit, except in what RFC 8945 leaves out of the MAC', () => {
    // Not covered, by design: the header ID (the original ID in the TSIG record is signed instead) and the case
    // of the key and algorithm names (compared and digested in canonical lower case).
    const keyName = [MESSAGE.length, MESSAGE.length + wireName('portico-key').length];
    const algorithmStart = keyName[1] + 10;
    const algorithmName = [algorithmStart, algorithmStart + wireName('hmac-sha256').length];
    const caseOnly = (i: number, bit: number) =>
      bit === 5 && /[a-z]/i.test(String.fromCharCode(signed[i])) && ((i >= keyName[0] && i < keyName[1]) || (i >= algorithmName[0] && i < algorithmName[1]));
    for (let i = 0; i < signed.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const tampered = Buffer.from(signed);
        tampered[i] ^= 1 << bit;
        let verified = false;
        try {
          verifyMessage(tampered, KEY, { now: TIME });
          verified = true;
        } catch {
          // a TsigError, or a RangeError when the flip broke the message's structure
        }
        expect(verified, `byte ${i} bit ${bit}`).toBe(i < 2 || caseOnly(i, bit));
      }
    }
  });

  it('counts a case change inside the message as tampering', async () => {
    const tampered = Buffer.from(signed);
    tampered[14] ^= 0x20; // "example" → "eXample" in the question
    expect((await failure(() => verifyMessage(tampered, KEY, { now: TIME }))).code).toBe('BADSIG');
  });

  it('refuses a wrong secret, another key name or algorithm, a time beyond the fudge, no TSIG at all', async () => {
    const wrongSecret = tsigKey({ name: 'portico-key', secret: Buffer.alloc(32, 7).toString('base64') });
    expect((await failure(() => verifyMessage(signed, wrongSecret, { now: TIME }))).code).toBe('BADSIG');
    expect((await failure(() => verifyMessage(signed, tsigKey({ name: 'other-key', secret: SECRET }), { now: TIME }))).code).toBe('BADKEY');
    expect((await failure(() => verifyMessage(signed, tsigKey({ name: 'portico-key', algorithm: 'hmac-sha512', secret: SECRET }), { now: TIME }))).code).toBe('BADKEY');
    expect((await failure(() => verifyMessage(signed, KEY, { now: TIME + 301 }))).code).toBe('BADTIME');
    expect((await failure(() => verifyMessage(signed, KEY, { now: TIME - 301 }))).code).toBe('BADTIME');
    expect((await failure(() => verifyMessage(MESSAGE, KEY, { now: TIME }))).code).toBe('UNSIGNED');
  });

  it('checks an answer against the request MAC', async () => {
    const request = signMessage(MESSAGE, KEY, { time: TIME });
    const answer = signMessage(MESSAGE, KEY, { time: TIME, requestMac: request.mac }).wire;
    expect(verifyMessage(answer, KEY, { requestMac: request.mac, now: TIME }).error).toBe(0);
    const otherRequest = signMessage(MESSAGE, KEY, { time: TIME + 1 }).mac;
    expect((await failure(() => verifyMessage(answer, KEY, { requestMac: otherRequest, now: TIME }))).code).toBe('BADSIG');
    expect((await failure(() => verifyMessage(answer, KEY, { now: TIME }))).code).toBe('BADSIG');
  });

  it("reports the server's TSIG error: unsigned BADSIG/BADKEY, signed BADTIME with the server's clock", async () => {
    const request = signMessage(MESSAGE, KEY, { time: TIME });
    // What a server sends when it cannot check us: same key name, empty MAC, error set.
    const unsignedError = withEmptyMac(signMessage(MESSAGE, KEY, { time: TIME, error: 16 }).wire);
    const badsig = await failure(() => verifyMessage(unsignedError, KEY, { requestMac: request.mac, now: TIME }));
    expect(badsig).toMatchObject({ code: 'BADSIG', byServer: true });
    const serverTime = Buffer.alloc(6);
    serverTime.writeUIntBE(TIME + 1000, 0, 6);
    const badtime = signMessage(MESSAGE, KEY, { time: TIME, requestMac: request.mac, error: 18, otherData: serverTime }).wire;
    expect(await failure(() => verifyMessage(badtime, KEY, { requestMac: request.mac, now: TIME }))).toMatchObject({ code: 'BADTIME', byServer: true, serverTime: TIME + 1000 });
  });

  it('accepts a MAC truncated to at least half its length (min 10 bytes) and refuses a shorter one', async () => {
    const { wire } = signMessage(MESSAGE, KEY, { time: TIME });
    expect(verifyMessage(truncateMac(wire, 16), KEY, { now: TIME }).mac).toHaveLength(16);
    expect((await failure(() => verifyMessage(truncateMac(wire, 15), KEY, { now: TIME }))).code).toBe('BADTRUNC');
  });
});

describe('tsigKey', () => {
  it('refuses hmac-md5, unknown algorithms, secrets that are not base64, malformed names', () => {
    expect(() => tsigKey({ name: 'k', algorithm: 'hmac-md5', secret: SECRET })).toThrow(/md5/);
    expect(() => tsigKey({ name: 'k', algorithm: 'HMAC-MD5.SIG-ALG.REG.INT', secret: SECRET })).toThrow(/md5/);
    expect(() => tsigKey({ name: 'k', algorithm: 'hmac-sha3', secret: SECRET })).toThrow(/Unknown TSIG algorithm/);
    expect(() => tsigKey({ name: 'k', secret: 'not base64!' })).toThrow(/base64/);
    expect(() => tsigKey({ name: 'k', secret: '' })).toThrow(/base64/);
    expect(() => tsigKey({ name: 'a..b', secret: SECRET })).toThrow(/label/);
    expect(tsigKey({ name: 'Key.Example.', algorithm: 'HMAC-SHA512', secret: `${SECRET.slice(0, 20)}\n${SECRET.slice(20)}` })).toMatchObject({ name: 'key.example', algorithm: 'hmac-sha512' });
  });
});

describe('createStreamVerifier', () => {
  const request = signMessage(MESSAGE, KEY, { time: TIME });
  const part = (n: number) => {
    const message = Buffer.from(MESSAGE);
    message.writeUInt16BE(0x8400 + n, 2);
    return message;
  };

  /** A server's zone transfer signed per RFC 8945 §5.3.1, with the digests written out by hand. */
  function stream(unsignedMiddle: boolean): Buffer[] {
    const first = signMessage(part(0), KEY, { time: TIME, requestMac: request.mac });
    const hand = (priorMac: Buffer, messages: Buffer[], time: number) =>
      createHmac('sha256', KEY.secret)
        .update(Buffer.concat([u16(priorMac.length), priorMac, ...messages, u48(time), u16(300)]))
        .digest();
    const secondMac = hand(first.mac, unsignedMiddle ? [part(1), part(2)] : [part(2)], TIME + 1);
    return [first.wire, ...(unsignedMiddle ? [part(1)] : []), withMac(signMessage(part(2), KEY, { time: TIME + 1 }).wire, secondMac)];
  }

  it('verifies chained messages, with and without unsigned ones between', () => {
    for (const unsignedMiddle of [false, true]) {
      const verifier = createStreamVerifier(KEY, request.mac, { now: () => TIME });
      expect(stream(unsignedMiddle).map((message) => verifier.verify(message))).toEqual(unsignedMiddle ? [true, false, true] : [true, true]);
      expect(() => verifier.end()).not.toThrow();
    }
  });

  it('refuses a changed unsigned message, a reordered stream and a stream ending unsigned', () => {
    const messages = stream(true);
    const changed = Buffer.from(messages[1]);
    changed[3] ^= 1;
    const verifier = createStreamVerifier(KEY, request.mac, { now: () => TIME });
    verifier.verify(messages[0]);
    verifier.verify(changed);
    expect(() => verifier.verify(messages[2])).toThrow(TsigError);

    const reordered = createStreamVerifier(KEY, request.mac, { now: () => TIME });
    expect(() => reordered.verify(messages[2])).toThrow(TsigError);

    const cut = createStreamVerifier(KEY, request.mac, { now: () => TIME });
    cut.verify(messages[0]);
    cut.verify(messages[1]);
    expect(() => cut.end()).toThrow(/does not end with a signed message/);
  });
});

// BIND's own signer: capture what dig and nsupdate send, verify it, and sign the same bytes the same way.
const haveDig = requireBinary('dig', 'bind9-dnsutils');

describe.skipIf(!haveDig)('against messages signed by BIND tools', { timeout: 60_000 }, () => {
  for (const algorithm of ['hmac-sha256', 'hmac-sha512', 'hmac-sha1'] as const) {
    it(`dig -y ${algorithm}: we verify its request and reproduce its TSIG record exactly`, async () => {
      const key = tsigKey({ name: 'portico-key', algorithm, secret: SECRET });
      const wire = await capture((port) => ['dig', ['-y', `${algorithm}:portico-key:${SECRET}`, '-p', String(port), '@127.0.0.1', 'example.test', 'SOA', '+tries=1', '+time=5']]);
      const tsig = verifyMessage(wire, key);
      expect(tsig).toMatchObject({ keyName: 'portico-key', algorithm });
      const ours = signMessage(tsig.unsigned, key, { time: tsig.time, fudge: tsig.fudge });
      expect(ours.mac.toString('hex')).toBe(tsig.mac.toString('hex'));
      expect(ours.wire.toString('hex')).toBe(wire.toString('hex'));
    });
  }

  it('nsupdate -y: we verify its UPDATE and reproduce its MAC', async () => {
    const wire = await capture((port) => [
      'nsupdate',
      ['-y', `hmac-sha256:portico-key:${SECRET}`],
      `server 127.0.0.1 ${port}\nzone example.test\nupdate delete a.example.test A\nupdate add a.example.test 60 TXT "hello"\nsend\n`,
    ]);
    expect((readHeader(wire).flags >> 11) & 0xf).toBe(5); // UPDATE (dns-packet cannot decode its empty-data records)
    const tsig = verifyMessage(wire, KEY);
    expect(signMessage(tsig.unsigned, KEY, { time: tsig.time, fudge: tsig.fudge }).mac.equals(tsig.mac)).toBe(true);
  });
});

/** Runs a BIND tool against a UDP socket on a free port and returns the first message it sends. */
async function capture(command: (port: number) => [string, string[], string?]): Promise<Buffer> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const [file, args, input] = command(socket.address().port);
  const received = new Promise<Buffer>((resolve) => socket.once('message', resolve));
  const child = execFile(file, args, { timeout: 60_000 }, () => undefined);
  if (input !== undefined) child.stdin?.end(input);
  try {
    return await received;
  } finally {
    child.kill();
    socket.close();
  }
}

/** The same message with its TSIG MAC emptied (as a server's BADSIG/BADKEY answer carries it). */
function withEmptyMac(wire: Buffer): Buffer {
  return truncateMac(wire, 0);
}

/** Replaces the MAC of the message's TSIG record (same length). */
function withMac(wire: Buffer, mac: Buffer): Buffer {
  const tsig = readTsig(wire) as NonNullable<ReturnType<typeof readTsig>>;
  const out = Buffer.from(wire);
  out.set(mac, wire.indexOf(tsig.mac));
  return out;
}

/** Cuts the TSIG MAC to `length` bytes, fixing MAC size and RDLENGTH. */
function truncateMac(wire: Buffer, length: number): Buffer {
  const tsig = readTsig(wire) as NonNullable<ReturnType<typeof readTsig>>;
  const macAt = wire.indexOf(tsig.mac);
  const out = Buffer.concat([wire.subarray(0, macAt - 2), u16(length), tsig.mac.subarray(0, length), wire.subarray(macAt + tsig.mac.length)]);
  const rdlengthAt = tsig.unsigned.length + wireName('portico-key').length + 8;
  out.writeUInt16BE(out.length - rdlengthAt - 2, rdlengthAt);
  return out;
}

