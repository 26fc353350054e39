// The adapter against a recording fetch: what it asks PowerDNS for, which API URL a credential may reach, and
// how comments map onto ownership. test/ runs the same plugin against a real PowerDNS.
import { DnsProviderError, KernelError, ownerMarker, type Kernel } from '@portico/kernel';
import { createTestKernel } from '@portico/kernel/conformance';
import { afterAll, describe, expect, it } from 'vitest';
import powerdns, { normalApiUrl, POWERDNS_NAME_QUERY_LIMIT } from './index.ts';

const API = 'http://pdns.internal:8081';
const KEY = 'sekrit-key-0123456789';

interface Sent {
  method: string;
  url: URL;
  body: { rrsets: Array<Record<string, unknown>> } | undefined;
}

type RRSet = { name: string; type: string; ttl: number; records: Array<{ content: string }>; comments?: Array<{ content: string }> };

/** A fetch that records every request and answers zone GETs from `rrsets` (honouring `rrset_name`). */
function recording(rrsets: RRSet[] = []) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    sent.push({ method, url, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    if (method === 'PATCH') return new Response(null, { status: 204 });
    if (url.pathname.endsWith('/servers/localhost')) return Response.json({ id: 'localhost', version: '4.7.3', daemon_type: 'authoritative' });
    if (url.pathname.endsWith('/zones')) return Response.json([{ name: 'example.com.', kind: 'Native', serial: 1 }]);
    const name = url.searchParams.get('rrset_name');
    return Response.json({ name: 'example.com.', kind: 'Native', serial: 1, rrsets: rrsets.filter((set) => name === null || set.name === name) });
  };
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

const kernels: Kernel[] = [];
afterAll(async () => {
  for (const kernel of kernels) await kernel.close();
});

async function start(options: Record<string, unknown>, fetch: typeof globalThis.fetch = recording().fetch): Promise<Kernel> {
  const kernel = await createTestKernel([{ plugin: powerdns, options }], { services: { fetch } });
  kernels.push(kernel);
  return kernel;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

describe('dns.powerdns plugin', () => {
  it('describes the provider: comment ownership, atomic rrset writes, no fixed nameservers by default', async () => {
    const kernel = await start({ apiUrl: API });
    expect(kernel.descriptors.dnsProviders).toEqual([
      expect.objectContaining({
        apiVersion: 1,
        plugin: 'dns.powerdns',
        provider: 'powerdns',
        setup: 'api',
        nameservers: [],
        capabilities: { recordTypes: ['A', 'AAAA', 'CNAME', 'TXT'], updateGranularity: 'rrset', atomic: true, wildcard: true, apexAlias: false, ownership: 'comment' },
        permissions: [expect.stringContaining('no scopes'), expect.stringContaining('webserver-allow-from'), expect.stringContaining('GET')],
      }),
    ]);
    const hinted = await start({ apiUrl: API, nameservers: ['*.dns.example.net'] });
    expect(hinted.descriptors.dnsProviders[0].nameservers).toEqual(['*.dns.example.net']);
  });

  it('refuses invalid options', async () => {
    for (const options of [{ apiUrl: 'ftp://pdns.internal' }, { allowedApiUrls: ['not a url'] }, { timeoutMs: 0 }, { serverId: '' }, { nameservers: [''] }]) {
      await expect(start(options)).rejects.toMatchObject({ code: 'PLUGIN_OPTIONS_INVALID' });
    }
  });

  it('refuses a credential of the wrong shape with DNS_CREDENTIALS_INVALID, naming the field', async () => {
    const { sent, fetch } = recording();
    const kernel = await start({ apiUrl: API }, fetch);
    for (const [credentials, field] of [[{}, 'apiKey'], [{ apiKey: '' }, 'apiKey'], [{ apiKey: KEY, apiUrl: 'not a url' }, 'apiUrl']] as const) {
      const verified = await failure(kernel.dns('powerdns').verifyCredentials(credentials));
      expect(verified).toBeInstanceOf(KernelError);
      expect(verified).toMatchObject({ code: 'DNS_CREDENTIALS_INVALID', details: { provider: 'powerdns', issues: [expect.objectContaining({ path: field })] } });
      const written = failure(kernel.applyRecords('powerdns', { zone: 'example.com', upsert: [{ name: 'a.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'] }], remove: [], credentials }));
      expect(await written).toMatchObject({ code: 'DNS_CREDENTIALS_INVALID' });
    }
    expect(sent).toEqual([]);
  });

  it("reaches a credential's own apiUrl only when the options allow it, asking nothing otherwise", async () => {
    const { sent, fetch } = recording();
    const kernel = await start({ apiUrl: API, allowedApiUrls: ['http://Tenant-PDNS.internal:8081/api/v1/'] }, fetch);
    const handle = kernel.dns('powerdns');
    for (const apiUrl of ['http://169.254.169.254', 'http://pdns.internal:8082', 'https://pdns.internal:8081']) {
      const refused = await failure(handle.verifyCredentials({ apiKey: KEY, apiUrl }));
      expect(refused).toBeInstanceOf(DnsProviderError);
      expect(refused).toMatchObject({ kind: 'validation' });
      expect((refused as Error).message).not.toContain(apiUrl);
      const written = await failure(kernel.applyRecords('powerdns', { zone: 'example.com', upsert: [{ name: 'a.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'] }], remove: [], credentials: { apiKey: KEY, apiUrl } }));
      expect(written).toMatchObject({ kind: 'validation' });
    }
    expect(sent).toEqual([]);

    await handle.verifyCredentials({ apiKey: KEY, apiUrl: 'http://tenant-pdns.internal:8081' });
    await handle.verifyCredentials({ apiKey: KEY, apiUrl: `${API}/` });
    await handle.verifyCredentials({ apiKey: KEY });
    expect(sent.map((request) => request.url.origin)).toEqual([
      'http://tenant-pdns.internal:8081',
      'http://tenant-pdns.internal:8081',
      API,
      API,
      API,
      API,
    ]);
  });

  it('without an apiUrl option, a credential must name a listed URL', async () => {
    const kernel = await start({ allowedApiUrls: [API] });
    expect(await failure(kernel.dns('powerdns').verifyCredentials({ apiKey: KEY }))).toMatchObject({ kind: 'validation', message: expect.stringContaining('"apiUrl" option') });
    await expect(kernel.dns('powerdns').verifyCredentials({ apiKey: KEY, apiUrl: API })).resolves.toEqual({ zones: ['example.com'], message: 'PowerDNS 4.7.3 (authoritative, server localhost)' });
  });

  it('uses the serverId and timeoutMs options', async () => {
    const { sent, fetch } = recording();
    await (await start({ apiUrl: API, serverId: 'primary' }, fetch)).dns('powerdns').getZone('example.com', { apiKey: KEY });
    expect(sent[0].url.pathname).toBe('/api/v1/servers/primary/zones/example.com.');
    const silent = (async (_input: unknown, init: RequestInit = {}) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof globalThis.fetch;
    const slow = await start({ apiUrl: API, timeoutMs: 20 }, silent);
    expect(await failure(slow.dns('powerdns').verifyCredentials({ apiKey: KEY }))).toMatchObject({ kind: 'transient', message: expect.stringContaining('within 20 ms') });
  });

  it('writes every change of one apply in one PATCH, the owner marker as the comment of each upserted set', async () => {
    const marker = ownerMarker('org_1');
    const { sent, fetch } = recording([
      { name: 'old.example.com.', type: 'A', ttl: 60, records: [{ content: '192.0.2.9' }], comments: [{ content: marker }] },
      { name: 'www.example.com.', type: 'CNAME', ttl: 60, records: [{ content: 'edge.example.net.' }], comments: [{ content: marker }] },
    ]);
    const kernel = await start({ apiUrl: API }, fetch);
    const result = await kernel.applyRecords('powerdns', {
      zone: 'example.com',
      owner: 'org_1',
      upsert: [
        { name: 'www.example.com', type: 'CNAME', ttl: 300, values: ['edge2.example.net'] },
        { name: '_portico-challenge.www.example.com', type: 'TXT', ttl: 60, values: ['token'] },
      ],
      remove: [{ name: 'old.example.com', type: 'A', ttl: 60, values: ['192.0.2.9'] }],
      credentials: { apiKey: KEY },
    });
    expect(result.changes.map((change) => change.action)).toEqual(['update', 'create', 'delete']);
    const patches = sent.filter((request) => request.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0].body?.rrsets).toEqual([
      { name: 'www.example.com.', type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: 'edge2.example.net.', disabled: false }], comments: [{ content: marker, account: '' }] },
      { name: '_portico-challenge.www.example.com.', type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: '"token"', disabled: false }], comments: [{ content: marker, account: '' }] },
      { name: 'old.example.com.', type: 'A', changetype: 'DELETE' },
    ]);
  });

  it(`reads up to ${POWERDNS_NAME_QUERY_LIMIT} names one by one, more with one read of the whole zone`, async () => {
    const rrsets: RRSet[] = Array.from({ length: 40 }, (_, i) => ({ name: `n${i}.example.com.`, type: 'TXT', ttl: 60, records: [{ content: `"v${i}"` }] }));
    const { sent, fetch } = recording(rrsets);
    const handle = (await start({ apiUrl: API }, fetch)).dns('powerdns');
    const few = ['n1.example.com', 'N2.example.com.', 'n2.example.com', 'missing.example.com'];
    expect((await handle.getRecords('example.com', { apiKey: KEY }, { names: few })).map((set) => set.name).sort()).toEqual(['n1.example.com', 'n2.example.com']);
    expect(sent.map((request) => request.url.searchParams.get('rrset_name')).sort()).toEqual(['missing.example.com.', 'n1.example.com.', 'n2.example.com.']);

    sent.length = 0;
    const many = Array.from({ length: POWERDNS_NAME_QUERY_LIMIT + 1 }, (_, i) => `n${i * 2}.example.com`);
    const read = await handle.getRecords('example.com', { apiKey: KEY }, { names: many });
    expect(read.map((set) => set.name).sort()).toEqual([...many].sort());
    expect(sent).toHaveLength(1);
    expect(sent[0].url.search).toBe('');
  });

  it("maps comments onto ownership: Portico's marker when present, else the first comment, else none", async () => {
    const marker = ownerMarker('org_1');
    const { fetch } = recording([
      { name: 'both.example.com.', type: 'TXT', ttl: 60, records: [{ content: '"x"' }], comments: [{ content: 'edited by hand' }, { content: marker }] },
      { name: 'note.example.com.', type: 'TXT', ttl: 60, records: [{ content: '"x"' }], comments: [{ content: 'edited by hand' }] },
      { name: 'bare.example.com.', type: 'TXT', ttl: 60, records: [{ content: '"x"' }] },
    ]);
    const read = await (await start({ apiUrl: API }, fetch)).dns('powerdns').getRecords('example.com', { apiKey: KEY });
    expect(read).toEqual([
      { name: 'bare.example.com', type: 'TXT', ttl: 60, values: ['x'] },
      { name: 'both.example.com', type: 'TXT', ttl: 60, values: ['x'], comment: marker },
      { name: 'note.example.com', type: 'TXT', ttl: 60, values: ['x'], comment: 'edited by hand' },
    ]);
  });

  it('normalises API URLs for the allow-list', () => {
    expect(normalApiUrl('HTTP://PDNS.internal:80/api/v1/')).toBe('http://pdns.internal');
    expect(normalApiUrl('https://pdns.internal/prefix/')).toBe('https://pdns.internal/prefix');
    expect(normalApiUrl('http://user:pw@pdns.internal:8081')).not.toBe(normalApiUrl('http://pdns.internal:8081'));
  });
});
