import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/api/routes.ts';
import { buildOpenApi } from '../src/http/openapi.ts';
import { addVerifiedDomain, createMember, createOrganizationWithUser, createProject, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, type TestPortico } from './helpers.ts';
import { WebhookDelivery } from '../src/modules/webhooks/entity.ts';
import { Session } from '../src/modules/sessions/entity.ts';
import { Notification } from '../src/modules/notifications/entity.ts';
import { startScriptedPortico } from './scripted-portico.ts';

// Tenants never see each other (docs/reference/claims.md, architecture.md "Tenancy"): every route of the OpenAPI
// document, called by every kind of caller of organization X with organization V's ids, answers exactly as it
// answers for ids that do not exist (404, or a refusal that does not depend on the id), never succeeds, and no
// answer anywhere carries V's ids, slugs or names. Callers bound to a project get the same treatment for the
// other project of their own organization. The two organizations overlap: both have a project `main`, and X's
// verified `parent.leaks.test` sits above V's verified and routed `shop.parent.leaks.test`.

const TOKEN = 'memory-token-leaks-3b9e';
const ALL_SCOPES = ['domains:read', 'domains:write', 'projects:read', 'projects:write', 'dns-credentials:read', 'dns-credentials:write', 'widget-tokens:write', 'webhooks:read', 'webhooks:write', 'events:read', 'audit:read'];

/** What a request can name. */
interface Ids {
  organizationId: string;
  projectId: string;
  domainId: string;
  serviceId: string;
  mappingId: string;
  credentialId: string;
  apiKeyId: string;
  webhookId: string;
  deliveryId: string;
  userId: string;
  invitationId: string;
  sessionId: string;
  notificationId: string;
  edgeId: string;
}
const ID_PARAMS = ['organizationId', 'projectId', 'domainId', 'serviceId', 'mappingId', 'credentialId', 'apiKeyId', 'webhookId', 'deliveryId', 'userId', 'invitationId', 'sessionId', 'notificationId', 'edgeId'] as const;
const randomIds = (): Ids => Object.fromEntries(ID_PARAMS.map((k) => [k, randomUUID()])) as unknown as Ids;

/**
 * How to call a route so its checks get past validation: a body and query built from the ids of the call, and
 * `refs`, groups of ids the route reads from elsewhere than its path owner (each group is also sent alone, with
 * the caller's own ids for the rest). Routes not listed are called with their path ids and no body.
 */
interface Spec {
  body?: (ids: Ids) => object;
  query?: (ids: Ids) => string;
  refs?: Array<Array<keyof Ids>>;
}
let probe = 0;
const SPECS: Record<string, Spec> = {
  'post /v1/auth/login': { body: () => ({ email: 'nobody@example.test', password: 'wrong-password' }) },
  'patch /v1/organizations/{organizationId}/settings': { body: () => ({ maxDomains: 500 }) },
  'get /v1/subscription': { query: (ids) => `organizationId=${ids.organizationId}`, refs: [['organizationId']] },
  'post /v1/subscription': { body: (ids) => ({ organizationId: ids.organizationId, planId: 'default' }), refs: [['organizationId']] },
  'get /v1/usage': { query: (ids) => `organizationId=${ids.organizationId}&projectId=${ids.projectId}`, refs: [['organizationId'], ['projectId']] },
  'put /v1/organizations/{organizationId}/oidc': { body: () => ({ displayName: 'Probe', issuer: 'https://idp.leaks.test', clientId: 'probe' }) },
  // Events name their organization and project in the query; with only the caller's own ids a stream would stay open.
  'get /v1/events': { query: (ids) => `organizationId=${ids.organizationId}&projectId=${ids.projectId}`, refs: [['organizationId'], ['projectId']] },
  'get /v1/audit': { query: (ids) => `organizationId=${ids.organizationId}`, refs: [['organizationId']] },
  'get /v1/events/stream': { query: (ids) => `organizationId=${ids.organizationId}&projectId=${ids.projectId}`, refs: [['organizationId'], ['projectId']] },
  'post /v1/organizations/{organizationId}/webhooks': { body: () => ({ url: 'https://1.1.1.1/probe-hook', enabled: false }) },
  'post /v1/organizations/{organizationId}/webhooks/{webhookId}/replay': { body: () => ({ since: '2020-01-01T00:00:00Z' }) },
  'post /v1/organizations/{organizationId}/projects': { body: () => ({ name: 'Probe', slug: `probe-${++probe}` }) },
  'post /v1/projects/{projectId}/domains': { body: () => ({ hostnames: [`probe-${++probe}.leaks.test`] }) },
  'delete /v1/projects/{projectId}/domains/{domainId}': { refs: [['domainId']] },
  'post /v1/organizations/{organizationId}/api-keys': { body: (ids) => ({ name: 'probe', scopes: ['domains:read'], projectId: ids.projectId }), refs: [['projectId']] },
  'post /v1/domains:check': { body: (ids) => ({ hostname: 'probe.leaks.test', organizationId: ids.organizationId, projectId: ids.projectId }), refs: [['projectId'], ['organizationId']] },
  'get /v1/domains/{domainId}/dns-plan': { query: (ids) => `credentialId=${ids.credentialId}`, refs: [['credentialId']] },
  'post /v1/domains/{domainId}/dns-setup': { body: (ids) => ({ credentialId: ids.credentialId }), refs: [['credentialId']] },
  'post /v1/organizations/{organizationId}/domains': { body: (ids) => ({ hostname: `probe-${++probe}.leaks.test`, projectId: ids.projectId }), refs: [['projectId']] },
  // Per-id results (a foreign id is NOT_FOUND in its own result, echoing only the id sent): probed through its
  // organization; domains-bulk.test.ts covers foreign and hidden ids inside the caller's own organization.
  'post /v1/organizations/{organizationId}/domains:bulk': { body: (ids) => ({ action: 'verify', domainIds: [ids.domainId] }) },
  'post /v1/projects/{projectId}/dns-credentials': { body: () => ({ provider: 'memory', label: 'probe', credentials: { token: TOKEN } }) },
  'post /v1/projects/{projectId}/services': { body: () => ({ name: `probe-${++probe}`, upstreamHost: 'probe.internal', upstreamPort: 80 }) },
  'patch /v1/services/{serviceId}': { body: () => ({ upstreamPort: 81 }) },
  'get /v1/projects/{projectId}/mappings:check': { query: (ids) => `domainId=${ids.domainId}&subdomain=probe`, refs: [['domainId']] },
  'post /v1/projects/{projectId}/mappings:preview': { body: (ids) => ({ serviceId: ids.serviceId, domainId: ids.domainId }), refs: [['serviceId'], ['domainId']] },
  'post /v1/projects/{projectId}/mappings': { body: (ids) => ({ serviceId: ids.serviceId, domainId: ids.domainId, subdomain: 'probe' }), refs: [['serviceId'], ['domainId']] },
  'patch /v1/mappings/{mappingId}': { body: (ids) => ({ serviceId: ids.serviceId }), refs: [['serviceId']] },
  'post /v1/domains/{domainId}/certificates': { body: () => ({}) },
  'post /v1/widget-tokens': { body: (ids) => ({ projectId: ids.projectId }), refs: [['projectId']] },
  'patch /v1/organizations/{organizationId}': { body: () => ({ name: 'Probe' }) },
  'patch /v1/projects/{projectId}': { body: () => ({ name: 'Probe' }) },
  'put /v1/organizations/{organizationId}/members/{userId}/role': { body: () => ({ role: 'admin' }) },
  'post /v1/organizations/{organizationId}/invitations': { body: () => ({ email: `probe-${++probe}@leaks.example`, role: 'admin' }) },
  'patch /v1/projects/{projectId}/widget': { body: () => ({ allowedOrigins: ['https://probe.leaks.example'] }) },
  'put /v1/notifications/preferences': { body: () => ({ preferences: [{ channel: 'email', topic: 'domains', enabled: true }] }) },
};
/** Refused for who the caller is or what its key may do, before any id is looked at: never an oracle. */
const IDENTITY_FIRST = new Set(['UNAUTHENTICATED', 'API_KEY_SCOPE_MISSING', 'OPERATOR_REQUIRED']);
/** On the caller's own resource, its role there may refuse first, whatever else the request names. */
const ROLE_FIRST = new Set([...IDENTITY_FIRST, 'FORBIDDEN']);

interface Operation {
  key: string;
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  params: string[];
}
/** Path parameters that name no tenant's data (a sign-in provider): filled with a fixed name, never probed as ids. */
const NAME_PARAMS: Record<string, string> = { provider: 'probe-provider' };
const doc = buildOpenApi(ROUTES, { version: 'test' }) as unknown as { paths: Record<string, Record<string, unknown>> };
const OPERATIONS: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.keys(methods).map((method) => ({ key: `${method} ${path}`, method: method as Operation['method'], path, params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => !(name in NAME_PARAMS)) })),
);

describe('no route leaks across tenants or projects (every route of the OpenAPI document, every kind of caller)', () => {
  let portico: TestPortico;
  /** The organization whose data must stay invisible, and everything that would name it. */
  let victim: Ids;
  const victimSecrets: string[] = [];
  /** The calling organization: its own ids (project P), and Q, the project its project-bound callers cannot reach. */
  let own: Ids;
  let hidden: Ids;
  const hiddenSecrets: string[] = [];
  let ownParentDomain: string;
  let ownService: string;
  const callers: Array<{ name: string; caller: Caller; projectBound: boolean; relogin?: () => Promise<Caller> }> = [];

  const orgSession = async (email: string, password: string) => sessionCaller(await signIn(portico, email, password));
  const newKey = async (owner: Caller, organizationId: string, name: string, projectId: string | null) => {
    const res = await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name, scopes: ALL_SCOPES, projectId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; secret: string };
  };
  /** A project with a verified domain, a service mapped on it and a stored credential, all named `label`. */
  const furnish = async (owner: Caller, organizationId: string, projectId: string, hostname: string, label: string, mapping: object = {}) => {
    const domain = await addVerifiedDomain(owner, organizationId, hostname, projectId);
    const service = (await owner.post(`/v1/projects/${projectId}/services`, { name: `${label}-service`, upstreamHost: `${label}.internal`, upstreamPort: 8080 }).expect(201)).body;
    const mapped = (await owner.post(`/v1/projects/${projectId}/mappings`, { serviceId: service.id, domainId: domain.id, ...mapping }).expect(201)).body;
    const credential = await owner.post(`/v1/projects/${projectId}/dns-credentials`, { provider: 'memory', label: `${label}-credential`, credentials: { token: TOKEN } });
    expect(credential.status, JSON.stringify(credential.body)).toBe(201);
    return { domainId: domain.id as string, serviceId: service.id as string, mappingId: mapped.id as string, credentialId: credential.body.id as string };
  };

  /** A disabled webhook endpoint (nothing is ever sent) and one delivery row of it. */
  const webhook = async (owner: Caller, organizationId: string, label: string) => {
    const endpoint = (await owner.post(`/v1/organizations/${organizationId}/webhooks`, { url: `https://1.1.1.1/${label}-hook`, description: `${label}-hook`, enabled: false }).expect(201)).body;
    const em = portico.container.cradle.orm.em.fork();
    const delivery = em.create(WebhookDelivery, { endpoint: endpoint.id, organization: organizationId, eventId: randomUUID(), eventType: 'domain.verified', occurredAt: new Date(), payload: { label } });
    await em.flush();
    return { webhookId: endpoint.id as string, deliveryId: delivery.id };
  };

  /** A console session of the user (the caller's own, or another organization's owner's). */
  const sessionOf = async (userId: string) => (await portico.container.cradle.orm.em.fork().findOneOrFail(Session, { user: userId })).id;

  /** A notification of one user (notifications are personal: only that user reaches its id). */
  const notificationOf = async (userId: string, organizationId: string, label: string) => {
    const em = portico.container.cradle.orm.em.fork();
    const row = em.create(Notification, { user: userId, organization: organizationId, eventId: randomUUID(), type: 'domain.verified', severity: 'info', title: `${label}-notification`, body: `${label} body`, link: null });
    await em.flush();
    return row.id;
  };

  /** A pending invitation of the organization (no mail server: the mail is only logged). */
  const invitation = async (owner: Caller, organizationId: string, label: string) =>
    (await owner.post(`/v1/organizations/${organizationId}/invitations`, { email: `${label}-invitee@leaks.example`, role: 'admin' }).expect(201)).body.id as string;

  beforeAll(async () => {
    portico = await startScriptedPortico({ zone: 'leaks.test', token: TOKEN });

    // X, the caller's organization: project P (`main`) with the parent domain, and Q.
    const x = await createOrganizationWithUser(portico, { role: 'owner', name: 'caller-org' });
    const xOwner = await orgSession(x.email, x.password);
    const parent = await furnish(xOwner, x.organizationId, x.projectId, 'parent.leaks.test', 'caller-own', { subdomain: 'www' });
    ownParentDomain = parent.domainId;
    ownService = parent.serviceId;
    const xKey = await newKey(xOwner, x.organizationId, 'caller-key', null);
    own = { organizationId: x.organizationId, projectId: x.projectId, ...parent, apiKeyId: xKey.id, ...(await webhook(xOwner, x.organizationId, 'caller-own')), userId: x.userId, invitationId: await invitation(xOwner, x.organizationId, 'caller-own'), sessionId: await sessionOf(x.userId), notificationId: await notificationOf(x.userId, x.organizationId, 'caller-own'), edgeId: 'no-such-edge' };
    const { projectId: q } = await createProject(portico, x.organizationId, 'q-hidden-project');
    hidden = { organizationId: x.organizationId, projectId: q, ...(await furnish(xOwner, x.organizationId, q, 'q-hidden.leaks.test', 'q-hidden')), apiKeyId: xKey.id, webhookId: own.webhookId, deliveryId: own.deliveryId, invitationId: own.invitationId, sessionId: own.sessionId, notificationId: own.notificationId, edgeId: own.edgeId, userId: (await createMember(portico, x.organizationId, { role: 'project_member', projectId: q })).userId };
    hidden.notificationId = await notificationOf(hidden.userId, x.organizationId, 'q-hidden');
    hiddenSecrets.push(q, 'q-hidden', hidden.domainId, hidden.serviceId, hidden.mappingId, hidden.credentialId, hidden.userId, hidden.notificationId);

    // V: a project `main` too, and a secret project whose verified shop.parent.leaks.test routes `/`.
    const v = await createOrganizationWithUser(portico, { role: 'owner', name: 'victim-secret-org' });
    const vOwner = await orgSession(v.email, v.password);
    const { projectId: secretProject } = await createProject(portico, v.organizationId, 'victim-secret-project');
    const vKey = await newKey(vOwner, v.organizationId, 'victim-secret-key', null);
    victim = { organizationId: v.organizationId, projectId: secretProject, ...(await furnish(vOwner, v.organizationId, secretProject, 'shop.parent.leaks.test', 'victim-secret')), apiKeyId: vKey.id, ...(await webhook(vOwner, v.organizationId, 'victim-secret')), userId: v.userId, invitationId: await invitation(vOwner, v.organizationId, 'victim-secret'), sessionId: await sessionOf(v.userId), notificationId: await notificationOf(v.userId, v.organizationId, 'victim-secret'), edgeId: 'no-such-edge' };
    await addVerifiedDomain(vOwner, v.organizationId, 'victim-private.leaks.test', v.projectId);
    victimSecrets.push(...Object.values(victim), v.projectId, v.userId, v.email, 'victim-secret', 'victim-private');

    // Every kind of caller in X: P is the project of the project-bound ones.
    const member = async (role: 'admin' | 'project_admin' | 'project_member') => {
      const user = await createMember(portico, x.organizationId, { role, projectId: x.projectId });
      return { caller: await orgSession(user.email, user.password), relogin: () => orgSession(user.email, user.password) };
    };
    callers.push({ name: 'owner', caller: xOwner, projectBound: false, relogin: () => orgSession(x.email, x.password) });
    for (const role of ['admin', 'project_admin', 'project_member'] as const) callers.push({ name: role, projectBound: role !== 'admin', ...(await member(role)) });
    callers.push({ name: 'organization key', caller: keyCaller(portico, xKey.secret), projectBound: false });
    callers.push({ name: 'project key', caller: keyCaller(portico, (await newKey(xOwner, x.organizationId, 'caller-project-key', x.projectId)).secret), projectBound: true });
  });
  afterAll(async () => portico?.stop());

  const send = (caller: Caller, op: Operation, ids: Ids): Promise<Response> => {
    const spec = SPECS[op.key] ?? {};
    let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (name in NAME_PARAMS) return NAME_PARAMS[name]!;
      if (!(ID_PARAMS as readonly string[]).includes(name)) throw new Error(`${op.key}: add path parameter ${name} to ID_PARAMS`);
      return ids[name as keyof Ids];
    });
    if (spec.query) path += `?${spec.query(ids)}`;
    const body = spec.body?.(ids);
    if (op.method === 'get') return caller.get(path);
    if (op.method === 'delete') return caller.delete(path);
    return caller[op.method](path, body);
  };
  const scan = (response: Response, secrets: string[], label: string) => {
    const text = JSON.stringify({ body: response.body, headers: response.headers.location ?? null });
    for (const secret of secrets) expect(text.includes(secret), `${label} answered with "${secret}": ${text.slice(0, 400)}`).toBe(false);
  };

  it('has a call for every route of the OpenAPI document', () => {
    expect(OPERATIONS.length).toBe(ROUTES.length);
    for (const key of Object.keys(SPECS)) expect(OPERATIONS.map((o) => o.key), `SPECS names ${key}, which is not a route`).toContain(key);
  });

  /**
   * One call with `target` ids and the same call with ids that exist nowhere: the same answer, never a success,
   * and a 404 unless the caller was refused for who it is (or, on its own resource, for its role there).
   */
  const probeOnce = async (caller: Caller, op: Operation, target: Ids, nowhere: Ids, secrets: string[], label: string, refused = IDENTITY_FIRST) => {
    const answer = await send(caller, op, target);
    const baseline = await send(caller, op, nowhere);
    scan(answer, secrets, label);
    expect(answer.status, `${label}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
    expect(answer.status < 300, `${label} succeeded: ${JSON.stringify(answer.body)}`).toBe(false);
    const code = answer.body?.error?.code as string | undefined;
    if (!refused.has(code ?? '')) expect(`${answer.status} ${code}`, `${label}: ${JSON.stringify(answer.body)}`).toBe('404 NOT_FOUND');
    expect(`${answer.status} ${code}`, `${label}: answers unlike an id that does not exist`).toBe(`${baseline.status} ${baseline.body?.error?.code}`);
  };

  it.each(['owner', 'admin', 'project_admin', 'project_member', 'organization key', 'project key'])(
    '%s: another organization’s ids answer like ids that do not exist, and nothing of it shows',
    async (name) => {
      const { caller, projectBound, relogin } = callers.find((c) => c.name === name)!;
      const secrets = [...victimSecrets, ...(projectBound ? hiddenSecrets : [])];
      for (const op of OPERATIONS) {
        const spec = SPECS[op.key] ?? {};
        if (op.key === 'post /v1/auth/logout') {
          // Signing out ends the session it is sent with: a second session of the same user takes it.
          scan(await (relogin ? await relogin() : caller).post('/v1/auth/logout'), secrets, `${name} ${op.key}`);
          continue;
        }
        if (op.params.length === 0 && !spec.refs) {
          const answer = await send(caller, op, own);
          expect(answer.status, `${name} ${op.key}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
          scan(answer, secrets, `${name} ${op.key}`);
          continue;
        }
        // Everything named by the other organization's ids.
        if (op.params.length > 0) await probeOnce(caller, op, victim, randomIds(), secrets, `${name} ${op.key} (other organization)`);
        // The caller's own path, with one reference to the other organization (or, for a project-bound caller,
        // to the project it cannot reach).
        for (const group of spec.refs ?? []) {
          const pick = (from: Ids) => ({ ...own, ...Object.fromEntries(group.map((k) => [k, from[k]])) }) as Ids;
          await probeOnce(caller, op, pick(victim), pick(randomIds()), secrets, `${name} ${op.key} (own, ${group.join('+')} of the other organization)`, ROLE_FIRST);
          if (projectBound && group.some((k) => hidden[k] !== own[k])) await probeOnce(caller, op, pick(hidden), pick(randomIds()), secrets, `${name} ${op.key} (own, ${group.join('+')} of project Q)`, ROLE_FIRST);
        }
        // A project-bound caller and its organization's other project.
        // Organization-level resources (API keys, webhooks) belong to no project.
        const reachesQ = op.params.some((p) => !['organizationId', 'apiKeyId', 'webhookId', 'deliveryId', 'invitationId', 'sessionId'].includes(p));
        if (projectBound && reachesQ) {
          await probeOnce(caller, op, { ...hidden, organizationId: own.organizationId }, { ...randomIds(), organizationId: own.organizationId }, secrets, `${name} ${op.key} (project Q)`);
        }
      }
    },
  );

  it.each(['owner', 'admin', 'project_admin', 'project_member', 'organization key', 'project key'])(
    '%s: the hostnames both organizations touch never tell who holds them or what routes them',
    async (name) => {
      const { caller } = callers.find((c) => c.name === name)!;
      const label = (what: string) => `${name} ${what}`;
      // shop.parent.leaks.test is V's, under X's parent.leaks.test: asking about it names nothing of V.
      const check = await caller.get(`/v1/projects/${own.projectId}/mappings:check?domainId=${ownParentDomain}&subdomain=shop`);
      expect(check.status, JSON.stringify(check.body)).toBe(200);
      expect(check.body.available).toBe(false);
      expect(check.body.conflict?.serviceName ?? null).toBeNull();
      scan(check, victimSecrets, label('mappings:check'));
      const preview = await caller.post(`/v1/projects/${own.projectId}/mappings:preview`, { serviceId: ownService, domainId: ownParentDomain, subdomain: 'shop' });
      expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      scan(preview, victimSecrets, label('mappings:preview'));
      const create = await caller.post(`/v1/projects/${own.projectId}/mappings`, { serviceId: ownService, domainId: ownParentDomain, subdomain: 'shop' });
      expect(create.status, JSON.stringify(create.body)).toBeGreaterThanOrEqual(400);
      scan(create, victimSecrets, label('POST mappings'));
      const claim = await caller.post('/v1/domains:check', { hostname: 'shop.parent.leaks.test' });
      expect(claim.status, JSON.stringify(claim.body)).toBe(200);
      expect(claim.body).toMatchObject({ available: true, existing: null });
      scan(claim, victimSecrets, label('domains:check'));
    },
  );
});
