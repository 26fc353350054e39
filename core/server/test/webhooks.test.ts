import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load-config.ts';
import { Domain } from '../src/modules/domains/entity.ts';
import { PublishedEvent } from '../src/modules/events/entity.ts';
import { publishEvent } from '../src/modules/events/publish.ts';
import { Organization } from '../src/modules/organizations/entity.ts';
import { Project } from '../src/modules/projects/entity.ts';
import { ProjectDomain } from '../src/modules/projects/project-domain.entity.ts';
import { WebhookDelivery, WebhookEndpoint } from '../src/modules/webhooks/entity.ts';
import { startPortico } from '../src/runtime.ts';
import { createMember, createOrganizationWithUser, createProject, sessionCaller, type Caller } from './factories.ts';
import { collectingLogger, createTestDatabase, REPO_ROOT, signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';
import { recipients, startSmtpServer, type TestSmtpServer } from './smtp.ts';

// Webhooks end to end: a real receiver on 127.0.0.1 (the operator flag allows loopback targets here), signatures
// checked with the standardwebhooks package, real pg-boss workers, real SMTP for the disabled-endpoint mail.

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** An HTTP receiver on 127.0.0.1:0 that keeps every request; `respond` decides each answer. */
async function startReceiver() {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const state = {
    respond: (_req: IncomingMessage, res: ServerResponse, _index: number) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') });
      state.respond(req, res, received.length - 1);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    state,
    at: (path: string) => received.filter((r) => r.path === path),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const domainData = (hostname: string) => ({ hostname, fromStatus: 'pending', status: 'verified', reason: 'verified', message: 'Verified.' });

/** Commit one event to the outbox, as the engine does. */
async function publish(
  portico: TestPortico,
  organizationId: string,
  options: { projectId?: string | null; hostname?: string; subjectId?: string; type?: 'domain.verified' | 'certificate.issued' } = {},
): Promise<string> {
  const em = portico.container.cradle.orm.em.fork();
  const hostname = options.hostname ?? `shop-${Math.random().toString(36).slice(2, 8)}.example.com`;
  return em.transactional(async (tx) => {
    const event =
      options.type === 'certificate.issued'
        ? publishEvent(tx, { type: 'certificate.issued', organizationId, projectId: options.projectId ?? null, subject: { kind: 'certificate', id: hostname }, data: { hostname, domainId: 'd', notAfter: null } })
        : publishEvent(tx, { type: 'domain.verified', organizationId, projectId: options.projectId ?? null, customerRef: 'cust-42', subject: { kind: 'domain', id: options.subjectId ?? hostname }, data: domainData(hostname) });
    await tx.flush();
    return event.id;
  });
}

const WORKER = fileURLToPath(new URL('./webhooks-worker.ts', import.meta.url));
const WEBHOOK_CONFIG = { webhooks: { allowPrivateAddresses: true, retryScheduleSeconds: [1, 1, 1] } };

describe('webhooks', () => {
  let portico: TestPortico;
  let smtp: TestSmtpServer;
  let receiver: Receiver;
  let owner: Caller;
  let org: Awaited<ReturnType<typeof createOrganizationWithUser>>;

  const delivery = (id: string) => owner.get(`/v1/organizations/${org.organizationId}/webhook-deliveries/${id}`);
  const deliveriesOf = async (webhookId: string) => (await owner.get(`/v1/organizations/${org.organizationId}/webhook-deliveries?webhookId=${webhookId}`).expect(200)).body.data as Array<Record<string, unknown>>;
  const createEndpoint = async (path: string, body: Record<string, unknown> = {}) => {
    const res = await owner.post(`/v1/organizations/${org.organizationId}/webhooks`, { url: `${receiver.base}${path}`, eventTypes: ['domain.*'], ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    receiver = await startReceiver();
    portico = await startTestPortico({ ...WEBHOOK_CONFIG, mail: { smtp: { host: '127.0.0.1', port: smtp.port } } });
    org = await createOrganizationWithUser(portico, { role: 'owner' });
    owner = sessionCaller(await signIn(portico, org.email, org.password));
  }, 60_000);

  afterAll(async () => {
    await portico?.stop();
    await receiver?.stop();
    await smtp?.stop();
  });

  it('creates an endpoint with a whsec_ secret shown once, and lists it without the secret', async () => {
    const created = await createEndpoint('/crud', { description: 'CRUD' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await owner.get(`/v1/organizations/${org.organizationId}/webhooks`).expect(200);
    const row = listed.body.data.find((w: { id: string }) => w.id === created.id);
    expect(row).toMatchObject({ description: 'CRUD', eventTypes: ['domain.*'], enabled: true });
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    // Sealed at rest: the column never holds the secret in clear.
    const stored = await portico.container.cradle.orm.em.fork().findOneOrFail(WebhookEndpoint, created.id, { populate: ['secretSealed'] });
    expect(stored.secretSealed).not.toContain(created.secret.slice(6));
    const patched = await owner.patch(`/v1/organizations/${org.organizationId}/webhooks/${created.id}`, { eventTypes: ['certificate.issued'], enabled: false }).expect(200);
    expect(patched.body).toMatchObject({ eventTypes: ['certificate.issued'], enabled: false });
    const bad = await owner.patch(`/v1/organizations/${org.organizationId}/webhooks/${created.id}`, { eventTypes: ['domain.nonsense'] });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    await owner.delete(`/v1/organizations/${org.organizationId}/webhooks/${created.id}`).expect(204);
    await owner.get(`/v1/organizations/${org.organizationId}/webhooks/${created.id}`).expect(404);
  });

  it('delivers a committed event, signed so that standardwebhooks verifies it', async () => {
    const { id, secret } = await createEndpoint('/signed');
    const eventId = await publish(portico, org.organizationId, { hostname: 'signed.example.com' });
    const got = await waitFor(async () => receiver.at('/signed'), (r) => r.length > 0);
    expect(got).toHaveLength(1);
    const message = got[0]!;
    expect(message.headers['webhook-id']).toBe(eventId);
    const payload = new Webhook(secret).verify(message.body, message.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(payload.type).toBe('domain.verified');
    expect(payload.data).toMatchObject({ id: eventId, type: 'domain.verified', organizationId: org.organizationId, customerRef: 'cust-42', subject: { kind: 'domain', id: 'signed.example.com' } });
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(message.body, message.headers)).toThrow();
    const [row] = await waitFor(() => deliveriesOf(id), (rows) => rows[0]?.status === 'delivered');
    expect(row).toMatchObject({ eventId, status: 'delivered', attempts: 1, lastStatusCode: 200 });
    // A second fan-out of the same event adds nothing.
    expect(await portico.container.cradle.webhookService.fanOut(eventId)).toBe(0);
    expect(await deliveriesOf(id)).toHaveLength(1);
    // Secrets are never logged.
    expect(portico.logs.join('\n')).not.toContain(secret.slice('whsec_'.length));
  });

  it('retries after a 500 and logs every attempt', async () => {
    const { id } = await createEndpoint('/flaky');
    let calls = 0;
    receiver.state.respond = (req, res) => {
      if (req.url === '/flaky' && calls++ === 0) {
        res.writeHead(500);
        res.end('x'.repeat(10_000));
        return;
      }
      res.writeHead(200);
      res.end('ok');
    };
    const eventId = await publish(portico, org.organizationId);
    const [row] = await waitFor(() => deliveriesOf(id), (rows) => rows[0]?.status === 'delivered', 150);
    expect(row).toMatchObject({ eventId, status: 'delivered', attempts: 2 });
    const detail = await delivery(row!.id as string).expect(200);
    expect(detail.body.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    expect(detail.body.attemptLog[0].responseBody).toHaveLength(4096);
    expect(detail.body.attemptLog[0].error).toBe('HTTP 500');
    const ids = receiver.at('/flaky').map((r) => r.headers['webhook-id']);
    expect(ids).toEqual([eventId, eventId]);
  });

  it('replays one delivery, and a time range of failed ones, with the same webhook-id', async () => {
    const { id, secret } = await createEndpoint('/replay');
    const eventId = await publish(portico, org.organizationId);
    const [row] = await waitFor(() => deliveriesOf(id), (rows) => rows[0]?.status === 'delivered');
    await owner.post(`/v1/organizations/${org.organizationId}/webhook-deliveries/${row!.id}/replay`).expect(202);
    const got = await waitFor(async () => receiver.at('/replay'), (r) => r.length >= 2);
    expect(got.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
    for (const message of got) new Webhook(secret).verify(message.body, message.headers);

    // Mark it failed (as after the schedule ran out), then replay the range.
    await portico.container.cradle.orm.em.fork().nativeUpdate(WebhookDelivery, { id: row!.id as string }, { status: 'failed' });
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const replayed = await owner.post(`/v1/organizations/${org.organizationId}/webhooks/${id}/replay`, { since }).expect(202);
    expect(replayed.body.replayed).toBe(1);
    await waitFor(async () => receiver.at('/replay'), (r) => r.length >= 3);
    const previous = portico.container.cradle.config.webhooks.maxReplay;
    portico.container.cradle.config.webhooks.maxReplay = 1;
    try {
      const tooMany = await owner.post(`/v1/organizations/${org.organizationId}/webhooks/${id}/replay`, { since, status: 'all' });
      // One delivered row: within the limit. The limit is tested with two.
      expect(tooMany.status).toBe(202);
      await publish(portico, org.organizationId);
      await waitFor(() => deliveriesOf(id), (rows) => rows.length === 2 && rows.every((r) => r.status === 'delivered'));
      const refused = await owner.post(`/v1/organizations/${org.organizationId}/webhooks/${id}/replay`, { since, status: 'all' });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({ code: 'WEBHOOK_REPLAY_TOO_LARGE', details: { count: 2, limit: 1 } });
    } finally {
      portico.container.cradle.config.webhooks.maxReplay = previous;
    }
  });

  it('signs with both secrets during a rotation overlap, and with the new one alone after it', async () => {
    const { id, secret: oldSecret } = await createEndpoint('/rotate');
    const rotated = await owner.post(`/v1/organizations/${org.organizationId}/webhooks/${id}/rotate-secret`, { overlapHours: 24 }).expect(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body.previousSecretExpiresAt).not.toBeNull();
    await publish(portico, org.organizationId);
    const [first] = await waitFor(async () => receiver.at('/rotate'), (r) => r.length >= 1);
    expect(first!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    new Webhook(oldSecret).verify(first!.body, first!.headers);
    new Webhook(newSecret).verify(first!.body, first!.headers);

    const again = await owner.post(`/v1/organizations/${org.organizationId}/webhooks/${id}/rotate-secret`, { overlapHours: 0 }).expect(200);
    await publish(portico, org.organizationId);
    const got = await waitFor(async () => receiver.at('/rotate'), (r) => r.length >= 2);
    const second = got[1]!;
    expect(second.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    new Webhook(again.body.secret).verify(second.body, second.headers);
    expect(() => new Webhook(newSecret).verify(second.body, second.headers)).toThrow();
  });

  it('sends a webhook.test ping once, without retries', async () => {
    const { id, secret } = await createEndpoint('/ping');
    const res = await owner.post(`/v1/organizations/${org.organizationId}/webhooks/${id}/test`).expect(202);
    expect(res.body).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
    const [message] = await waitFor(async () => receiver.at('/ping'), (r) => r.length >= 1);
    expect((new Webhook(secret).verify(message!.body, message!.headers) as { type: string }).type).toBe('webhook.test');
  });

  it('sends only matching types, only the endpoint’s project, only its organization', async () => {
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    const otherOwner = sessionCaller(await signIn(portico, other.email, other.password));
    await otherOwner.post(`/v1/organizations/${other.organizationId}/webhooks`, { url: `${receiver.base}/other-org`, eventTypes: ['*'] }).expect(201);
    const { projectId: second } = await createProject(portico, org.organizationId, 'second');
    await createEndpoint('/project-main', { projectId: org.projectId, eventTypes: ['*'] });
    await createEndpoint('/certs-only', { eventTypes: ['certificate.issued'] });
    await publish(portico, org.organizationId, { projectId: second, hostname: 'second.example.com' });
    const marker = await publish(portico, org.organizationId, { projectId: org.projectId, type: 'certificate.issued', hostname: 'main.example.com' });
    await waitFor(async () => receiver.at('/certs-only'), (r) => r.length >= 1);
    await waitFor(async () => receiver.at('/project-main'), (r) => r.length >= 1);
    expect(receiver.at('/certs-only').map((r) => r.headers['webhook-id'])).toEqual([marker]);
    expect(receiver.at('/project-main').map((r) => r.headers['webhook-id'])).toEqual([marker]);
    expect(receiver.at('/other-org')).toHaveLength(0);
  });

  it('sends a project-limited endpoint the events of domains assigned to its project, not of other projects’ domains', async () => {
    const { orm, webhookService } = portico.container.cradle;
    const { projectId: third } = await createProject(portico, org.organizationId, 'third');
    const { projectId: fourth } = await createProject(portico, org.organizationId, 'fourth');
    const em = orm.em.fork();
    const domainOf = (hostname: string, projectId: string) => {
      const domain = em.create(Domain, { organization: em.getReference(Organization, org.organizationId), hostname, status: 'verified', method: 'dns-txt', token: randomUUID().replaceAll('-', '') });
      em.create(ProjectDomain, { project: em.getReference(Project, projectId), domain });
      return domain;
    };
    const mine = domainOf(`mine-${randomUUID().slice(0, 8)}.example.com`, third);
    const theirs = domainOf(`theirs-${randomUUID().slice(0, 8)}.example.com`, fourth);
    await em.flush();
    const { id: endpointId } = await createEndpoint('/project-third', { projectId: third, eventTypes: ['domain.verified'] });
    // Domain events carry no project; the assignment at fan-out time decides.
    const theirsEvent = await publish(portico, org.organizationId, { hostname: theirs.hostname, subjectId: theirs.id });
    const mineEvent = await publish(portico, org.organizationId, { hostname: mine.hostname, subjectId: mine.id });
    // The worker fans out too; a fan-out is idempotent, so once these return every delivery row exists.
    await webhookService.fanOut(theirsEvent);
    await webhookService.fanOut(mineEvent);
    const rows = await orm.em.fork().find(WebhookDelivery, { endpoint: endpointId });
    expect(rows.map((r) => r.eventId)).toEqual([mineEvent]);
    const [message] = await waitFor(async () => receiver.at('/project-third'), (r) => r.length >= 1);
    expect(JSON.parse(message!.body)).toMatchObject({ type: 'domain.verified', data: { id: mineEvent, projectId: null, subject: { kind: 'domain', id: mine.id } } });
  });

  it('answers 404 to other organizations and 403 to roles below admin', async () => {
    const { id } = await createEndpoint('/private');
    const [row] = await waitFor(
      async () => {
        await publish(portico, org.organizationId);
        return deliveriesOf(id);
      },
      (rows) => rows.length > 0,
      5,
    );
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    const stranger = sessionCaller(await signIn(portico, other.email, other.password));
    const paths = [
      `/v1/organizations/${org.organizationId}/webhooks`,
      `/v1/organizations/${org.organizationId}/webhooks/${id}`,
      `/v1/organizations/${org.organizationId}/webhook-deliveries`,
      `/v1/organizations/${other.organizationId}/webhooks/${id}`,
      `/v1/organizations/${other.organizationId}/webhook-deliveries/${row!.id}`,
    ];
    for (const path of paths) expect((await stranger.get(path)).status, path).toBe(404);
    expect((await stranger.post(`/v1/organizations/${other.organizationId}/webhook-deliveries/${row!.id}/replay`)).status).toBe(404);
    expect((await stranger.post(`/v1/organizations/${other.organizationId}/webhooks/${id}/rotate-secret`)).status).toBe(404);
    const member = await createMember(portico, org.organizationId, { role: 'project_admin', projectId: org.projectId });
    const projectAdmin = sessionCaller(await signIn(portico, member.email, member.password));
    const refused = await projectAdmin.get(`/v1/organizations/${org.organizationId}/webhooks`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses private and insecure targets with stable codes when the operator has not allowed them', async () => {
    const settings = portico.container.cradle.config.webhooks;
    const { id } = await createEndpoint('/ssrf');
    settings.allowPrivateAddresses = false;
    try {
      const post = (url: string) => owner.post(`/v1/organizations/${org.organizationId}/webhooks`, { url });
      expect((await post(`${receiver.base}/x`)).body.error).toMatchObject({ code: 'WEBHOOK_URL_INVALID', details: { reason: 'insecure' } });
      expect((await post('ftp://hooks.example.com/')).body.error.code).toBe('WEBHOOK_URL_INVALID');
      for (const url of ['https://127.0.0.1/x', 'https://10.1.2.3/', 'https://[::1]/', 'https://169.254.169.254/latest', 'https://localhost/']) {
        const res = await post(url);
        expect(res.status, url).toBe(422);
        expect(res.body.error.code, url).toBe('WEBHOOK_TARGET_REFUSED');
      }
      // An endpoint made while it was allowed is refused at delivery, before any connection.
      const before = receiver.at('/ssrf').length;
      const ping = await owner.post(`/v1/organizations/${org.organizationId}/webhooks/${id}/test`).expect(202);
      const done = await waitFor(async () => (await delivery(ping.body.id).expect(200)).body, (d) => d.status === 'failed');
      expect(done.attemptLog[0].error).toMatch(/^refused:/);
      expect(receiver.at('/ssrf')).toHaveLength(before);
    } finally {
      settings.allowPrivateAddresses = true;
    }
  });

  it('deletes finished deliveries past the retention', async () => {
    const { id } = await createEndpoint('/old');
    await publish(portico, org.organizationId);
    const [row] = await waitFor(() => deliveriesOf(id), (rows) => rows[0]?.status === 'delivered');
    const em = portico.container.cradle.orm.em.fork();
    const old = new Date(Date.now() - 31 * 86_400_000);
    await em.nativeUpdate(WebhookDelivery, { id: row!.id as string }, { createdAt: old });
    await portico.container.cradle.webhookService.sweep();
    await delivery(row!.id as string).expect(404);
  });

  it('disables an endpoint after a long failure streak, publishes the event and mails the owners', async () => {
    const { id } = await createEndpoint('/dead');
    receiver.state.respond = (req, res) => {
      res.writeHead(req.url === '/dead' ? 503 : 200);
      res.end();
    };
    // Drive time: the streak started six days ago and is one failure short of the limit.
    const em = portico.container.cradle.orm.em.fork();
    const limit = portico.container.cradle.config.webhooks.disableAfterFailures;
    await em.nativeUpdate(WebhookEndpoint, { id }, { failingSince: new Date(Date.now() - 6 * 86_400_000), consecutiveFailures: limit.attempts - 1 });
    await publish(portico, org.organizationId);
    const res = await waitFor(async () => owner.get(`/v1/organizations/${org.organizationId}/webhooks/${id}`), (r) => r.body.enabled === false);
    expect(res.body).toMatchObject({ enabled: false, disabledReason: 'failures', consecutiveFailures: limit.attempts });
    const events = await portico.container.cradle.orm.em.fork().find(PublishedEvent, { type: 'webhook.endpoint_disabled', subjectId: id });
    expect(events).toHaveLength(1);
    const mail = await smtp.waitFor((m) => recipients(m).includes(org.email.toLowerCase()), 15_000);
    expect(mail.text).toContain(`${receiver.base}/dead`);
    // Re-enabling starts the streak afresh.
    const enabled = await owner.patch(`/v1/organizations/${org.organizationId}/webhooks/${id}`, { enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
  });
});

describe('webhooks when the worker dies mid-delivery', () => {
  /** A worker in its own process, so it can really be killed (SIGKILL: no cleanup, no last write). */
  async function spawnWorker(raw: Record<string, unknown>, databaseUrl: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORTICO_TEST_CONFIG: JSON.stringify({ config: raw, databaseUrl }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    });
    return child;
  }
  const kill = (child: ChildProcess | undefined) => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  it('delivers after the worker is killed and another starts, duplicates carrying the same webhook-id', async () => {
    const receiver = await startReceiver();
    const { logger } = collectingLogger();
    const raw = { seedDemo: false, jobs: { pollingIntervalSeconds: 0.5 }, secrets: { keyFile: `${tmpdir()}/portico-test-keys-${randomUUID()}.json` }, ...WEBHOOK_CONFIG };
    const config = parseConfig(raw, {}, 'test');
    config.database.url = await createTestDatabase();
    // The API alone here: only the worker processes run jobs.
    const api = await startPortico({ config, baseDir: REPO_ROOT, logger, role: 'api', listen: false });
    const portico = Object.assign(api, { http: supertest(api.app!.callback()), kernel: api.container.cradle.kernel, logs: [] }) as TestPortico;
    let first: ChildProcess | undefined;
    let second: ChildProcess | undefined;
    try {
      const org = await createOrganizationWithUser(portico, { role: 'owner' });
      const owner = sessionCaller(await signIn(portico, org.email, org.password));
      const created = await owner.post(`/v1/organizations/${org.organizationId}/webhooks`, { url: `${receiver.base}/crash`, eventTypes: ['*'] }).expect(201);
      // The first request hangs: the worker that sent it dies waiting.
      receiver.state.respond = (_req, res, index) => {
        if (index === 0) return;
        res.writeHead(200);
        res.end();
      };
      first = await spawnWorker(raw, config.database.url);
      const eventId = await publish(portico, org.organizationId);
      await waitFor(async () => receiver.received.length, (n) => n >= 1);
      kill(first);
      await new Promise((resolve) => first!.once('exit', resolve));

      const orm = api.container.cradle.orm;
      const stuck = await orm.em.fork().findOneOrFail(WebhookDelivery, { eventId });
      expect(stuck).toMatchObject({ status: 'pending', attempts: 0 });
      expect(stuck.claimedUntil).not.toBeNull();

      second = await spawnWorker(raw, config.database.url);
      // Drive time: the dead worker's claim and the delivery's due time are long past; the sweep finds it.
      await orm.em.fork().nativeUpdate(WebhookDelivery, { id: stuck.id }, { claimedUntil: new Date(Date.now() - 1000), nextAttemptAt: new Date(Date.now() - 10 * 60_000) });
      expect(await api.container.cradle.webhookService.sweep()).toBe(1);
      const done = await waitFor(() => orm.em.fork().findOneOrFail(WebhookDelivery, stuck.id), (d) => d.status === 'delivered', 150);
      expect(done).toMatchObject({ status: 'delivered', attempts: 1 });
      expect(receiver.received.length).toBeGreaterThanOrEqual(2);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
      for (const message of receiver.received) new Webhook(created.body.secret).verify(message.body, message.headers);
      expect(await orm.em.fork().count(WebhookDelivery, { eventId })).toBe(1);
    } finally {
      kill(first);
      kill(second);
      await api.stop();
      await receiver.stop();
    }
  }, 90_000);
});
