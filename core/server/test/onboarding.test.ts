import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import getPort from 'get-port';
import supertest from 'supertest';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countUsers } from '../src/db/seed.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';
import { recipients, startSmtpServer, type TestSmtpServer } from './smtp.ts';

// A fresh instance, all over HTTP with real PostgreSQL, real SMTP and real DNS: from no account to an owner, who
// invites an admin by email; the admin creates a project, an API key and a webhook; the key adds a domain that
// Portico sets up and verifies on its own; the webhook receives a signed domain.verified that the
// standardwebhooks package accepts.

const PASSWORD = 'correct-horse-battery-staple';
const ZONE = 'onboard.test';

describe('onboarding a SaaS team on a fresh instance', () => {
  let portico: TestPortico;
  let smtp: TestSmtpServer;
  const received: Array<{ headers: Record<string, string>; body: string }> = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const dnsPort = await getPort({ host: '127.0.0.1' });
    portico = await startTestPortico({
      seedDemo: false,
      accounts: { signup: 'open' },
      http: { publicUrl: 'https://portico.example.test' },
      mail: { smtp: { host: smtp.host, port: smtp.port }, from: 'Portico <no-reply@portico.example.test>' },
      dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
      dnsSetup: { propagationIntervalSeconds: 0.2 },
      // The receiver listens on loopback: the operator allows private targets here, as a private network would.
      webhooks: { allowPrivateAddresses: true },
      plugins: [
        { package: '@portico/dns-memory', options: { serve: { host: '127.0.0.1', port: dnsPort }, zones: [{ name: ZONE }] } },
        { package: '@portico/verify-dns-txt' },
      ],
    });
  });

  afterAll(async () => {
    await portico?.stop();
    await smtp?.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('no account → owner → invited admin → project, API key, webhook → a signed domain.verified', async () => {
    expect(await countUsers(portico.container.cradle.orm)).toBe(0);
    const agent = () => supertest.agent(portico.app!.callback());

    // The owner signs up, and with it their organization.
    expect((await agent().post('/v1/auth/signup').send({ email: 'owner@team.example', password: PASSWORD, name: 'Olu', organizationName: 'Team' })).status).toBe(202);
    const owner = await signIn(portico, 'owner@team.example', PASSWORD);
    const organizationId = (await owner.agent.get('/v1/organizations').expect(200)).body.data[0].id as string;

    // The owner invites an admin; the link comes by email; the admin joins with it.
    const invited = await owner.agent.post(`/v1/organizations/${organizationId}/invitations`).set('x-csrf-token', owner.csrf).send({ email: 'admin@team.example', role: 'admin' });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const mail = await smtp.waitFor((m) => recipients(m).includes('admin@team.example'));
    const token = /#token=(inv_[\w-]+)/.exec(mail.text ?? '')?.[1];
    expect(token).toBeDefined();
    const admin = agent();
    const joined = await admin.post('/v1/auth/signup').send({ invitationToken: token, password: PASSWORD, name: 'Ada' });
    expect(joined.status, JSON.stringify(joined.body)).toBe(202);
    const csrf = joined.body.csrfToken as string;

    // The admin creates a project and an API key for the team's backend.
    const project = await admin.post(`/v1/organizations/${organizationId}/projects`).set('x-csrf-token', csrf).send({ name: 'Shop', slug: 'shop' });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    const projectId = project.body.id as string;
    const scopes = ['domains:read', 'domains:write', 'dns-credentials:write', 'webhooks:read', 'webhooks:write'];
    const key = await admin.post(`/v1/organizations/${organizationId}/api-keys`).set('x-csrf-token', csrf).send({ name: 'backend', scopes });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const backend = (method: 'get' | 'post', path: string, body?: object) => {
      const req = agent()[method](path).set('authorization', `Bearer ${key.body.secret as string}`);
      return body ? req.send(body) : req;
    };

    // The backend subscribes a webhook to domain.verified; its secret is shown this once.
    const { port } = receiver.address() as AddressInfo;
    const hook = await backend('post', `/v1/organizations/${organizationId}/webhooks`, { url: `http://127.0.0.1:${port}/portico`, eventTypes: ['domain.verified'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const secret = hook.body.secret as string;
    expect(secret).toMatch(/^whsec_/);

    // The backend adds a customer's domain with a DNS credential: Portico writes the records and verifies it.
    const credential = await backend('post', `/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: 'Team DNS', credentials: {} });
    expect(credential.status, JSON.stringify(credential.body)).toBe(201);
    const hostname = `shop.${ZONE}`;
    const domain = await backend('post', `/v1/organizations/${organizationId}/domains`, { hostname, projectId, dnsCredentialId: credential.body.id, customerRef: 'customer-7' });
    expect(domain.status, JSON.stringify(domain.body)).toBe(201);

    // The webhook arrives signed per Standard Webhooks, and the package's own verifier accepts it.
    const delivery = await waitFor(
      async () => received.find((r) => r.body.includes('"domain.verified"')),
      Boolean,
      300,
      100,
    );
    expect(delivery, 'no domain.verified delivery arrived').toBeDefined();
    const payload = new Webhook(secret).verify(delivery!.body, delivery!.headers) as { type: string; data: { organizationId: string; customerRef: string | null; data: { hostname: string } } };
    expect(payload.type).toBe('domain.verified');
    expect(payload.data).toMatchObject({ organizationId, customerRef: 'customer-7', data: { hostname } });
    expect(() => new Webhook(`whsec_${Buffer.from('another secret of 24 bytes!!').toString('base64')}`).verify(delivery!.body, delivery!.headers)).toThrow();
    expect((await backend('get', `/v1/domains/${domain.body.id as string}`)).body.status).toBe('verified');

    // Nothing secret reached the logs: neither the invitation link, the key, nor the webhook secret.
    const logs = portico.logs.join('');
    for (const value of [token!, key.body.secret as string, secret]) expect(logs).not.toContain(value);
  });
});
