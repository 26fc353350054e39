// The client against BIND 9 (named from @portico/test-servers), plus BIND's own answers checked with tsig.ts.
import { createSocket } from 'node:dgram';
import { requireBind, startBind, type Bind } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMessage, tsigKey, verifyMessage } from '../src/tsig.ts';
import { encodeQuery, encodeUpdate } from '../src/update.ts';
import { readHeader } from '../src/wire.ts';
import { describeClientAgainst, ZONE } from './suite.ts';

const available = requireBind();

describeClientAgainst({
  label: 'BIND',
  available,
  start: startBind,
  expect: {
    keyNotAllowed: { kind: 'permission', rcode: 'REFUSED' },
    transferNotAllowed: { kind: 'permission', rcode: 'REFUSED' },
    zoneNotServed: 'not_found',
  },
});

describe.skipIf(!available)('TSIG against BIND', { timeout: 60_000 }, () => {
  let bind: Bind;
  beforeAll(async () => {
    bind = await startBind({ zones: [{ name: ZONE, records: [{ name: 'www', type: 'A', values: ['192.0.2.1'] }] }] });
  }, 120_000);
  afterAll(() => bind?.stop(), 30_000);

  /** Sends one message over UDP and returns the answer. */
  async function send(wire: Buffer): Promise<Buffer> {
    const socket = createSocket('udp4');
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer from BIND')), 5000);
        socket.once('message', (message) => {
          clearTimeout(timer);
          resolve(message);
        });
        socket.send(wire, bind.dnsPort, bind.host);
      });
    } finally {
      socket.close();
    }
  }

  it('BIND accepts our signed query and UPDATE, and its signed answers verify against our request MAC', async () => {
    const key = tsigKey(bind.keys[0]);
    for (const message of [encodeQuery('www.example.test', 'A'), encodeUpdate({ zone: ZONE, prerequisites: [{ kind: 'rrset-exists', name: ZONE, type: 'SOA' }] })]) {
      const request = signMessage(message, key);
      const answer = await send(request.wire);
      expect(readHeader(answer).rcode).toBe(0);
      expect(verifyMessage(answer, key, { requestMac: request.mac })).toMatchObject({ keyName: key.name, algorithm: 'hmac-sha256', error: 0 });
      // The same answer does not verify against another request's MAC.
      expect(() => verifyMessage(answer, key, { requestMac: Buffer.alloc(32) })).toThrow(/MAC does not match/);
    }
  });

  it("BIND's BADTIME answer is signed and carries its clock", async () => {
    const key = tsigKey(bind.keys[0]);
    const request = signMessage(encodeQuery('www.example.test', 'A'), key, { time: Math.floor(Date.now() / 1000) - 3600 });
    const answer = await send(request.wire);
    expect(readHeader(answer).rcode).toBe(9);
    expect(() => verifyMessage(answer, key, { requestMac: request.mac })).toThrow(expect.objectContaining({ code: 'BADTIME', byServer: true, serverTime: expect.any(Number) }));
  });
});
