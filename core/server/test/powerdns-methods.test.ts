import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { requirePowerDns, startPowerDns, type PowerDns } from '@portico/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

/**
 * Every verification method end to end: a domain is added over HTTP, what its `instructions` say is published
 * at real PowerDNS servers (and, for http-file, served by a local web server), and Portico verifies it in
 * authoritative mode.
 *
 * Three servers, so that every answer Portico believes must come from the zone's own servers:
 * - `parent` (127.0.0.1): `test` (the top of the tree, delegating every test zone), customer.test (which delegates
 *   eu.customer.test), brand.test, platform.test;
 * - `child` (127.0.0.2, same port): eu.customer.test and cdn.test;
 * - `discovery` (127.0.0.1, its own port): the zones' NS and glue and nothing else. It stands in for the recursive
 *   resolvers of `dns.servers`, which Portico asks only where the tree starts; below that it follows referrals.
 */
const available = requirePowerDns();
const plugin = (name: string) => fileURLToPath(new URL(`../../../plugins/${name}`, import.meta.url));
const glue = (name: string, address: string) => ({ name, type: 'A', values: [address] });

interface Instruction {
  name: string;
  type: string;
  value: string;
}

const EDGE_V4 = '192.0.2.10';
const EDGE_V6 = '2001:db8::10';
const PARENT_ZONES = ['customer.test', 'brand.test', 'platform.test'];
const CHILD_ZONES = ['eu.customer.test', 'cdn.test'];

describe.skipIf(!available)('verification methods against real PowerDNS servers', () => {
  let parent: PowerDns;
  let child: PowerDns;
  let discovery: PowerDns;
  let site: Server;
  /** What the web server serves: full URL (Host header included) → body. */
  const files = new Map<string, string>();
  let portico: TestPortico;
  let session: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;

  beforeAll(async () => {
    parent = await startPowerDns({
      zones: [
        // The top of the tree, as the root and TLD servers are in production: it delegates every test zone, so a
        // name outside them gets an authoritative NXDOMAIN rather than no answer at all.
        {
          name: 'test',
          records: [
            glue('ns1.test', '127.0.0.1'),
            ...PARENT_ZONES.map((name) => ({ name: name.replace(/\.test$/, ''), type: 'NS', values: [`ns1.${name}`] })),
            ...PARENT_ZONES.map((name) => glue(`ns1.${name}`, '127.0.0.1')),
            { name: 'cdn', type: 'NS', values: ['ns1.cdn.test'] },
            glue('ns1.cdn.test', '127.0.0.2'),
          ],
        },
        {
          name: 'customer.test',
          records: [glue('ns1.customer.test', '127.0.0.1'), { name: 'eu', type: 'NS', values: ['ns1.eu.customer.test'] }, glue('ns1.eu.customer.test', '127.0.0.2')],
        },
        { name: 'brand.test', records: [glue('ns1.brand.test', '127.0.0.1')] },
        {
          name: 'platform.test',
          records: [
            glue('ns1.platform.test', '127.0.0.1'),
            // The operator's one-time set-up for cname-routing: every per-domain target reaches the edge.
            { name: 'edge', type: 'A', values: [EDGE_V4] },
            { name: 'edge', type: 'AAAA', values: [EDGE_V6] },
            { name: '*.edge', type: 'CNAME', values: ['edge.platform.test'] },
          ],
        },
      ],
    });
    child = await startPowerDns({
      address: '127.0.0.2',
      dnsPort: parent.dnsPort,
      zones: CHILD_ZONES.map((name) => ({ name, records: [glue(`ns1.${name}`, '127.0.0.2')] })),
    });
    discovery = await startPowerDns({
      zones: [
        { name: 'test', records: [glue('ns1.test', '127.0.0.1')] },
        ...PARENT_ZONES.map((name) => ({ name, records: [glue(`ns1.${name}`, '127.0.0.1')] })),
        ...CHILD_ZONES.map((name) => ({ name, records: [glue(`ns1.${name}`, '127.0.0.2')] })),
      ],
    });

    site = createServer((req, res) => {
      const body = files.get(`http://${req.headers.host}${req.url}`);
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' }).end(body ?? 'not found');
    });
    await new Promise<void>((resolve, reject) => site.once('error', reject).listen(0, '127.0.0.1', resolve));

    portico = await startTestPortico({
      dns: { mode: 'authoritative', servers: [`127.0.0.1:${discovery.dnsPort}`], nameserverPort: parent.dnsPort, timeoutMs: 1000, tries: 1 },
      plugins: [
        { package: plugin('verify-dns-txt') },
        { package: plugin('verify-dns-cname'), options: { verifyDomain: 'verify.platform.test', canonicalHost: '{token}.edge.platform.test' } },
        { package: plugin('verify-http-file'), options: { allowPrivateAddresses: true, port: (site.address() as AddressInfo).port, timeoutMs: 2000 } },
        { package: plugin('verify-dns-address'), options: { ipv4: [EDGE_V4], ipv6: [EDGE_V6] } },
      ],
    });
    session = await signIn(portico, 'demo@portico.local', 'portico-demo');
    organizationId = (await session.agent.get('/v1/organizations').expect(200)).body.data[0].id;
  });
  afterAll(async () => {
    await portico?.stop();
    site?.closeAllConnections();
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await Promise.all([parent?.stop(), child?.stop(), discovery?.stop()]);
  });

  const add = async (hostname: string, method: string) =>
    (await session.agent.post(`/v1/organizations/${organizationId}/domains`).set('x-csrf-token', session.csrf).send({ hostname, method }).expect(201)).body;
  const read = async (id: string) => (await session.agent.get(`/v1/domains/${id}`).expect(200)).body;
  const lastEvent = async (id: string) => (await session.agent.get(`/v1/domains/${id}/events`).expect(200)).body.data.at(-1);
  /** "Verify now", with the per-domain rate limit reset; waits (bounded) until the check has settled. */
  const verify = async (id: string) => {
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id }, { lastManualCheckAt: null });
    expect((await session.agent.post(`/v1/domains/${id}/verify`).set('x-csrf-token', session.csrf)).status).toBe(202);
    const domain = await waitFor(() => read(id), (d) => d.status !== 'verifying');
    expect(domain.status, 'the check did not settle in time').not.toBe('verifying');
    return domain;
  };
  /** Make the domain's next automatic check due and run the sweep, as the minute cron would; waits (bounded). */
  const sweep = async (id: string) => {
    const before = (await read(id)).lastCheckedAt;
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id }, { nextCheckAt: new Date(Date.now() - 1000), lastManualCheckAt: null });
    await portico.container.cradle.verificationService.dispatchDue();
    const domain = await waitFor(() => read(id), (d) => d.status !== 'verifying' && d.lastCheckedAt !== before);
    expect(domain.lastCheckedAt, 'the check did not run in time').not.toBe(before);
    return domain;
  };

  /** The server and zone a name is published in: the longest zone it falls under. */
  const zoneOf = (name: string): [PowerDns, string] => {
    const zone = [...PARENT_ZONES, ...CHILD_ZONES].filter((z) => name === z || name.endsWith(`.${z}`)).sort((a, b) => b.length - a.length)[0];
    if (!zone) throw new Error(`no test zone holds ${name}`);
    return [CHILD_ZONES.includes(zone) ? child : parent, zone];
  };
  /** Publish DNS records as given (values of one name and type form one record set). */
  const publish = async (records: Instruction[]) => {
    const sets = new Map<string, Instruction[]>();
    for (const record of records) sets.set(`${record.name} ${record.type}`, [...(sets.get(`${record.name} ${record.type}`) ?? []), record]);
    for (const set of sets.values()) {
      const [server, zone] = zoneOf(set[0].name);
      await server.setRecords(zone, { name: set[0].name, type: set[0].type, values: set.map((r) => r.value) });
    }
  };
  const expectMissing = async (id: string) => {
    expect((await verify(id)).status).toBe('failed_temporary');
    const event = await lastEvent(id);
    expect(event.reason).toBe('record_missing');
    expect(event.details.check).toBe('missing');
  };
  const expectMismatch = async (id: string, found: string[], instructions: Instruction[]) => {
    const failed = await verify(id);
    expect(failed.status).toBe('failed_permanent');
    expect(failed.nextCheckAt).toBeNull();
    const event = await lastEvent(id);
    expect(event.reason).toBe('record_mismatch');
    expect([...event.details.found].sort()).toEqual([...found].sort()); // record order is the server's
    expect(event.details.expected).toEqual(instructions);
  };

  describe('dns-txt', () => {
    it('missing → verified once the TXT record from the instructions is published', async () => {
      const domain = await add('txt.customer.test', 'dns-txt');
      expect(domain.instructions).toEqual([{ name: '_portico-challenge.txt.customer.test', type: 'TXT', value: expect.stringMatching(/^portico-verification=[0-9a-f]{32}$/) }]);
      await expectMissing(domain.id);
      await publish(domain.instructions);
      expect((await verify(domain.id)).status).toBe('verified');
    });

    it('a wrong value is a permanent mismatch with expected and found', async () => {
      const domain = await add('txt-wrong.customer.test', 'dns-txt');
      await publish([{ ...domain.instructions[0], value: 'portico-verification=an-earlier-token' }]);
      await expectMismatch(domain.id, ['portico-verification=an-earlier-token'], domain.instructions);
    });

    it('a hostname in a delegated sub-zone is checked at the child zone’s servers', async () => {
      const domain = await add('shop.eu.customer.test', 'dns-txt');
      const [record] = domain.instructions;
      // The parent's servers cannot answer for names under the cut: a record left there is occluded, never seen.
      await parent.setRecords('customer.test', { name: record.name, type: 'TXT', values: [record.value] });
      await expectMissing(domain.id);
      // Published only in the child zone, at 127.0.0.2 (NS ns1.eu.customer.test, glue in the parent).
      await child.setRecords('eu.customer.test', { name: record.name, type: 'TXT', values: [record.value] });
      expect((await verify(domain.id)).status).toBe('verified');
    });
  });

  describe('dns-cname', () => {
    it('missing → verified once the CNAME to <token>.<verifyDomain> is published', async () => {
      const domain = await add('cname.customer.test', 'dns-cname');
      expect(domain.instructions).toEqual([{ name: '_portico-challenge.cname.customer.test', type: 'CNAME', value: expect.stringMatching(/^[0-9a-f]{32}\.verify\.platform\.test$/) }]);
      await expectMissing(domain.id);
      await publish(domain.instructions);
      expect((await verify(domain.id)).status).toBe('verified');
    });

    it('a CNAME to another target is a permanent mismatch with expected and found', async () => {
      const domain = await add('cname-wrong.customer.test', 'dns-cname');
      const stale = `${'0'.repeat(32)}.verify.platform.test`;
      await publish([{ ...domain.instructions[0], value: stale }]);
      await expectMismatch(domain.id, [stale], domain.instructions);
    });
  });

  describe('cname-routing', () => {
    it('missing → verified once the hostname is a CNAME to its canonical host', async () => {
      const domain = await add('app.customer.test', 'cname-routing');
      expect(domain.instructions).toEqual([{ name: 'app.customer.test', type: 'CNAME', value: expect.stringMatching(/^[0-9a-f]{32}\.edge\.platform\.test$/) }]);
      await expectMissing(domain.id);
      await publish(domain.instructions);
      expect((await verify(domain.id)).status).toBe('verified');
    });

    it('a chain through another zone on another server reaches the canonical host: verified', async () => {
      const domain = await add('app-chain.customer.test', 'cname-routing');
      const [record] = domain.instructions;
      // app-chain.customer.test (127.0.0.1) → app-chain.cdn.test (127.0.0.2) → <token>.edge.platform.test (127.0.0.1)
      await publish([
        { name: record.name, type: 'CNAME', value: 'app-chain.cdn.test' },
        { name: 'app-chain.cdn.test', type: 'CNAME', value: record.value },
      ]);
      expect((await verify(domain.id)).status).toBe('verified');
    });

    it('a CNAME to the shared edge host instead of the per-domain one is a permanent mismatch', async () => {
      const domain = await add('app-wrong.customer.test', 'cname-routing');
      await publish([{ ...domain.instructions[0], value: 'edge.platform.test' }]);
      await expectMismatch(domain.id, ['edge.platform.test'], domain.instructions);
    });

    it('a verified hostname re-pointed elsewhere drifts on the second watch check in a row', async () => {
      const domain = await add('app-drift.customer.test', 'cname-routing');
      await publish(domain.instructions);
      expect((await verify(domain.id)).status).toBe('verified');
      await publish([{ ...domain.instructions[0], value: 'edge.platform.test' }]);
      expect((await sweep(domain.id)).status).toBe('verified');
      expect((await sweep(domain.id)).status).toBe('drifted');
      const event = await lastEvent(domain.id);
      expect(event.reason).toBe('record_changed');
      expect(event.details.found).toEqual(['edge.platform.test']);
    });

    it('an A record where the CNAME belongs is a permanent mismatch showing the address', async () => {
      const domain = await add('app-address.customer.test', 'cname-routing');
      await publish([{ name: domain.hostname, type: 'A', value: EDGE_V4 }]);
      await expectMismatch(domain.id, [EDGE_V4], domain.instructions);
    });
  });

  describe('http-file', () => {
    it('missing (no address, then 404) → verified once the file is served', async () => {
      const domain = await add('www.customer.test', 'http-file');
      const [file] = domain.instructions;
      const port = (site.address() as AddressInfo).port;
      expect(file).toEqual({ name: expect.stringMatching(new RegExp(`^http://www\\.customer\\.test:${port}/\\.well-known/portico-challenge/[0-9a-f]{32}$`)), type: 'HTTP', value: expect.any(String) });
      await expectMissing(domain.id); // no A or AAAA record yet
      await publish([{ name: domain.hostname, type: 'A', value: '127.0.0.1' }]);
      await expectMissing(domain.id); // resolves, but the file answers 404
      files.set(file.name, `${file.value}\n`);
      expect((await verify(domain.id)).status).toBe('verified');
    });

    it('a file with another content is a permanent mismatch with expected and found', async () => {
      const domain = await add('www-wrong.customer.test', 'http-file');
      await publish([{ name: domain.hostname, type: 'A', value: '127.0.0.1' }]);
      files.set(domain.instructions[0].name, 'not-the-token');
      await expectMismatch(domain.id, ['not-the-token'], domain.instructions);
    });
  });

  describe('dns-address', () => {
    it('an apex: missing → verified once its A, AAAA and TXT records are published', async () => {
      const domain = await add('brand.test', 'dns-address');
      expect(domain.instructions).toEqual([
        { name: 'brand.test', type: 'A', value: EDGE_V4 },
        { name: 'brand.test', type: 'AAAA', value: EDGE_V6 },
        { name: '_portico-challenge.brand.test', type: 'TXT', value: expect.stringMatching(/^portico-verification=[0-9a-f]{32}$/) },
      ]);
      await expectMissing(domain.id);
      await publish(domain.instructions);
      expect((await verify(domain.id)).status).toBe('verified');
    });

    it('an address that is not the edge’s, next to ours, is a permanent mismatch listing every address', async () => {
      const domain = await add('www.brand.test', 'dns-address');
      await publish([...domain.instructions.filter((r: Instruction) => r.type !== 'AAAA'), { name: domain.hostname, type: 'A', value: '198.51.100.7' }]);
      await expectMismatch(domain.id, [EDGE_V4, '198.51.100.7'], domain.instructions);
    });

    it('a CNAME into a domain no DNS server answers for is a permanent mismatch naming it, not a checker error', async () => {
      const domain = await add('shop.brand.test', 'dns-address');
      await publish([...domain.instructions.filter((r: Instruction) => r.type === 'TXT'), { name: domain.hostname, type: 'CNAME', value: 'shop.unknown-host.test' }]);
      await expectMismatch(domain.id, ['shop.unknown-host.test'], domain.instructions);
    });
  });
});
