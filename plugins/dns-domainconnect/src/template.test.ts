import type { DnsProviderError } from '@portico/kernel';
import { describe, expect, it } from 'vitest';
import { expandTemplate, loadShippedTemplate, matchTemplate, templateSchema, templateVariables, type DomainConnectTemplate } from './template.ts';

const template = (records: unknown[], more: Record<string, unknown> = {}): DomainConnectTemplate =>
  templateSchema.parse({ providerId: 'acme.example', providerName: 'Acme', serviceId: 'site', serviceName: 'Site', version: 1, records, ...more });

const site = template([
  { type: 'CNAME', host: 'www', pointsTo: '%target%', ttl: 600 },
  { type: 'A', host: '@', pointsTo: '%ip%', ttl: 300 },
  { type: 'TXT', host: '@', data: 'site=%fqdn% zone=%domain% host=%host%', ttl: 300 },
  { type: 'TXT', host: '_acme.example.net.', data: 'abs', ttl: 60 },
  { type: 'CNAME', host: 'self', pointsTo: '@', ttl: 60 },
]);

const error = (fn: () => unknown): DnsProviderError => {
  try {
    fn();
  } catch (e) {
    return e as DnsProviderError;
  }
  throw new Error('expected a throw');
};

describe('expandTemplate', () => {
  it('expands at the apex: @ is the zone, relative hosts hang off it, %host% is empty', () => {
    expect(expandTemplate(site, { domain: 'Example.com', host: '', variables: { TARGET: 'Edge.Portico.Example.', ip: '192.0.2.1' } })).toEqual([
      { name: 'www.example.com', type: 'CNAME', ttl: 600, values: ['edge.portico.example'] },
      { name: 'example.com', type: 'A', ttl: 300, values: ['192.0.2.1'] },
      { name: 'example.com', type: 'TXT', ttl: 300, values: ['site=example.com zone=example.com host='] },
      { name: '_acme.example.net', type: 'TXT', ttl: 60, values: ['abs'] },
      { name: 'self.example.com', type: 'CNAME', ttl: 60, values: ['example.com'] },
    ]);
  });

  it('expands under a host: @ and %fqdn% are host.domain, relative hosts hang off it, absolute ones stay', () => {
    expect(expandTemplate(site, { domain: 'example.com', host: 'shop', variables: { target: 'edge.portico.example', ip: '192.0.2.1' } })).toEqual([
      { name: 'www.shop.example.com', type: 'CNAME', ttl: 600, values: ['edge.portico.example'] },
      { name: 'shop.example.com', type: 'A', ttl: 300, values: ['192.0.2.1'] },
      { name: 'shop.example.com', type: 'TXT', ttl: 300, values: ['site=shop.example.com zone=example.com host=shop'] },
      { name: '_acme.example.net', type: 'TXT', ttl: 60, values: ['abs'] },
      { name: 'self.shop.example.com', type: 'CNAME', ttl: 60, values: ['shop.example.com'] },
    ]);
  });

  it('groups records of one name and type into one set with the lowest TTL, and applies only the asked groups', () => {
    const grouped = template([
      { type: 'TXT', host: '@', data: 'one', ttl: 600, groupId: 'a' },
      { type: 'TXT', host: '@', data: 'two', ttl: 300, groupId: 'a' },
      { type: 'TXT', host: 'b', data: '%ttl%', ttl: '%ttl%', groupId: 'b' },
    ]);
    expect(expandTemplate(grouped, { domain: 'example.com', host: '', variables: { ttl: '120' } })).toEqual([
      { name: 'example.com', type: 'TXT', ttl: 300, values: ['one', 'two'] },
      { name: 'b.example.com', type: 'TXT', ttl: 120, values: ['120'] },
    ]);
    expect(expandTemplate(grouped, { domain: 'example.com', host: '', variables: {}, groupIds: ['a'] })).toHaveLength(1);
  });

  it('refuses a missing variable, and the apex when the template requires a host', () => {
    expect(error(() => expandTemplate(site, { domain: 'example.com', host: '', variables: { ip: '192.0.2.1' } }))).toMatchObject({ kind: 'unsupported', message: expect.stringContaining('%target%') });
    const hostRequired = template([{ type: 'CNAME', host: '@', pointsTo: '%target%' }], { hostRequired: true });
    expect(error(() => expandTemplate(hostRequired, { domain: 'example.com', host: '', variables: { target: 'x.example' } }))).toMatchObject({ kind: 'unsupported' });
    expect(expandTemplate(hostRequired, { domain: 'example.com', host: 'a', variables: { target: 'x.example' } })).toEqual([{ name: 'a.example.com', type: 'CNAME', ttl: 3600, values: ['x.example'] }]);
  });
});

describe('templateSchema', () => {
  it('accepts the shipped template and names its variables', () => {
    const shipped = loadShippedTemplate('portico', 'customdomain');
    expect(shipped).toMatchObject({ providerId: 'portico', serviceId: 'customdomain', syncPubKeyDomain: 'portico.example' });
    expect(templateVariables(shipped)).toEqual(['target', 'token']);
  });

  it('refuses record types Portico cannot write, unpaired % and malformed variables', () => {
    expect(templateSchema.safeParse({ ...site, records: [{ type: 'MX', host: '@', pointsTo: 'mx.example' }] }).success).toBe(false);
    expect(templateSchema.safeParse({ ...site, records: [{ type: 'TXT', host: '@', data: '50%' }] }).success).toBe(false);
    expect(templateSchema.safeParse({ ...site, records: [{ type: 'TXT', host: '@', data: '%a b%' }] }).success).toBe(false);
  });

  it('says when no template ships for the ids', () => {
    expect(() => loadShippedTemplate('nobody', 'nothing')).toThrow(/pass your template in the "template" option/);
  });
});

describe('matchTemplate', () => {
  const shipped = () => loadShippedTemplate('portico', 'customdomain');

  it('derives %target% and %token% from the wanted records, with the groups they are in', async () => {
    const match = matchTemplate(await shipped(), {
      domain: 'example.com',
      host: 'shop',
      desired: [
        { name: 'shop.example.com', type: 'CNAME', ttl: 300, values: ['Edge.Portico.Example.'] },
        { name: '_portico-challenge.shop.example.com', type: 'TXT', ttl: 300, values: ['portico-verification=tok-1'] },
      ],
    });
    expect(match).toEqual({
      variables: { target: 'edge.portico.example', token: 'tok-1' },
      groupIds: ['route', 'verify'],
      records: [
        { name: 'shop.example.com', type: 'CNAME', ttl: 3600, values: ['edge.portico.example'] },
        { name: '_portico-challenge.shop.example.com', type: 'TXT', ttl: 3600, values: ['portico-verification=tok-1'] },
      ],
    });
  });

  it('asks for only the group a single record needs', async () => {
    const match = matchTemplate(await shipped(), {
      domain: 'example.com',
      host: 'shop',
      desired: [{ name: '_portico-challenge.shop.example.com', type: 'TXT', ttl: 300, values: ['portico-verification=tok-1'] }],
    });
    expect(match).toMatchObject({ variables: { token: 'tok-1' }, groupIds: ['verify'] });
  });

  it('without groups, needs every variable of the whole template', () => {
    const flat = template([
      { type: 'CNAME', host: '@', pointsTo: '%target%' },
      { type: 'TXT', host: '_v', data: '%token%' },
    ]);
    const txt = { name: '_v.a.example.com', type: 'TXT' as const, ttl: 60, values: ['t'] };
    expect(error(() => matchTemplate(flat, { domain: 'example.com', host: 'a', desired: [txt] }))).toMatchObject({ kind: 'unsupported', message: expect.stringContaining('%target%') });
    expect(matchTemplate(flat, { domain: 'example.com', host: 'a', desired: [txt, { name: 'a.example.com', type: 'CNAME', ttl: 60, values: ['b.example'] }] }).variables).toEqual({ token: 't', target: 'b.example' });
  });

  it('keeps a variable used twice consistent and finds the assignment that fits', () => {
    const twice = template([
      { type: 'TXT', host: '@', data: 'k=%v%' },
      { type: 'TXT', host: '@', data: '%v%-%w%' },
    ]);
    const desired = [{ name: 'example.com', type: 'TXT' as const, ttl: 60, values: ['1-2', 'k=1'] }];
    expect(matchTemplate(twice, { domain: 'example.com', host: '', desired }).variables).toEqual({ v: '1', w: '2' });
    expect(error(() => matchTemplate(twice, { domain: 'example.com', host: '', desired: [{ ...desired[0], values: ['1-2', 'k=3'] }] })).kind).toBe('unsupported');
  });

  it('refuses records the template cannot produce, names outside the zone, and the apex for hostRequired', async () => {
    const cases = [
      { name: 'shop.example.com', type: 'A' as const, ttl: 60, values: ['192.0.2.1'] },
      { name: 'other.example.com', type: 'CNAME' as const, ttl: 60, values: ['edge.portico.example'] },
      { name: '_portico-challenge.shop.example.com', type: 'TXT' as const, ttl: 60, values: ['something-else'] },
    ];
    const portico = await shipped();
    for (const set of cases) {
      expect(error(() => matchTemplate(portico, { domain: 'example.com', host: 'shop', desired: [set] })).kind, set.name).toBe('unsupported');
    }
    expect(error(() => matchTemplate(portico, { domain: 'example.com', host: 'shop', desired: [{ ...cases[0], name: 'example.net' }] })).kind).toBe('validation');
    expect(error(() => matchTemplate(portico, { domain: 'example.com', host: '', desired: [{ name: 'example.com', type: 'CNAME', ttl: 60, values: ['edge.portico.example'] }] })).kind).toBe('unsupported');
  });
});
