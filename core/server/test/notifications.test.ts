import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchEvent, eventConsumers } from '../src/jobs/event-consumers.ts';
import { PublishedEvent } from '../src/modules/events/entity.ts';
import { publishEvent } from '../src/modules/events/publish.ts';
import { AuditLog } from '../src/modules/audit/entity.ts';
import { Notification } from '../src/modules/notifications/entity.ts';
import { addVerifiedDomain, createApiKey, createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller, type Caller, type TestUser } from './factories.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';
import { recipients, startSmtpServer, type TestSmtpServer } from './smtp.ts';

// In-app notifications end to end: a real verification publishes domain.verified, the real `event.published`
// worker fans it out to webhooks and notifications, a real SMTP server receives the emails and the digest.

const SCRIPTED = fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url));
const TOKEN = 'memory-token-notify-51c2';

describe('notifications', () => {
  let portico: TestPortico;
  let smtp: TestSmtpServer;
  let org: TestUser & { organizationId: string; projectId: string };
  let owner: Caller;
  let member: TestUser;
  let memberCaller: Caller;
  let outsider: TestUser;
  let otherOrg: TestUser & { organizationId: string; projectId: string };
  let domainId: string;

  const countFor = (userId: string, where: Record<string, unknown> = {}) => portico.container.cradle.orm.em.fork().count(Notification, { user: userId, ...where });

  /** Commit one domain event of `org` to the outbox, as the engine does; returns its id. */
  const publish = async (type: 'domain.verified' | 'domain.suspended', hostname: string) => {
    const em = portico.container.cradle.orm.em.fork();
    return em.transactional(async (tx) => {
      const event = publishEvent(tx, {
        type,
        organizationId: org.organizationId,
        subject: { kind: 'domain', id: domainId },
        data: { hostname, fromStatus: 'verifying', status: type === 'domain.verified' ? 'verified' : 'suspended', reason: 'test', message: `${hostname} changed.` },
      });
      await tx.flush();
      return event.id;
    });
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    const dnsPort = await getPort({ host: '127.0.0.1' });
    portico = await startTestPortico({
      http: { publicUrl: 'https://portico.example.test' },
      mail: { smtp: { host: smtp.host, port: smtp.port }, from: 'Portico <no-reply@portico.example.test>' },
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      routing: { cnameTarget: 'edge.portico.test', ipv4: ['192.0.2.80'] },
      verification: { defaultMethod: 'scripted' },
      plugins: [{ package: SCRIPTED }, { package: '@portico/dns-memory', options: { token: TOKEN, serve: { port: dnsPort }, zones: [{ name: 'notify.test' }] } }],
    });
    org = await createOrganizationWithUser(portico, { role: 'owner', name: 'notify-org' });
    owner = sessionCaller(await signIn(portico, org.email, org.password));
    member = await createMember(portico, org.organizationId, { role: 'project_member', projectId: org.projectId });
    memberCaller = sessionCaller(await signIn(portico, member.email, member.password));
    // A member of another project of the same organization: the domain is not assigned to it.
    const { projectId: otherProject } = await createProject(portico, org.organizationId, 'other');
    outsider = await createMember(portico, org.organizationId, { role: 'project_member', projectId: otherProject });
    otherOrg = await createOrganizationWithUser(portico, { role: 'owner', name: 'notify-other-org' });
  }, 120_000);

  afterAll(async () => {
    await portico?.stop();
    await smtp?.stop();
  });

  it('a domain going verified notifies the owner and the project’s member once, nobody else', async () => {
    const domain = await addVerifiedDomain(owner, org.organizationId, 'shop.notify.test', org.projectId);
    domainId = domain.id;
    await waitFor(
      async () => [await countFor(org.userId, { type: 'domain.verified' }), await countFor(member.userId, { type: 'domain.verified' })],
      ([a, b]) => a === 1 && b === 1,
    );
    const em = portico.container.cradle.orm.em.fork();
    const mine = await em.findOneOrFail(Notification, { user: org.userId, type: 'domain.verified' });
    expect(mine).toMatchObject({ severity: 'info', title: 'shop.notify.test is verified', link: `/domains/${domainId}` });
    expect(await countFor(member.userId, { eventId: mine.eventId })).toBe(1);
    expect(await countFor(outsider.userId)).toBe(0);
    expect(await countFor(otherOrg.userId)).toBe(0);

    // The dispatcher run again for the same event (a retried job) adds nothing.
    const event = await em.findOneOrFail(PublishedEvent, { id: mine.eventId });
    await dispatchEvent(event.id, eventConsumers(portico.container.cradle), portico.container.cradle.logger);
    await dispatchEvent(event.id, eventConsumers(portico.container.cradle), portico.container.cradle.logger);
    expect(await countFor(org.userId, { eventId: event.id })).toBe(1);
    expect(await countFor(member.userId, { eventId: event.id })).toBe(1);
  });

  it('one failing consumer does not keep the others from running, and the job fails to be retried', async () => {
    const eventId = await publish('domain.suspended', 'shop.notify.test');
    const ran: string[] = [];
    const consumers = [
      { name: 'broken', consume: async () => Promise.reject(new Error('down')) },
      ...eventConsumers(portico.container.cradle).map((c) => ({ name: c.name, consume: async (id: string) => (ran.push(c.name), c.consume(id)) })),
    ];
    await expect(dispatchEvent(eventId, consumers, portico.container.cradle.logger)).rejects.toThrow(/broken/);
    expect(ran).toEqual(['webhooks', 'notifications']);
    expect(await countFor(org.userId, { eventId })).toBe(1);
    const suspended = await portico.container.cradle.orm.em.fork().findOneOrFail(Notification, { user: org.userId, eventId });
    expect(suspended.severity).toBe('danger');
  });

  it('lists, counts, marks read and marks all read', async () => {
    const list = await owner.get('/v1/notifications').expect(200);
    expect(list.body.data.map((n: { type: string }) => n.type)).toEqual(['domain.suspended', 'domain.verified']);
    expect((await owner.get('/v1/notifications/unread-count').expect(200)).body).toEqual({ unread: 2 });

    const page = await owner.get('/v1/notifications?limit=1').expect(200);
    expect(page.body.data).toHaveLength(1);
    const next = await owner.get(`/v1/notifications?limit=1&cursor=${page.body.nextCursor}`).expect(200);
    expect(next.body.data[0].type).toBe('domain.verified');
    expect(next.body.nextCursor).toBeNull();

    const read = await owner.post(`/v1/notifications/${page.body.data[0].id}/read`).expect(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await owner.get('/v1/notifications/unread-count').expect(200)).body).toEqual({ unread: 1 });
    expect((await owner.get('/v1/notifications?unread=true').expect(200)).body.data.map((n: { type: string }) => n.type)).toEqual(['domain.verified']);

    expect((await owner.post('/v1/notifications/read-all').expect(200)).body).toEqual({ updated: 1 });
    expect((await owner.get('/v1/notifications/unread-count').expect(200)).body).toEqual({ unread: 0 });
    // The member's notifications are the member's own.
    expect((await memberCaller.get('/v1/notifications/unread-count').expect(200)).body.unread).toBeGreaterThan(0);
  });

  it('another user’s notification is not found; API keys are refused', async () => {
    const ownersId = (await owner.get('/v1/notifications').expect(200)).body.data[0].id as string;
    const stranger = sessionCaller(await signIn(portico, otherOrg.email, otherOrg.password));
    const res = await stranger.post(`/v1/notifications/${ownersId}/read`);
    expect(`${res.status} ${res.body.error.code}`).toBe('404 NOT_FOUND');
    expect((await memberCaller.post(`/v1/notifications/${ownersId}/read`)).status).toBe(404);
    expect((await stranger.get('/v1/notifications').expect(200)).body.data).toEqual([]);

    const key = keyCaller(portico, await createApiKey(owner, org.organizationId));
    const refused = await key.get('/v1/notifications');
    expect(`${refused.status} ${refused.body.error.code}`).toBe('401 UNAUTHENTICATED');
  });

  it('a preference turned off creates nothing for that user', async () => {
    const put = await memberCaller.put('/v1/notifications/preferences', { preferences: [{ channel: 'in-app', topic: 'domains', enabled: false }] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await memberCaller.get('/v1/notifications/preferences').expect(200)).body.data).toEqual([{ channel: 'in-app', topic: 'domains', enabled: false }]);
    // A preference is the user's own change: audited; notifications are not.
    expect(await portico.container.cradle.orm.em.fork().count(AuditLog, { targetKind: 'notification_preference', actorId: member.userId })).toBe(1);
    expect(await portico.container.cradle.orm.em.fork().count(AuditLog, { targetKind: 'notification' })).toBe(0);
    const bad = await memberCaller.put('/v1/notifications/preferences', { preferences: [{ channel: 'pager', topic: 'domains', enabled: true }] });
    expect(`${bad.status} ${bad.body.error.code}`).toBe('400 VALIDATION_FAILED');

    const eventId = await publish('domain.verified', 'shop.notify.test');
    await portico.container.cradle.notificationService.fanOut(eventId);
    expect(await countFor(org.userId, { eventId })).toBe(1);
    expect(await countFor(member.userId, { eventId })).toBe(0);
  });

  it('an email preference sends the notification by email', async () => {
    await owner.put('/v1/notifications/preferences', { preferences: [{ channel: 'email', topic: 'domain.suspended', enabled: true }] }).expect(200);
    const eventId = await publish('domain.suspended', 'mail.notify.test');
    await portico.container.cradle.notificationService.fanOut(eventId);
    const mail = await smtp.waitFor((m) => recipients(m).includes(org.email) && (m.subject ?? '').includes('mail.notify.test'), 15_000);
    expect(mail.subject).toBe('mail.notify.test is suspended (notify-org)');
    expect(mail.text).toContain(`https://portico.example.test/domains/${domainId}`);
    // Verified events stay in-app only for the owner (the email preference names one type).
    const quiet = await publish('domain.verified', 'quiet.notify.test');
    await portico.container.cradle.notificationService.fanOut(quiet);
    expect(smtp.messages.some((m) => (m.subject ?? '').includes('quiet.notify.test'))).toBe(false);
  });

  it('the daily digest mails each user once a day with what is unread since the last digest', async () => {
    await owner.put('/v1/notifications/preferences', { preferences: [{ channel: 'digest', topic: 'domains', enabled: true }] }).expect(200);
    const notifications = portico.container.cradle.notificationService;
    const now = new Date();
    expect(await notifications.sendDigests(now)).toBe(1);
    const digest = await smtp.waitFor((m) => recipients(m).includes(org.email) && (m.subject ?? '').startsWith('Portico:'), 15_000);
    expect(digest.subject).toMatch(/^Portico: \d+ unread notifications?$/);
    expect(digest.text).toContain('notify-org: quiet.notify.test is verified');

    // Again the same day, and the next day with nothing new: no mail.
    await publish('domain.verified', 'later.notify.test').then((id) => notifications.fanOut(id));
    expect(await notifications.sendDigests(now)).toBe(0);
    const digestMails = () => smtp.messages.filter((m) => recipients(m).includes(org.email) && (m.subject ?? '').startsWith('Portico:')).length;
    expect(digestMails()).toBe(1);
    const tomorrow = new Date(now.getTime() + 86_400_000);
    expect(await notifications.sendDigests(tomorrow)).toBe(1);
    const second = await smtp.waitFor((m) => recipients(m).includes(org.email) && (m.text ?? '').includes('later.notify.test'), 15_000);
    expect(second.text).not.toContain('quiet.notify.test');
    expect(await notifications.sendDigests(tomorrow)).toBe(0);
  });
});
