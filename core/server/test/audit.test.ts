import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/modules/audit/entity.ts';
import { Organization } from '../src/modules/organizations/entity.ts';
import { Project } from '../src/modules/projects/entity.ts';
import { User } from '../src/modules/users/entity.ts';
import { QUEUES, SCHEDULES } from '../src/jobs/queues.ts';
import { createMember, createOrganizationWithUser, keyCaller, sessionCaller, type Caller } from './factories.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

type Fields = Record<string, unknown>;

interface Entry {
  id: string;
  organizationId: string | null;
  actor: { kind: string; id: string | null; label: string | null };
  ip: string | null;
  userAgent: string | null;
  action: string;
  target: { kind: string; id: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  outcome: string;
  reason: string | null;
}

// The audit log: every change with its actor, address and before/after (secrets redacted), refused writes,
// an organization-scoped read with filters and a keyset cursor, and retention.
describe('audit log', () => {
  let portico: TestPortico;
  let owner: Caller;
  let ownerSession: Awaited<ReturnType<typeof signIn>>;
  let organizationId: string;
  let projectId: string;
  let key: { id: string; prefix: string; secret: string };

  const auditUrl = (query: Record<string, string>) => `/v1/audit?${new URLSearchParams({ organizationId, ...query })}`;
  const read = async (caller: Caller, query: Record<string, string>) => {
    const res = await caller.get(auditUrl(query));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { data: Entry[]; nextCursor: string | null };
  };
  const allRows = () => portico.container.cradle.orm.em.fork().find(AuditLog, {}, { orderBy: { occurredAt: 'asc' } });

  beforeAll(async () => {
    portico = await startTestPortico();
    ownerSession = await signIn(portico, 'demo@portico.local', 'portico-demo');
    owner = sessionCaller(ownerSession);
    organizationId = (await owner.get('/v1/organizations').expect(200)).body.data[0].id;
    projectId = (await owner.get(`/v1/organizations/${organizationId}/projects`).expect(200)).body.data[0].id;
    const res = await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'auditor', scopes: ['projects:read', 'projects:write', 'audit:read'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    key = res.body;
  });
  afterAll(async () => portico?.stop());

  it('records a change made with an API key, with the key as actor and the changed fields before and after', async () => {
    const caller = keyCaller(portico, key.secret);
    const created = await portico.http
      .post(`/v1/projects/${projectId}/services`)
      .set({ authorization: `Bearer ${key.secret}`, 'user-agent': 'audit-test/1.0' })
      .send({ name: 'billing', upstreamHost: 'billing.internal', upstreamPort: 3000 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await caller.patch(`/v1/services/${created.body.id}`, { upstreamPort: 3001 }).expect(200);

    const { data } = await read(caller, { targetKind: 'service', targetId: created.body.id });
    expect(data.map((e) => e.action)).toEqual(['service.update', 'service.create']);
    const [update, create] = data;
    expect(update).toMatchObject({
      organizationId,
      outcome: 'success',
      actor: { kind: 'api_key', id: key.id, label: `pk_${key.prefix}` },
      target: { kind: 'service', id: created.body.id },
      before: { upstreamPort: 3000 },
      after: { upstreamPort: 3001 },
    });
    // Changed fields only: bookkeeping (updatedAt) and unchanged fields are left out.
    expect(Object.keys(update.after!)).toEqual(['upstreamPort']);
    expect(update.ip).toBeTruthy();
    expect(update.requestId).toBeTruthy();
    expect(create).toMatchObject({ before: null, after: { name: 'billing', upstreamHost: 'billing.internal', upstreamPort: 3000, project: projectId, organization: organizationId } });
    expect(create.userAgent).toBe('audit-test/1.0');

    // A delete (made with nativeDelete, outside the unit of work) keeps the last values.
    await caller.delete(`/v1/services/${created.body.id}`).expect(204);
    const [removed] = (await read(caller, { targetKind: 'service', targetId: created.body.id })).data;
    expect(removed).toMatchObject({ action: 'service.delete', actor: { kind: 'api_key', id: key.id }, before: { name: 'billing', upstreamPort: 3001 }, after: null, organizationId });
  });

  it('records a change made in a console session, with the user as actor', async () => {
    const settings = (await owner.get(`/v1/organizations/${organizationId}/settings`).expect(200)).body;
    const current = settings.limits.maxDomains as number;
    expect(typeof current).toBe('number');
    const res = await owner.patch(`/v1/organizations/${organizationId}/settings`, { maxDomains: 77 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { data } = await read(owner, { action: 'organization_settings.update' });
    expect(data[0]).toMatchObject({
      organizationId,
      actor: { kind: 'user', id: ownerSession.user.id, label: 'demo@portico.local' },
      after: { maxDomains: 77 },
      outcome: 'success',
    });
    expect(data[0].before).toEqual({ maxDomains: current });

    // The sign-in itself: the session row is the user's own act, its token hash and CSRF token redacted.
    const sessions = (await allRows()).filter((r) => r.action === 'session.create' && r.actorId === ownerSession.user.id);
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions[0]).toMatchObject({ actorKind: 'user', actorLabel: 'demo@portico.local' });
    expect(sessions[0].after).toMatchObject({ tokenHash: '[redacted]', csrfToken: '[redacted]' });

    // Signing out ends the session: recorded under the user, secrets still redacted.
    const second = await signIn(portico, 'demo@portico.local', 'portico-demo');
    await second.agent.post('/v1/auth/logout').set('x-csrf-token', second.csrf).expect(204);
    const ended = (await allRows()).filter((r) => r.action === 'session.delete' && r.actorId === second.user.id);
    expect(ended.length).toBe(1);
    expect(ended[0]).toMatchObject({ actorKind: 'user', actorLabel: 'demo@portico.local', after: null });
    expect(ended[0].before).toMatchObject({ tokenHash: '[redacted]', csrfToken: '[redacted]', user: second.user.id });
  });

  it('never stores a secret, a hash of one or a sealed value', async () => {
    const secretPart = key.secret.slice(`pk_${key.prefix}_`.length);
    const rows = await allRows();
    const keyRow = rows.find((r) => r.action === 'api_key.create' && r.targetId === key.id)!;
    expect(keyRow).toMatchObject({ actorKind: 'user', actorLabel: 'demo@portico.local', organizationId });
    expect(keyRow.after).toMatchObject({ secretHash: '[redacted]', prefix: key.prefix, name: 'auditor' });
    const everything = JSON.stringify(rows);
    const forbidden = [key.secret, secretPart, createHash('sha256').update(secretPart).digest('hex'), ownerSession.csrf, '$argon2'];
    for (const value of forbidden) expect(everything).not.toContain(value);
    const listed = await owner.get(auditUrl({ limit: '200' })).expect(200);
    for (const value of forbidden) expect(listed.text).not.toContain(value);
  });

  it('records refused writes as denied, without their bodies', async () => {
    const readOnly = (await owner.post(`/v1/organizations/${organizationId}/api-keys`, { name: 'reader', scopes: ['projects:read'] }).expect(201)).body;
    const denied = await keyCaller(portico, readOnly.secret).post(`/v1/projects/${projectId}/services`, { name: 'sneaky', upstreamHost: 'sneaky.internal', upstreamPort: 1 });
    expect(denied.status).toBe(403);
    // A cookie-authenticated write without the CSRF token.
    await ownerSession.agent.patch(`/v1/organizations/${organizationId}/settings`).send({ maxDomains: 1 }).expect(403);
    // A bearer that is no live key: recorded as anonymous, named only by the prefix it showed.
    const forged = `pk_${readOnly.prefix}_${'A'.repeat(43)}`;
    await portico.http.post(`/v1/projects/${projectId}/services`).set('authorization', `Bearer ${forged}`).send({}).expect(401);

    const { data } = await read(owner, { outcome: 'denied' });
    const scope = data.find((e) => e.reason === 'API_KEY_SCOPE_MISSING')!;
    expect(scope).toMatchObject({
      action: 'auth.denied',
      organizationId,
      actor: { kind: 'api_key', id: readOnly.id, label: `pk_${readOnly.prefix}` },
      target: { kind: 'route', id: `POST /v1/projects/${projectId}/services` },
      before: null,
      after: null,
    });
    // Refused before membership is known (no CSRF token): kept under the session's user, naming no organization.
    const csrf = (await allRows()).find((r) => r.outcome === 'denied' && r.reason === 'CSRF_TOKEN_INVALID');
    expect(csrf).toMatchObject({ actorKind: 'user', actorId: ownerSession.user.id, actorLabel: 'demo@portico.local', organizationId: null });
    expect(JSON.stringify(data)).not.toContain('sneaky');

    // A member whose role is too weak: filed under the organization, named by email.
    const admin = await createMember(portico, organizationId, { role: 'admin' });
    const adminCaller = sessionCaller(await signIn(portico, admin.email, admin.password));
    expect((await adminCaller.patch(`/v1/organizations/${organizationId}/settings`, { maxDomains: 2 })).status).toBe(403);
    expect((await read(owner, { outcome: 'denied', actorId: admin.userId })).data[0]).toMatchObject({ reason: 'FORBIDDEN', actor: { kind: 'user', label: admin.email }, organizationId });
    // An outsider naming this organization is told 404 and is not filed under it.
    const outsider = await createOrganizationWithUser(portico, { role: 'owner' });
    const outsiderCaller = sessionCaller(await signIn(portico, outsider.email, outsider.password));
    expect((await outsiderCaller.patch(`/v1/organizations/${organizationId}/settings`, { maxDomains: 2 })).status).toBe(404);
    expect((await read(owner, { actorId: outsider.userId })).data).toEqual([]);
    expect((await allRows()).find((r) => r.actorId === outsider.userId && r.outcome === 'denied')).toMatchObject({ reason: 'NOT_FOUND', organizationId: null });

    // The forged bearer names no organization: it is kept for the operator, not shown to a tenant.
    const anonymous = (await allRows()).find((r) => r.outcome === 'denied' && r.reason === 'UNAUTHENTICATED');
    expect(anonymous).toMatchObject({ actorKind: 'anonymous', actorLabel: `pk_${readOnly.prefix}`, organizationId: null });
    expect(JSON.stringify(anonymous)).not.toContain('A'.repeat(43));
    // Reads are not refusals worth recording.
    await keyCaller(portico, readOnly.secret).get(auditUrl({})).expect(403);
    expect((await allRows()).filter((r) => r.outcome === 'denied' && r.targetId?.startsWith('GET '))).toEqual([]);
  });

  it("records a write to another tenant's resource (404) as denied in the caller's own organization", async () => {
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    const otherOwner = sessionCaller(await signIn(portico, other.email, other.password));
    const service = (await otherOwner.post(`/v1/projects/${other.projectId}/services`, { name: 'theirs', upstreamHost: 'theirs.internal', upstreamPort: 80 }).expect(201)).body;
    const res = await keyCaller(portico, key.secret).patch(`/v1/services/${service.id}`, { upstreamPort: 81 });
    expect(res.status).toBe(404);
    const { data } = await read(owner, { outcome: 'denied', actorId: key.id });
    expect(data[0]).toMatchObject({ reason: 'NOT_FOUND', target: { kind: 'route', id: `PATCH /v1/services/${service.id}` }, organizationId });
    // The other organization's log shows nothing of it.
    const theirs = await otherOwner.get(`/v1/audit?organizationId=${other.organizationId}&outcome=denied`).expect(200);
    expect(theirs.body.data).toEqual([]);
  });

  it('commits a change and its record together: a rolled-back change leaves no record', async () => {
    const { orm } = portico.container.cradle;
    const before = await orm.em.fork().count(AuditLog, { action: 'project.create' });
    await expect(
      orm.em.fork().transactional(async (em) => {
        em.create(Project, { organization: em.getReference(Organization, organizationId), name: 'doomed', slug: 'doomed' });
        await em.flush();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await orm.em.fork().count(AuditLog, { action: 'project.create' })).toBe(before);
    // Outside a request the system acts.
    const em = orm.em.fork();
    const project = em.create(Project, { organization: em.getReference(Organization, organizationId), name: 'kept', slug: `kept-${Date.now()}` });
    await em.flush();
    expect(await orm.em.fork().findOne(AuditLog, { action: 'project.create', targetId: project.id })).toMatchObject({ actorKind: 'system', organizationId, outcome: 'success' });
  });

  it('pages newest first with a cursor and filters by actor and time', async () => {
    const first = await read(owner, { limit: '2' });
    expect(first.data).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = await read(owner, { limit: '2', cursor: first.nextCursor! });
    expect(second.data.map((e) => e.id)).not.toContain(first.data[0].id);
    expect(second.data.map((e) => e.id)).not.toContain(first.data[1].id);
    const all = await read(owner, { limit: '200' });
    expect(all.data.slice(0, 4).map((e) => e.id)).toEqual([...first.data, ...second.data].map((e) => e.id));

    const byKey = await read(owner, { actorKind: 'api_key', actorId: key.id });
    expect(byKey.data.length).toBeGreaterThan(0);
    expect(byKey.data.every((e) => e.actor.id === key.id)).toBe(true);
    expect((await read(owner, { from: new Date(Date.now() + 60_000).toISOString() })).data).toEqual([]);
    expect((await owner.get(auditUrl({ cursor: 'not-a-cursor' }))).body.error.code).toBe('VALIDATION_FAILED');
    expect((await owner.get(auditUrl({ from: 'yesterday' }))).status).toBe(400);
  });

  it("keeps each organization's log to its owners and admins", async () => {
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    const otherOwner = sessionCaller(await signIn(portico, other.email, other.password));
    // Org B's owner cannot read A's log: 404, as for any other tenant's data.
    const foreign = await otherOwner.get(auditUrl({}));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    // A's key cannot read B's log either.
    expect((await keyCaller(portico, key.secret).get(`/v1/audit?organizationId=${other.organizationId}`)).status).toBe(404);
    // B's own log holds nothing of A's.
    const own = await otherOwner.get(`/v1/audit?organizationId=${other.organizationId}&limit=200`).expect(200);
    expect(own.body.data.every((e: Entry) => e.organizationId === other.organizationId)).toBe(true);
    expect(own.text).not.toContain(organizationId);

    // Inside A, a project member may not read it.
    const member = await createOrganizationWithUser(portico, { role: 'project_member' });
    const memberCaller = sessionCaller(await signIn(portico, member.email, member.password));
    expect((await memberCaller.get(`/v1/audit?organizationId=${member.organizationId}`)).status).toBe(403);
  });

  it('shows instance operators the whole log, entries naming no organization included', async () => {
    const other = await createOrganizationWithUser(portico, { role: 'owner' });
    await portico.container.cradle.orm.em.fork().nativeUpdate(User, { id: other.userId }, { operator: true });
    const operator = sessionCaller(await signIn(portico, other.email, other.password));
    const all = await operator.get('/v1/operator/audit?outcome=denied&limit=200');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.data.some((e: Entry) => e.organizationId === null && e.reason === 'UNAUTHENTICATED')).toBe(true);
    expect(all.body.data.some((e: Entry) => e.organizationId === organizationId)).toBe(true);
    const narrowed = await operator.get(`/v1/operator/audit?organizationId=${organizationId}&limit=200`).expect(200);
    expect(narrowed.body.data.every((e: Entry) => e.organizationId === organizationId)).toBe(true);
    // Granting the flag was itself recorded (by the system: it happened outside a request).
    expect((await allRows()).some((r) => r.action === 'user.update' && r.targetId === other.userId && (r.after as Fields)?.operator === true)).toBe(true);
    // Anyone else: refused.
    const refused = await owner.get('/v1/operator/audit');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('OPERATOR_REQUIRED');
  });

  it('documents both routes in the OpenAPI document, filters included', async () => {
    const doc = (await portico.http.get('/v1/openapi.json').expect(200)).body as { paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string; required?: boolean }> } }> };
    const params = (path: string) => Object.fromEntries((doc.paths[path]?.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.required ?? false]));
    expect(params('/v1/audit')).toMatchObject({ organizationId: true, actorKind: false, action: false, targetKind: false, targetId: false, from: false, to: false, cursor: false });
    expect(params('/v1/operator/audit')).toMatchObject({ organizationId: false, cursor: false });
  });

  it('deletes entries past the retention in its daily job', async () => {
    expect(QUEUES['audit.purge']).toBeDefined();
    expect(SCHEDULES['audit.purge']).toBeDefined();
    const em = portico.container.cradle.orm.em.fork();
    const days = portico.container.cradle.config.audit.retentionDays;
    const old = em.create(AuditLog, { occurredAt: new Date(Date.now() - (days + 1) * 86_400_000), organizationId, actorKind: 'system', action: 'test.old', targetKind: 'test', outcome: 'success' });
    const recent = em.create(AuditLog, { occurredAt: new Date(Date.now() - (days - 1) * 86_400_000), organizationId, actorKind: 'system', action: 'test.recent', targetKind: 'test', outcome: 'success' });
    await em.flush();
    await portico.container.cradle.boss.send('audit.purge', {});
    const gone = await waitFor(
      () => portico.container.cradle.orm.em.fork().findOne(AuditLog, { id: old.id }),
      (row) => row === null,
    );
    expect(gone).toBeNull();
    expect(await portico.container.cradle.orm.em.fork().findOne(AuditLog, { id: recent.id })).not.toBeNull();
  });
});
