import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent } from '../src/modules/events/publish.ts';
import { PublishedEvent } from '../src/modules/events/entity.ts';
import { Certificate } from '../src/modules/certificates/entity.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { addVerifiedDomain, createApiKey, createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, waitFor, type TestPortico } from './helpers.ts';
import { startScriptedPortico } from './scripted-portico.ts';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads server-sent events from a fetch body; `next()` waits (bounded) for the next event that is not a comment. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: SseEvent[] = [];
  const next = async (): Promise<SseEvent> => {
    for (let reads = 0; reads < 200; reads++) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          if (field === 'id' || field === 'event' || field === 'data') event[field] = rest.join(': ');
        }
        if (event.data !== undefined) {
          events.push(event);
          return event;
        }
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
    throw new Error('no event');
  };
  return { next, cancel: () => reader.cancel() };
}

describe('event outbox, list and live stream', () => {
  let portico: TestPortico;
  let server: Server;
  let base: string;
  let owner: Caller;
  let ownerKey: string;
  let organizationId: string;
  let projectId: string;
  let other: { organizationId: string; caller: Caller };

  const publishCommitted = async (orgId: string, id: string, hostname = 'x.events.test') => {
    await portico.container.cradle.orm.em.fork().transactional(async (em) => {
      publishEvent(em, { type: 'domain.drifted', organizationId: orgId, subject: { kind: 'domain', id }, data: { hostname, fromStatus: 'verified', status: 'drifted', reason: 'record_removed', message: 'test' } });
    });
  };

  beforeAll(async () => {
    portico = await startScriptedPortico({ zone: 'events.test', token: 'memory-token-events' });
    server = createServer(portico.app!.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const x = await createOrganizationWithUser(portico, { role: 'owner' });
    ({ organizationId, projectId } = x);
    owner = sessionCaller(await signIn(portico, x.email, x.password));
    const keyRes = await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'events', scopes: ['events:read', 'domains:read'] }).expect(201);
    ownerKey = keyRes.body.secret;
    const v = await createOrganizationWithUser(portico, { role: 'owner' });
    other = { organizationId: v.organizationId, caller: sessionCaller(await signIn(portico, v.email, v.password)) };
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await portico?.stop();
  });

  it('a rolled-back transaction leaves no event and no job; a committed one leaves both', async () => {
    const { orm } = portico.container.cradle;
    const subject = crypto.randomUUID();
    await expect(
      orm.em.fork().transactional(async (em) => {
        publishEvent(em, { type: 'domain.drifted', organizationId, subject: { kind: 'domain', id: subject }, data: { hostname: 'r.events.test', fromStatus: 'verified', status: 'drifted', reason: 'record_removed', message: 'm' } });
        await em.flush();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await orm.em.fork().count(PublishedEvent, { subjectId: subject })).toBe(0);

    await publishCommitted(organizationId, subject);
    const [row] = await orm.em.fork().find(PublishedEvent, { subjectId: subject });
    expect(row).toBeDefined();
    expect(await portico.container.cradle.eventService.get(row!.id)).toMatchObject({ id: row!.id, type: 'domain.drifted', organizationId, projectId: null, subject: { kind: 'domain', id: subject } });
    const jobs = await orm.em.getConnection().execute<Array<{ data: { eventId: string } }>>(`select data from pgboss.job where name = 'event.published' and data->>'eventId' = ?`, [row!.id]);
    expect(jobs).toHaveLength(1);
  });

  it('refuses data that does not match the catalogue, and unknown types', () => {
    const em = portico.container.cradle.orm.em.fork();
    expect(() => publishEvent(em, { type: 'domain.verified', organizationId, subject: { kind: 'domain', id: 'x' }, data: { hostname: 1 } as never })).toThrow(/catalogue/);
    expect(() => publishEvent(em, { type: 'nope' as never, organizationId, subject: { kind: 'domain', id: 'x' }, data: {} as never })).toThrow(/catalogue/);
  });

  it('a domain going pending → verified publishes domain.created and domain.verified with its customer reference', async () => {
    scriptedVerifier().outcomes.set('shop.events.test', 'verified');
    const added = await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'shop.events.test', projectId, method: 'scripted', customerRef: 'cust-42' }).expect(201);
    await owner.post(`/v1/domains/${added.body.id}/verify`).expect(202);
    const list = await waitFor(
      async () => (await owner.get(`/v1/events?organizationId=${organizationId}&type=domain.created,domain.verified`).expect(200)).body.data as Array<Record<string, unknown>>,
      (events) => events.some((e) => e.type === 'domain.verified' && (e.subject as { id: string }).id === added.body.id),
    );
    const mine = list.filter((e) => (e.subject as { id: string }).id === added.body.id);
    expect(mine.map((e) => e.type)).toEqual(['domain.created', 'domain.verified']);
    expect(mine[1]).toMatchObject({ organizationId, customerRef: 'cust-42', subject: { kind: 'domain', id: added.body.id }, data: { hostname: 'shop.events.test', status: 'verified', fromStatus: 'verifying' } });
    // The project's view includes the domains assigned to it.
    const inProject = (await owner.get(`/v1/events?organizationId=${organizationId}&projectId=${projectId}&type=domain.verified`).expect(200)).body.data;
    expect(inProject.map((e: { subject: { id: string } }) => e.subject.id)).toContain(added.body.id);
  });

  it('publishes mapping.created and mapping.deleted for the project, and certificate.expiring from the renewal sweep', async () => {
    const domain = await addVerifiedDomain(owner, organizationId, 'routed.events.test', projectId);
    const service = (await owner.post(`/v1/projects/${projectId}/services`, { name: 'events-app', upstreamHost: 'app.internal', upstreamPort: 8080 }).expect(201)).body;
    const mapping = (await owner.post(`/v1/projects/${projectId}/mappings`, { serviceId: service.id, domainId: domain.id }).expect(201)).body;
    await owner.delete(`/v1/mappings/${mapping.id}`).expect(204);
    const mappingEvents = (await owner.get(`/v1/events?organizationId=${organizationId}&type=mapping.created,mapping.deleted&limit=500`).expect(200)).body.data;
    expect(mappingEvents.map((e: { type: string }) => e.type)).toEqual(['mapping.created', 'mapping.deleted']);
    expect(mappingEvents[0]).toMatchObject({ projectId, subject: { kind: 'mapping', id: mapping.id }, data: { host: 'routed.events.test', basePath: '/', serviceId: service.id, domainId: domain.id } });

    const { orm, certificateService } = portico.container.cradle;
    const em = orm.em.fork();
    const notAfter = new Date(Date.now() + 3 * 86_400_000);
    const certificate = em.create(Certificate, { domain: em.getReference(Domain, domain.id), hostname: 'routed.events.test', source: 'edge:probe', status: 'active', notAfter });
    await em.flush();
    await certificateService.renewDue();
    const expiring = (await owner.get(`/v1/events?organizationId=${organizationId}&type=certificate.expiring`).expect(200)).body.data;
    expect(expiring).toHaveLength(1);
    expect(expiring[0]).toMatchObject({ subject: { kind: 'certificate', id: certificate.id }, data: { hostname: 'routed.events.test', domainId: domain.id, daysLeft: 2 } });
  });

  it('pages with a cursor, oldest first, without repeats', async () => {
    for (let i = 0; i < 5; i++) await publishCommitted(organizationId, crypto.randomUUID(), `p${i}.events.test`);
    const key = keyCaller(portico, ownerKey);
    const all = (await key.get(`/v1/events?organizationId=${organizationId}&limit=500`).expect(200)).body.data as Array<{ id: string; cursor: string }>;
    const seen: string[] = [];
    let after = '0';
    for (let i = 0; i < 100; i++) {
      const page = (await key.get(`/v1/events?organizationId=${organizationId}&limit=2&after=${after}`).expect(200)).body;
      if (page.data.length === 0) {
        expect(page.nextCursor).toBe(after);
        break;
      }
      seen.push(...page.data.map((e: { id: string }) => e.id));
      after = page.nextCursor;
    }
    expect(seen).toEqual(all.map((e) => e.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(all.map((e) => BigInt(e.cursor))).toEqual([...all.map((e) => BigInt(e.cursor))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('never skips an event whose transaction commits after a later one was listed', async () => {
    const { orm } = portico.container.cradle;
    const early = crypto.randomUUID();
    const late = crypto.randomUUID();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    // Inserted first, committed last.
    const slow = orm.em.fork().transactional(async (em) => {
      publishEvent(em, { type: 'domain.drifted', organizationId, subject: { kind: 'domain', id: early }, data: { hostname: 'slow.events.test', fromStatus: 'verified', status: 'drifted', reason: 'record_removed', message: 'm' } });
      await em.flush();
      inserted();
      await held;
    });
    await insertedYet;
    await publishCommitted(organizationId, late);
    const first = (await owner.get(`/v1/events?organizationId=${organizationId}&limit=500`).expect(200)).body;
    const ids = first.data.map((e: { subject: { id: string } }) => e.subject.id);
    expect(ids).toContain(late);
    expect(ids).not.toContain(early);
    release();
    await slow;
    const next = (await owner.get(`/v1/events?organizationId=${organizationId}&after=${first.nextCursor}`).expect(200)).body.data;
    expect(next.map((e: { subject: { id: string } }) => e.subject.id)).toEqual([early]);
  });

  it('never lists another organization’s events; asking for them answers 404', async () => {
    const secret = crypto.randomUUID();
    await publishCommitted(other.organizationId, secret);
    const mine = (await owner.get(`/v1/events?organizationId=${organizationId}&limit=500`).expect(200)).body.data;
    expect(JSON.stringify(mine)).not.toContain(secret);
    expect((await owner.get(`/v1/events?organizationId=${other.organizationId}`).expect(404)).body.error.code).toBe('NOT_FOUND');
    expect((await owner.get(`/v1/events/stream?organizationId=${other.organizationId}`).expect(404)).body.error.code).toBe('NOT_FOUND');
    const theirs = (await other.caller.get(`/v1/events?organizationId=${other.organizationId}`).expect(200)).body.data;
    expect(theirs.map((e: { subject: { id: string } }) => e.subject.id)).toEqual([secret]);
  });

  it('answers `after=latest` with no events and the newest cursor the caller may see, to follow from now on', async () => {
    await publishCommitted(organizationId, crypto.randomUUID(), 'latest-1.events.test');
    const key = keyCaller(portico, ownerKey);
    const all = (await key.get(`/v1/events?organizationId=${organizationId}&limit=500`).expect(200)).body.data as Array<{ cursor: string }>;
    const latest = (await key.get(`/v1/events?organizationId=${organizationId}&after=latest`).expect(200)).body;
    expect(latest).toEqual({ data: [], nextCursor: all.at(-1)!.cursor });
    // Another organization's newer event moves nobody else's cursor.
    await publishCommitted(other.organizationId, crypto.randomUUID(), 'latest-other.events.test');
    expect((await key.get(`/v1/events?organizationId=${organizationId}&after=latest`).expect(200)).body.nextCursor).toBe(latest.nextCursor);
    await publishCommitted(organizationId, crypto.randomUUID(), 'latest-2.events.test');
    const next = (await key.get(`/v1/events?organizationId=${organizationId}&after=${latest.nextCursor}`).expect(200)).body.data as Array<{ data: { hostname: string } }>;
    expect(next.map((e) => e.data.hostname)).toEqual(['latest-2.events.test']);
    expect((await key.get(`/v1/events?organizationId=${organizationId}&after=newest`)).status).toBe(400);
  });

  it('refuses an API key without events:read', async () => {
    const secret = await createApiKey(owner, organizationId);
    const res = await keyCaller(portico, secret).get(`/v1/events?organizationId=${organizationId}`).expect(403);
    expect(res.body.error.code).toBe('API_KEY_SCOPE_MISSING');
  });

  it('streams events committed by another connection, only its own organization’s, and resumes after Last-Event-ID', async () => {
    const headers = { authorization: `Bearer ${ownerKey}` };
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/events/stream?organizationId=${organizationId}`, { headers, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const stream = sseReader(res.body!);
    const hidden = crypto.randomUUID();
    const first = crypto.randomUUID();
    await publishCommitted(other.organizationId, hidden);
    await publishCommitted(organizationId, first);
    const got = await stream.next();
    expect(got.event).toBe('domain.drifted');
    expect(JSON.parse(got.data!)).toMatchObject({ organizationId, subject: { kind: 'domain', id: first } });
    controller.abort();

    // Committed while disconnected: delivered on reconnect, in order, after the last id seen.
    const missed = [crypto.randomUUID(), crypto.randomUUID()];
    for (const id of missed) await publishCommitted(organizationId, id);
    const resumed = await fetch(`${base}/v1/events/stream?organizationId=${organizationId}`, { headers: { ...headers, 'last-event-id': got.id! } });
    const again = sseReader(resumed.body!);
    const a = await again.next();
    const b = await again.next();
    expect([a, b].map((e) => JSON.parse(e.data!).subject.id)).toEqual(missed);
    expect(BigInt(a.id!)).toBeGreaterThan(BigInt(got.id!));
    const live = crypto.randomUUID();
    await publishCommitted(organizationId, live);
    expect(JSON.parse((await again.next()).data!).subject.id).toBe(live);
    await again.cancel();
  });

  it('shows a project-limited member only the events of its projects and of the domains assigned to them', async () => {
    const { projectId: otherProject } = await createProject(portico, organizationId, `other-${crypto.randomUUID().slice(0, 8)}`);
    const member = await createMember(portico, organizationId, { role: 'project_member', projectId });
    const caller = sessionCaller(await signIn(portico, member.email, member.password));
    const inMain = (await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'main-only.events.test', projectId, method: 'scripted' }).expect(201)).body.id;
    const inOther = (await owner.post(`/v1/organizations/${organizationId}/domains`, { hostname: 'other-only.events.test', projectId: otherProject, method: 'scripted' }).expect(201)).body.id;
    const seen = (await caller.get(`/v1/events?organizationId=${organizationId}&type=domain.created&limit=500`).expect(200)).body.data.map((e: { subject: { id: string } }) => e.subject.id);
    expect(seen).toContain(inMain);
    expect(seen).not.toContain(inOther);
    expect((await caller.get(`/v1/events?organizationId=${organizationId}&projectId=${otherProject}`).expect(404)).body.error.code).toBe('NOT_FOUND');
  });

  it('ends a session’s stream once the session signs out', async () => {
    const { config } = portico.container.cradle;
    const heartbeat = config.events.heartbeatSeconds;
    config.events.heartbeatSeconds = 1;
    try {
      const user = await createOrganizationWithUser(portico, { role: 'owner' });
      const login = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password: user.password }) });
      expect(login.status).toBe(200);
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const res = await fetch(`${base}/v1/events/stream?organizationId=${user.organizationId}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const logout = await fetch(`${base}/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
      expect(logout.status).toBeLessThan(300);
      const reader = res.body!.getReader();
      let done = false;
      for (let i = 0; i < 100 && !done; i++) done = (await reader.read()).done;
      expect(done).toBe(true);
    } finally {
      config.events.heartbeatSeconds = heartbeat;
    }
  });

  it('deletes events older than the retention period', async () => {
    const { orm, eventService, config } = portico.container.cradle;
    const old = crypto.randomUUID();
    await publishCommitted(organizationId, old);
    const past = new Date(Date.now() - (config.events.retentionDays + 1) * 86_400_000);
    await orm.em.fork().nativeUpdate(PublishedEvent, { subjectId: old }, { occurredAt: past });
    expect(await eventService.prune()).toBeGreaterThanOrEqual(1);
    expect(await orm.em.fork().count(PublishedEvent, { subjectId: old })).toBe(0);
    expect(await orm.em.fork().count(PublishedEvent, { organization: organizationId })).toBeGreaterThan(0);
  });

  it('refuses more concurrent streams than the limit with 429', async () => {
    const headers = { authorization: `Bearer ${ownerKey}` };
    const open: AbortController[] = [];
    try {
      const limit = portico.container.cradle.config.events.maxStreamsPerPrincipal;
      for (let i = 0; i < limit; i++) {
        const controller = new AbortController();
        open.push(controller);
        const res = await fetch(`${base}/v1/events/stream?organizationId=${organizationId}`, { headers, signal: controller.signal });
        expect(res.status).toBe(200);
      }
      const refused = await fetch(`${base}/v1/events/stream?organizationId=${organizationId}`, { headers });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('EVENT_STREAM_LIMIT');
    } finally {
      for (const c of open) c.abort();
    }
  });
});
