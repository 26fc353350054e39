import { describe, expect, it } from 'vitest';
import { toWebhookChanges } from './adapter.ts';
import { toEndpoint, toRecordSets } from './endpoints.ts';
import { COMMENT_LABEL, parseEndpoints, parseNegotiation } from './protocol.ts';

const MARKER = 'heritage=portico,portico/owner=org_1';

describe('record sets → endpoints', () => {
  it('carries the comment in labels["portico/comment"], and no labels without one', () => {
    const set = { name: 'Shop.Example.com.', type: 'CNAME' as const, ttl: 300, values: ['edge.example.net'] };
    expect(toEndpoint(set, MARKER)).toEqual({ dnsName: 'shop.example.com', recordType: 'CNAME', targets: ['edge.example.net'], recordTTL: 300, labels: { [COMMENT_LABEL]: MARKER } });
    expect(toEndpoint(set)).not.toHaveProperty('labels');
  });

  it('turns the kernel\'s writes into one body: updates with the set as read, deletes with the values to remove', () => {
    const a = { name: 'a.example.com', type: 'A' as const, ttl: 60, values: ['192.0.2.1'] };
    const before = { ...a, comment: MARKER };
    expect(
      toWebhookChanges([
        { action: 'delete', set: { ...a, values: [] }, before },
        { action: 'update', set: { ...a, values: ['192.0.2.2'] }, before },
        { action: 'create', set: a },
      ]),
    ).toEqual({ create: [a], update: [{ old: before, new: { ...a, values: ['192.0.2.2'] } }], delete: [before] });
    // An update without what was read sends no old targets: the server then checks nothing.
    expect(toWebhookChanges([{ action: 'update', set: a }]).update).toEqual([{ old: { ...a, values: [] }, new: a }]);
  });
});

describe('endpoints → record sets', () => {
  it('normalises names and CNAME targets, keeps TXT text as it is, leaves other types and empty sets out, sorts', () => {
    const sets = toRecordSets(
      parseEndpoints([
        { dnsName: 'WWW.example.com.', recordType: 'cname', targets: ['Edge.Example.NET.'], recordTTL: 60 },
        { dnsName: 'a.example.com', recordType: 'TXT', targets: ['Say "Hi"', 'two'] },
        { dnsName: 'a.example.com', recordType: 'MX', targets: ['10 mail.example.com'] },
        { dnsName: 'b.example.com', recordType: 'A', targets: [] },
        { dnsName: 'a.example.com', recordType: 'A', targets: ['192.0.2.1'], labels: { [COMMENT_LABEL]: MARKER } },
      ]),
    );
    expect(sets).toEqual([
      { name: 'a.example.com', type: 'A', ttl: 0, values: ['192.0.2.1'], comment: MARKER },
      { name: 'a.example.com', type: 'TXT', ttl: 0, values: ['Say "Hi"', 'two'] },
      { name: 'www.example.com', type: 'CNAME', ttl: 60, values: ['edge.example.net'] },
    ]);
  });

  it('merges endpoints of one name and type; the set has a comment only when every part carries the same one', () => {
    const part = (target: string, comment?: string) => ({ dnsName: 'a.example.com', recordType: 'A', targets: [target], setIdentifier: target, ...(comment ? { labels: { [COMMENT_LABEL]: comment } } : {}) });
    expect(toRecordSets([part('192.0.2.1', MARKER), part('192.0.2.2', MARKER)])).toEqual([{ name: 'a.example.com', type: 'A', ttl: 0, values: ['192.0.2.1', '192.0.2.2'], comment: MARKER }]);
    expect(toRecordSets([part('192.0.2.1', MARKER), part('192.0.2.2')])[0]).not.toHaveProperty('comment');
    expect(toRecordSets([part('192.0.2.1', MARKER), part('192.0.2.2', 'heritage=portico,portico/owner=org_2')])[0]).not.toHaveProperty('comment');
  });
});

describe('answers the client refuses', () => {
  it('endpoints of the wrong shape', () => {
    expect(() => parseEndpoints({})).toThrow('not an array');
    expect(() => parseEndpoints([{ recordType: 'A', targets: [] }])).toThrow('no dnsName');
    expect(() => parseEndpoints([{ dnsName: 'a.example.com', recordType: 'A', targets: [1] }])).toThrow('targets');
    expect(() => parseEndpoints([{ dnsName: 'a.example.com', recordType: 'A', targets: [], labels: { x: 1 } }])).toThrow('labels');
    expect(parseEndpoints([{ dnsName: 'a.example.com', recordType: 'A', targets: null }])).toEqual([{ dnsName: 'a.example.com', recordType: 'A', targets: [] }]);
  });

  it('a negotiation of the wrong shape; unknown fields are ignored', () => {
    expect(() => parseNegotiation([])).toThrow('not an object');
    expect(() => parseNegotiation({ include: 'example.com' })).toThrow('include');
    expect(() => parseNegotiation({ portico: { comments: true } })).toThrow('version');
    expect(() => parseNegotiation({ portico: { version: 1, zones: [{ nameservers: [] }] } })).toThrow('portico.zones');
    expect(parseNegotiation({ include: ['example.com'], later: { added: true } })).toMatchObject({ include: ['example.com'] });
  });
});
