import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RecordSet } from '@portico/kernel';
import { startAuthorities, toRecordSets, type AuthorityServer, type DnsServerBehaviour } from '@portico/dns-memory/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

/**
 * What goes live stays live, for every verification method, against authoritative DNS servers: a live domain of each
 * method is driven through watch cycles while its nameservers misbehave (REFUSED, silence, SERVFAIL, answers
 * without authority, referrals instead of answers, one server of two lame or disagreeing) and is never demoted;
 * only a proof that is really gone drifts it, its routes stay through the grace period, and it comes back at once.
 *
 * DNS over UDP/TCP from in-process dns-memory servers (they misbehave on demand) sharing one port: 127.0.0.3 serves `test` (the seed Portico starts from, as
 * a TLD would) and refers customer.test and brand.test to ns1 (127.0.0.1) and ns2 (127.0.0.2), which each hold their
 * own copy of both zones. Portico asks in authoritative mode. The http-file site is 127.0.0.1.
 * Time is moved without sleeping: a check is made due by moving `nextCheckAt` into the past, deadlines by sweeping
 * at a later `now`. The four domains go through each cycle together (the faults are the same for all).
 */
const plugin = (name: string) => fileURLToPath(new URL(`../../../plugins/${name}`, import.meta.url));
const HOUR = 3_600_000;
const GRACE_HOURS = 24;
const EDGE_V4 = '192.0.2.10';
const EDGE_V6 = '2001:db8::10';
const ZONES = ['customer.test', 'brand.test'];
const NS = { 'ns1.portico-faults.test': '127.0.0.1', 'ns2.portico-faults.test': '127.0.0.2' };

type Method = 'dns-txt' | 'dns-cname' | 'http-file' | 'dns-address';
type Outcome = 'verified' | 'error' | 'missing';
/** What one nameserver does during a cycle; `sideways`: refers the question to its own zone (lame); `down`: to a sub-zone nobody serves. */
type Fault = 'refuse' | 'drop' | 'servfail' | 'not-authoritative' | 'sideways' | 'down';

/** One watch cycle: the state of the world while it runs, and what every method's check must find. */
interface Step {
  what: string;
  ns1?: Fault;
  ns2?: Fault;
  /** The faults hit only questions about the proof's own name; the zone is found and the rest of the check answers. */
  onlyProof?: true;
  /** ns2 lost the record the proof depends on; ns1 still has it: the nameservers disagree. */
  split?: true;
  /** The proof is really gone (record removed, file deleted). */
  gone?: true;
  /** The http-file site answers 503, or resets the connection; the DNS methods are not affected. */
  site?: 'unavailable' | 'reset';
  expect: Outcome;
}

const FAULT_CYCLES: Step[] = [
  { what: 'all healthy', expect: 'verified' },
  { what: 'both nameservers REFUSED', ns1: 'refuse', ns2: 'refuse', expect: 'error' },
  { what: 'ns1 REFUSED, ns2 healthy', ns1: 'refuse', expect: 'verified' },
  { what: 'both nameservers silent (timeout)', ns1: 'drop', ns2: 'drop', expect: 'error' },
  { what: 'ns2 silent, ns1 healthy', ns2: 'drop', expect: 'verified' },
  { what: 'both nameservers SERVFAIL', ns1: 'servfail', ns2: 'servfail', expect: 'error' },
  { what: 'ns1 SERVFAIL, ns2 healthy', ns1: 'servfail', expect: 'verified' },
  { what: 'both answer without authority (AA unset)', ns1: 'not-authoritative', ns2: 'not-authoritative', expect: 'error' },
  { what: 'ns2 answers without authority, ns1 healthy', ns2: 'not-authoritative', expect: 'verified' },
  { what: 'both refer the question to their own zone (lame)', ns1: 'sideways', ns2: 'sideways', expect: 'error' },
  { what: 'ns1 refers sideways, ns2 healthy', ns1: 'sideways', expect: 'verified' },
  { what: 'both refer to a sub-zone whose nameserver does not resolve', ns1: 'down', ns2: 'down', expect: 'error' },
  { what: 'ns2 lost the record, ns1 has it (disagreement)', split: true, expect: 'error' },
  { what: 'ns2 lost the record and answers without authority (a lame cache), ns1 healthy', split: true, ns2: 'not-authoritative', expect: 'verified' },
  { what: 'both have lost the record but answer without authority', gone: true, ns1: 'not-authoritative', ns2: 'not-authoritative', expect: 'error' },
  { what: 'both silent only about the proof’s name, mid-check', ns1: 'drop', ns2: 'drop', onlyProof: true, expect: 'error' },
  { what: 'the proof is gone for one check (a first miss)', gone: true, expect: 'missing' },
  { what: 'both REFUSED after the miss (the count starts again)', ns1: 'refuse', ns2: 'refuse', expect: 'error' },
  { what: 'gone again: a miss, but not two in a row', gone: true, expect: 'missing' },
  { what: 'the site answers 503', site: 'unavailable', expect: 'verified' },
  { what: 'the site resets the connection', site: 'reset', expect: 'verified' },
  { what: 'all healthy again', expect: 'verified' },
];
/** A site fault is a checker error for http-file; the DNS methods never ask the site. */
const expected = (step: Step, method: Method): Outcome => (step.site && method === 'http-file' ? 'error' : step.expect);

/** One live domain of one method, and the records (and file) that prove it. */
interface Subject {
  method: Method;
  hostname: string;
  id: string;
  /** Published at both nameservers. */
  sets: RecordSet[];
  /** The record set the proof depends on: split between the servers, and removed when the proof is gone (DNS methods). */
  key: Pick<RecordSet, 'name' | 'type'>;
  /** http-file: the challenge path and the file's content. */
  file?: { path: string; body: string };
}

/**
 * Both ways a check meets the nameservers: walking the delegation from the seed at every check (the faults hit zone
 * discovery), and with the zone learned once (the faults hit the answers to the proof's own questions). The
 * longest cache (5 minutes) outlasts the run, so the second asks the zone's servers only the proof's questions.
 */
const LOOKUPS = [
  { lookup: 'walking the delegation at every check', zoneCacheMs: 0 },
  { lookup: 'the zone learned once', zoneCacheMs: 300_000 },
];

describe.each(LOOKUPS)('watch under nameserver faults ($lookup): live domains stay live, real removal still drifts', ({ zoneCacheMs }) => {
  let ns1: AuthorityServer;
  let ns2: AuthorityServer;
  let closeDns: () => Promise<void>;
  let site: Server;
  let siteMode: 'ok' | 'unavailable' | 'reset' = 'ok';
  const files = new Map<string, string>();
  let portico: TestPortico;
  let api: Caller;
  let organizationId: string;
  let projectId: string;
  const subjects: Subject[] = [];

  beforeAll(async () => {
    const delegations = ZONES.map((zone) => ({ zone, nameservers: Object.keys(NS), glue: Object.fromEntries(Object.entries(NS).map(([ns, ip]) => [ns, [ip]])) }));
    const topRecords = ['ns1.memory.portico.test', 'ns2.memory.portico.test'].map((name) => ({ name, type: 'A' as const, ttl: 60, values: ['127.0.0.3'] }));
    const dns = await startAuthorities([
      { zones: ZONES.map((name) => ({ name })) },
      { zones: ZONES.map((name) => ({ name })) },
      // The seed: `test`, whose own (dns-memory) nameserver names point back to it, delegating both zones.
      { zones: [{ name: 'test', records: topRecords }], behaviour: { delegations } },
    ]);
    [ns1, ns2] = dns.servers;
    closeDns = dns.close;

    site = createServer((req, res) => {
      if (siteMode === 'reset') return void req.socket.destroy();
      if (siteMode === 'unavailable') return void res.writeHead(503).end('maintenance');
      const body = files.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/plain' }).end(body ?? 'not found');
    });
    await new Promise<void>((resolve, reject) => site.once('error', reject).listen(0, '127.0.0.1', resolve));

    portico = await startTestPortico({
      dns: { mode: 'authoritative', servers: [`127.0.0.3:${dns.port}`], nameserverPort: dns.port, timeoutMs: 300, tries: 1, zoneCacheMs },
      verification: { driftThreshold: 2, driftGraceHours: GRACE_HOURS },
      plugins: [
        { package: plugin('verify-dns-txt') },
        { package: plugin('verify-dns-cname'), options: { verifyDomain: 'verify.platform.test' } },
        { package: plugin('verify-http-file'), options: { allowPrivateAddresses: true, port: (site.address() as AddressInfo).port, timeoutMs: 2000 } },
        { package: plugin('verify-dns-address'), options: { ipv4: [EDGE_V4], ipv6: [EDGE_V6] } },
      ],
    });
    const owner = await createOrganizationWithUser(portico, { role: 'owner' });
    api = sessionCaller(await signIn(portico, owner.email, owner.password));
    ({ organizationId, projectId } = owner);
  }, 120_000);
  afterAll(async () => {
    await portico?.stop();
    site?.closeAllConnections();
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await closeDns?.();
  });

  const read = async (id: string) => (await api.get(`/v1/domains/${id}`).expect(200)).body;
  const reasons = async (id: string): Promise<string[]> =>
    (await api.get(`/v1/domains/${id}/events`).expect(200)).body.data.map((e: { toStatus: string; reason: string }) => `${e.toStatus}:${e.reason}`);
  const counters = (id: string) => portico.container.cradle.orm.em.fork().findOneOrFail(Domain, { id });
  /** The routes the route table serves for `host`, after reloading it from the database. */
  const served = async (host: string) => {
    const { routeTable } = portico.container.cradle;
    await routeTable.reload([host]);
    return routeTable.routesFor(host).length;
  };

  /** The behaviour of one nameserver under `fault` (for the proofs' names only, with `onlyProof`). */
  const behaviour = (fault: Fault | undefined, onlyProof = false): DnsServerBehaviour => {
    if (fault === 'sideways') return { delegations: ZONES.map((zone) => ({ zone, nameservers: ['ns.lame.invalid'] })) };
    if (fault === 'down') return { delegations: subjects.map(({ key }) => ({ zone: key.name, nameservers: ['ns.lame.invalid'] })) };
    if (!fault) return {};
    return onlyProof ? { fault, faultNames: subjects.map(({ key }) => key.name) } : { fault };
  };
  const zoneOf = (name: string) => ZONES.find((zone) => name === zone || name.endsWith(`.${zone}`))!;
  const publishAt = (server: AuthorityServer, sets: RecordSet[]) => sets.forEach((set) => server.zones.apply({ zone: zoneOf(set.name), upsert: [set], remove: [] }));
  const removeAt = (server: AuthorityServer, key: Subject['key']) =>
    server.zones.apply({ zone: zoneOf(key.name), upsert: [], remove: [{ ...key, ttl: 60, values: [] }] });

  /** Make the world what `step` says: faults, records at each server, the file and the site. */
  function apply(step: Omit<Step, 'what' | 'expect'>) {
    ns1.setBehaviour(behaviour(step.ns1, step.onlyProof));
    ns2.setBehaviour(behaviour(step.ns2, step.onlyProof));
    siteMode = step.site === undefined ? 'ok' : step.site;
    for (const subject of subjects) {
      for (const server of [ns1, ns2]) publishAt(server, subject.sets);
      if (subject.file) files.set(subject.file.path, subject.file.body);
      if (step.split) removeAt(ns2, subject.key);
      if (!step.gone) continue;
      if (subject.file) files.delete(subject.file.path);
      else for (const server of [ns1, ns2]) removeAt(server, subject.key);
    }
  }

  /**
   * One watch cycle for every subject: make each due, dispatch as the minute sweep would, wait (bounded) until each
   * check is recorded. Returns each domain as the check left it.
   */
  async function watchCycle() {
    const before = await Promise.all(subjects.map((s) => read(s.id)));
    await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: { $in: subjects.map((s) => s.id) } }, { nextCheckAt: new Date(Date.now() - 1000) });
    await portico.container.cradle.verificationService.dispatchDue();
    const after = await Promise.all(subjects.map((s, i) => waitFor(() => read(s.id), (d) => d.lastCheckedAt !== before[i].lastCheckedAt, 300)));
    for (const [i, domain] of after.entries()) expect(domain.lastCheckedAt, `${subjects[i].method}: the watch check did not run`).not.toBe(before[i].lastCheckedAt);
    return after;
  }

  /** Add a domain of `method` over HTTP and build its proof from its instructions. */
  async function add(method: Method, hostname: string): Promise<Subject> {
    const domain = (await api.post(`/v1/organizations/${organizationId}/domains`, { hostname, method, projectId }).expect(201)).body;
    if (method !== 'http-file') {
      const sets = toRecordSets(domain.instructions);
      return { method, hostname, id: domain.id, sets, key: sets.find((set) => set.type !== 'A' && set.type !== 'AAAA')! };
    }
    const [file] = domain.instructions;
    const address = { name: hostname, type: 'A' as const, ttl: 60, values: ['127.0.0.1'] };
    return { method, hostname, id: domain.id, sets: [address], key: address, file: { path: new URL(file.name).pathname, body: `${file.value}\n` } };
  }

  it('each method: added over HTTP, published at both nameservers, verified, mapped and live', async () => {
    const serviceId = (await api.post(`/v1/projects/${projectId}/services`, { name: 'app', upstreamHost: 'app.internal', upstreamPort: 8080 }).expect(201)).body.id;
    subjects.push(
      await add('dns-txt', 'txt.customer.test'),
      await add('dns-cname', 'cname.customer.test'),
      await add('http-file', 'www.customer.test'),
      await add('dns-address', 'brand.test'), // an apex
    );
    apply({});
    for (const subject of subjects) {
      expect((await api.post(`/v1/domains/${subject.id}/verify`)).status).toBe(202);
      const verified = await waitFor(() => read(subject.id), (d) => d.status !== 'verifying', 300);
      expect(verified.status, subject.method).toBe('verified');
      await api.post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: subject.id }).expect(201);
      // No edge is configured: `live` is set as the edge's probe would set it.
      await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: subject.id }, { status: 'live' });
      expect(await served(subject.hostname), subject.method).toBe(1);
    }
  }, 60_000);

  it(`stays live through ${FAULT_CYCLES.length} watch cycles of nameserver and site faults`, async () => {
    expect(subjects).toHaveLength(4);
    for (const [n, step] of FAULT_CYCLES.entries()) {
      apply(step);
      const after = await watchCycle();
      for (const [i, subject] of subjects.entries()) {
        const at = `cycle ${n + 1} (${step.what}), ${subject.method}`;
        const outcome = expected(step, subject.method);
        const { consecutiveMisses, checkErrorCount } = await counters(subject.id);
        // The outcome the check must have had: a fault is a checker error (never a miss), one healthy server decides.
        expect({ misses: consecutiveMisses, checkerError: checkErrorCount > 0 }, at).toEqual({
          misses: outcome === 'missing' ? 1 : 0,
          checkerError: outcome === 'error',
        });
        expect(after[i].status, at).toBe('live');
        expect(await served(subject.hostname), at).toBe(1);
      }
    }
    for (const subject of subjects) expect((await reasons(subject.id)).filter((r) => r.startsWith('drifted')), subject.method).toEqual([]);
  }, 180_000);

  it('a proof really removed drifts after two misses, keeps its routes through the grace, loses them after, and comes back', async () => {
    expect(subjects).toHaveLength(4);
    const { verificationService } = portico.container.cradle;
    const all = async (check: (s: Subject) => Promise<void>) => {
      for (const subject of subjects) await check(subject);
    };
    const statuses = async () => Promise.all(subjects.map(async (s) => [s.method, (await read(s.id)).status]));
    const routes = async () => Promise.all(subjects.map(async (s) => [s.method, await served(s.hostname)]));
    const cycled = async () => (await watchCycle()).map((d, i) => [subjects[i].method, d.status]);
    /** The same value for every method, labelled, so a failure names the method. */
    const each = (value: unknown) => subjects.map((s) => [s.method, value]);

    apply({ gone: true });
    expect(await cycled()).toEqual(each('live')); // one miss: not drift yet
    expect(await cycled()).toEqual(each('drifted'));
    await all(async (s) => {
      const drift = (await api.get(`/v1/domains/${s.id}/events`).expect(200)).body.data.at(-1);
      expect([drift.toStatus, drift.reason, drift.details.graceHours, drift.details.misses], s.method).toEqual(['drifted', 'record_removed', GRACE_HOURS, 2]);
    });
    expect(await routes()).toEqual(each(1)); // the team is told; the site keeps working

    // Checker trouble while drifted changes nothing either way.
    apply({ gone: true, ns1: 'refuse', ns2: 'refuse' });
    expect(await cycled()).toEqual(each('drifted'));
    expect(await routes()).toEqual(each(1));
    apply({ gone: true });

    await verificationService.sweepDeadlines(new Date(Date.now() + (GRACE_HOURS - 1) * HOUR));
    expect(await statuses()).toEqual(each('drifted'));
    expect(await routes()).toEqual(each(1));

    await verificationService.sweepDeadlines(new Date(Date.now() + (GRACE_HOURS + 1) * HOUR));
    expect(await statuses()).toEqual(each('suspended'));
    expect(await routes()).toEqual(each(0));

    // The proof is back: verified again at the first check, and routed again.
    apply({});
    expect(await cycled()).toEqual(each('verified'));
    expect(await routes()).toEqual(each(1));
    const story = ['drifted:record_removed', 'suspended:drift_grace_expired', 'verified:record_restored'];
    await all(async (s) => expect((await reasons(s.id)).slice(-3), s.method).toEqual(story));
  }, 120_000);
});
