import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { Organization } from '../src/modules/organizations/entity.ts';
import { Project } from '../src/modules/projects/entity.ts';
import { ServiceDomainMapping } from '../src/modules/routing/mapping.entity.ts';
import { createMember, createOrganizationWithUser, createProject } from './factories.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';
import { recipients, startSmtpServer, type TestSmtpServer } from './smtp.ts';

// Accounts over HTTP on a fresh instance with open sign-up and a real SMTP server: sign-up, inviting by email,
// accepting, roles and the last owner, organization and project edits and deletes, and the operator's routes.

const PASSWORD = 'correct-horse-battery-staple';

let portico: TestPortico;
let smtp: TestSmtpServer;
const traefikDir = mkdtempSync(join(tmpdir(), 'portico-accounts-traefik-'));

beforeAll(async () => {
  smtp = await startSmtpServer();
  portico = await startTestPortico({
    seedDemo: false,
    accounts: { signup: 'open' },
    http: { publicUrl: 'https://portico.example.test' },
    mail: { smtp: { host: smtp.host, port: smtp.port }, from: 'Portico <no-reply@portico.example.test>' },
    plugins: [{ package: '@portico/verify-dns-txt' }, { package: '@portico/edge-traefik', options: { delivery: { kind: 'directory', path: traefikDir } } }],
    edges: [{ id: 'traefik-dir', edge: 'traefik', probe: { attempts: 1 } }],
  });
}, 120_000);

afterAll(async () => {
  await portico?.stop();
  await smtp?.stop();
  await rm(traefikDir, { recursive: true, force: true });
});

/** A domain of the project, added over HTTP and marked verified (how it got there is not what these tests are about). */
async function verifiedDomain(session: { agent: ReturnType<typeof supertest.agent>; csrf: string }, projectId: string, hostname: string): Promise<string> {
  const res = await session.agent.post(`/v1/projects/${projectId}/domains`).set('x-csrf-token', session.csrf).send({ hostnames: [hostname] });
  expect(res.body).toHaveProperty('created');
  const domainId = res.body.created[0].id as string;
  await portico.container.cradle.orm.em.fork().nativeUpdate(Domain, { id: domainId }, { status: 'verified' });
  return domainId;
}

const agentOf = () => supertest.agent(portico.app!.callback());

/** The invitation link's token, read from the email sent to `to`. */
async function invitationToken(to: string): Promise<string> {
  const mail = await smtp.waitFor((m) => recipients(m).includes(to));
  const token = /#token=(inv_[\w-]+)/.exec(mail.text ?? '')?.[1];
  expect(token).toBeDefined();
  return token!;
}

/** Sign up (open) and sign in: a session agent and its CSRF token. */
async function signUpOwner(email: string, organizationName: string) {
  const res = await agentOf().post('/v1/auth/signup').send({ email, password: PASSWORD, name: 'Owner', organizationName });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ status: 'accepted' });
  const session = await signIn(portico, email, PASSWORD);
  const orgs = (await session.agent.get('/v1/organizations').expect(200)).body.data as Array<{ id: string; slug: string; role: string }>;
  return { ...session, organization: orgs[0]! };
}

describe('onboarding: from no account to an admin with a project and an API key', () => {
  it('sign-up → invite an admin by email → the admin signs up with the link → creates a project and a key', async () => {
    const owner = await signUpOwner('owner@acme.example', 'Acme');
    expect(owner.organization).toMatchObject({ slug: 'acme', role: 'owner' });

    const invited = await owner.agent.post(`/v1/organizations/${owner.organization.id}/invitations`).set('x-csrf-token', owner.csrf).send({ email: 'Admin@Acme.example', role: 'admin' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: 'admin@acme.example', role: 'admin', status: 'pending', projectIds: [] });

    const token = await invitationToken('admin@acme.example');
    expect(invited.body.acceptUrl).toBe(`https://portico.example.test/invitations/accept#token=${token}`);
    const mail = smtp.messages.find((m) => recipients(m).includes('admin@acme.example'))!;
    expect(mail.subject).toContain('Acme');

    const preview = await agentOf().post('/v1/invitations:preview').send({ token });
    expect(preview.body).toMatchObject({ organizationName: 'Acme', email: 'admin@acme.example', role: 'admin' });

    const admin = agentOf();
    const joined = await admin.post('/v1/auth/signup').send({ invitationToken: token, password: PASSWORD, name: 'Ada' });
    expect(joined.status).toBe(202);
    expect(joined.body).toMatchObject({ status: 'joined', organizationId: owner.organization.id, user: { email: 'admin@acme.example', name: 'Ada' } });
    const csrf = joined.body.csrfToken as string;

    const orgs = (await admin.get('/v1/organizations').expect(200)).body.data;
    expect(orgs).toMatchObject([{ id: owner.organization.id, role: 'admin' }]);
    const project = await admin.post(`/v1/organizations/${owner.organization.id}/projects`).set('x-csrf-token', csrf).send({ name: 'Shop', slug: 'shop' });
    expect(project.status).toBe(201);
    const key = await admin
      .post(`/v1/organizations/${owner.organization.id}/api-keys`)
      .set('x-csrf-token', csrf)
      .send({ name: 'ci', scopes: ['projects:read'] });
    expect(key.status).toBe(201);
    const secret = key.body.secret as string;
    const viaKey = await agentOf().get(`/v1/projects/${project.body.id}`).set('authorization', `Bearer ${secret}`);
    expect(viaKey.status).toBe(200);

    // The link works once; the invitation shows as accepted; the members list has both.
    expect((await agentOf().post('/v1/auth/signup').send({ invitationToken: token, password: PASSWORD })).body.error).toMatchObject({ code: 'INVITATION_INVALID', details: { reason: 'accepted' } });
    const invitations = (await owner.agent.get(`/v1/organizations/${owner.organization.id}/invitations`).expect(200)).body.data;
    expect(invitations).toMatchObject([{ email: 'admin@acme.example', status: 'accepted' }]);
    const members = (await owner.agent.get(`/v1/organizations/${owner.organization.id}/members`).expect(200)).body.data;
    expect(members.map((m: { email: string; role: string }) => `${m.email}:${m.role}`).sort()).toEqual(['admin@acme.example:admin', 'owner@acme.example:owner']);

    // Nothing of the link or the mail went to the logs.
    expect(portico.logs.join('')).not.toContain(token);
    expect(portico.logs.join('')).not.toContain('admin@acme.example');
  });

  it('open sign-up answers alike for an address that has an account, and changes nothing', async () => {
    await signUpOwner('twice@acme.example', 'Twice');
    const again = await agentOf().post('/v1/auth/signup').send({ email: 'twice@acme.example', password: 'another-long-password', organizationName: 'Other' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ status: 'accepted' });
    expect((await agentOf().post('/v1/auth/login').send({ email: 'twice@acme.example', password: 'another-long-password' })).status).toBe(401);
    expect(await portico.container.cradle.orm.em.fork().count(Organization, { name: 'Other' })).toBe(0);
  });
});

describe('invitations', () => {
  it('an existing user accepts while signed in; the address must match', async () => {
    const owner = await signUpOwner('owner2@beta.example', 'Beta');
    const { projectId } = await createProject(portico, owner.organization.id, 'app');
    const member = await createMember(portico, (await createOrganizationWithUser(portico)).organizationId, { role: 'admin' });
    const other = await createMember(portico, (await createOrganizationWithUser(portico)).organizationId, { role: 'admin' });

    const res = await owner.agent
      .post(`/v1/organizations/${owner.organization.id}/invitations`)
      .set('x-csrf-token', owner.csrf)
      .send({ email: member.email, role: 'project_admin', projectIds: [projectId] });
    expect(res.status).toBe(201);
    const token = await invitationToken(member.email);

    const wrong = await signIn(portico, other.email, other.password);
    const mismatch = await wrong.agent.post('/v1/invitations:accept').set('x-csrf-token', wrong.csrf).send({ token });
    expect(mismatch.body.error.code).toBe('INVITATION_EMAIL_MISMATCH');

    const right = await signIn(portico, member.email, member.password);
    const accepted = await right.agent.post('/v1/invitations:accept').set('x-csrf-token', right.csrf).send({ token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ organizationId: owner.organization.id, role: 'project_admin', projectIds: [projectId] });
    expect((await right.agent.get(`/v1/projects/${projectId}`)).status).toBe(200);

    // Already a member: a second invitation is refused.
    const dup = await owner.agent.post(`/v1/organizations/${owner.organization.id}/invitations`).set('x-csrf-token', owner.csrf).send({ email: member.email, role: 'admin' });
    expect(dup.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
  });

  it('revoked, expired and replaced invitations stop working', async () => {
    const owner = await signUpOwner('owner3@gamma.example', 'Gamma');
    const invite = (email: string) => owner.agent.post(`/v1/organizations/${owner.organization.id}/invitations`).set('x-csrf-token', owner.csrf).send({ email, role: 'admin' });

    const revokedRes = await invite('revoked@gamma.example');
    const revokedToken = await invitationToken('revoked@gamma.example');
    const revoked = await owner.agent.delete(`/v1/organizations/${owner.organization.id}/invitations/${revokedRes.body.id}`).set('x-csrf-token', owner.csrf);
    expect(revoked.body.status).toBe('revoked');
    const afterRevoke = await agentOf().post('/v1/auth/signup').send({ invitationToken: revokedToken, password: PASSWORD });
    expect(afterRevoke.status).toBe(410);
    expect(afterRevoke.body.error).toMatchObject({ code: 'INVITATION_INVALID', details: { reason: 'revoked' } });

    const expiredRes = await invite('expired@gamma.example');
    const expiredToken = await invitationToken('expired@gamma.example');
    const em = portico.container.cradle.orm.em.fork();
    await em.getConnection().execute(`update invitations set expires_at = now() - interval '1 minute' where id = ?`, [expiredRes.body.id]);
    expect((await agentOf().post('/v1/invitations:preview').send({ token: expiredToken })).body.error).toMatchObject({ code: 'INVITATION_INVALID', details: { reason: 'expired' } });

    expect((await agentOf().post('/v1/invitations:preview').send({ token: 'inv_nothing' })).body.error).toMatchObject({ code: 'INVITATION_INVALID', details: { reason: 'unknown' } });
  });

  it('members cannot invite; admins cannot invite owners; other organizations answer 404', async () => {
    const owner = await signUpOwner('owner4@delta.example', 'Delta');
    const admin = await createMember(portico, owner.organization.id, { role: 'admin' });
    const { projectId } = await createProject(portico, owner.organization.id, 'p');
    const viewer = await createMember(portico, owner.organization.id, { role: 'project_member', projectId });
    const stranger = await createOrganizationWithUser(portico);

    const a = await signIn(portico, admin.email, admin.password);
    const asAdmin = await a.agent.post(`/v1/organizations/${owner.organization.id}/invitations`).set('x-csrf-token', a.csrf).send({ email: 'x@delta.example', role: 'owner' });
    expect(asAdmin.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredRole: 'owner' } });
    const v = await signIn(portico, viewer.email, viewer.password);
    const asViewer = await v.agent.post(`/v1/organizations/${owner.organization.id}/invitations`).set('x-csrf-token', v.csrf).send({ email: 'x@delta.example', role: 'admin' });
    expect(asViewer.body.error.code).toBe('FORBIDDEN');
    const s = await signIn(portico, stranger.email, stranger.password);
    for (const res of [
      await s.agent.post(`/v1/organizations/${owner.organization.id}/invitations`).set('x-csrf-token', s.csrf).send({ email: 'x@delta.example', role: 'admin' }),
      await s.agent.get(`/v1/organizations/${owner.organization.id}/members`),
      await s.agent.patch(`/v1/organizations/${owner.organization.id}`).set('x-csrf-token', s.csrf).send({ name: 'Mine' }),
      await s.agent.delete(`/v1/organizations/${owner.organization.id}?confirm=delta`).set('x-csrf-token', s.csrf),
      await s.agent.patch(`/v1/projects/${projectId}`).set('x-csrf-token', s.csrf).send({ name: 'Mine' }),
    ]) {
      expect(res.status).toBe(404);
    }
    // A project role in another project of the same organization cannot be invited to by naming a foreign project.
    const foreign = await owner.agent
      .post(`/v1/organizations/${owner.organization.id}/invitations`)
      .set('x-csrf-token', owner.csrf)
      .send({ email: 'y@delta.example', role: 'project_member', projectIds: [stranger.projectId] });
    expect(foreign.status).toBe(404);
  });
});

describe('roles and the last owner', () => {
  it('never removes or demotes the last owner; a second owner makes it possible', async () => {
    const owner = await signUpOwner('solo@epsilon.example', 'Epsilon');
    const orgId = owner.organization.id;
    const me = (await owner.agent.get('/v1/auth/session').expect(200)).body.user.id as string;

    const demote = await owner.agent.put(`/v1/organizations/${orgId}/members/${me}/role`).set('x-csrf-token', owner.csrf).send({ role: 'admin' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('LAST_OWNER');
    const leave = await owner.agent.delete(`/v1/organizations/${orgId}/members/${me}`).set('x-csrf-token', owner.csrf);
    expect(leave.body.error.code).toBe('LAST_OWNER');

    const admin = await createMember(portico, orgId, { role: 'admin' });
    const a = await signIn(portico, admin.email, admin.password);
    // An admin cannot touch an owner, nor make one.
    expect((await a.agent.delete(`/v1/organizations/${orgId}/members/${me}`).set('x-csrf-token', a.csrf)).body.error.code).toBe('FORBIDDEN');
    expect((await a.agent.put(`/v1/organizations/${orgId}/members/${admin.userId}/role`).set('x-csrf-token', a.csrf).send({ role: 'owner' })).body.error.code).toBe('FORBIDDEN');

    const promoted = await owner.agent.put(`/v1/organizations/${orgId}/members/${admin.userId}/role`).set('x-csrf-token', owner.csrf).send({ role: 'owner' });
    expect(promoted.body).toMatchObject({ userId: admin.userId, role: 'owner', projects: [] });
    expect((await owner.agent.put(`/v1/organizations/${orgId}/members/${me}/role`).set('x-csrf-token', owner.csrf).send({ role: 'admin' })).status).toBe(200);
    // Now the admin-turned-owner is the last owner.
    expect((await a.agent.delete(`/v1/organizations/${orgId}/members/${admin.userId}`).set('x-csrf-token', a.csrf)).body.error.code).toBe('LAST_OWNER');
    // Leaving as an admin works.
    expect((await owner.agent.delete(`/v1/organizations/${orgId}/members/${me}`).set('x-csrf-token', owner.csrf)).status).toBe(204);
    expect((await owner.agent.get(`/v1/organizations/${orgId}`)).status).toBe(404);
  });
});

describe('organizations and projects: edit and delete', () => {
  it('a slug change is checked for uniqueness and queues an edge reconcile', async () => {
    const owner = await signUpOwner('slug@zeta.example', 'Zeta');
    const other = await signUpOwner('slug2@eta.example', 'Eta');
    const taken = await owner.agent.patch(`/v1/organizations/${owner.organization.id}`).set('x-csrf-token', owner.csrf).send({ slug: other.organization.slug });
    expect(taken.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'slug' } });

    const boss = portico.container.cradle.orm.em.fork().getConnection();
    const count = async () => Number(((await boss.execute(`select count(*)::int as n from pgboss.job where name like 'edge.reconcile/%'`, [], 'get')) as unknown as { n: number }).n);
    const before = await count();
    const renamed = await owner.agent.patch(`/v1/organizations/${owner.organization.id}`).set('x-csrf-token', owner.csrf).send({ name: 'Zeta Inc', slug: 'zeta-inc' });
    expect(renamed.body).toMatchObject({ name: 'Zeta Inc', slug: 'zeta-inc', role: 'owner' });
    expect(await waitFor(count, (n) => n > before)).toBeGreaterThan(before);
  });

  it('deleting an organization needs the owner and confirm=<slug>; it archives the domains and removes routes, keys and members', async () => {
    const org = await createOrganizationWithUser(portico, { name: 'theta' });
    const admin = await createMember(portico, org.organizationId, { role: 'admin' });
    const owner = await signIn(portico, org.email, org.password);
    const domain = { domainId: await verifiedDomain(owner, org.projectId, 'shop.theta.test') };
    const service = await owner.agent.post(`/v1/projects/${org.projectId}/services`).set('x-csrf-token', owner.csrf).send({ name: 'web', upstreamHost: 'web.internal', upstreamPort: 8080 });
    expect(service.status).toBe(201);
    const mapping = await owner.agent.post(`/v1/projects/${org.projectId}/mappings`).set('x-csrf-token', owner.csrf).send({ serviceId: service.body.id, domainId: domain.domainId });
    expect(mapping.status).toBe(201);
    const routeTable = portico.container.cradle.routeTable;
    expect(await waitFor(async () => routeTable.routes().some((r) => r.hostname === 'shop.theta.test'), Boolean)).toBe(true);

    const a = await signIn(portico, admin.email, admin.password);
    expect((await a.agent.delete(`/v1/organizations/${org.organizationId}?confirm=theta`).set('x-csrf-token', a.csrf)).body.error.code).toBe('FORBIDDEN');
    expect((await owner.agent.delete(`/v1/organizations/${org.organizationId}`).set('x-csrf-token', owner.csrf)).body.error.code).toBe('CONFIRMATION_REQUIRED');

    const deleted = await owner.agent.delete(`/v1/organizations/${org.organizationId}?confirm=theta`).set('x-csrf-token', owner.csrf);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ archivedDomains: 1 });
    const em = portico.container.cradle.orm.em.fork();
    expect((await em.findOneOrFail(Domain, { id: domain.domainId })).status).toBe('archived');
    expect(await em.count(ServiceDomainMapping, { organization: org.organizationId })).toBe(0);
    expect(await waitFor(async () => routeTable.routes().some((r) => r.hostname === 'shop.theta.test'), (v) => !v)).toBe(false);
    expect((await owner.agent.get('/v1/organizations')).body.data).toEqual([]);
    expect((await owner.agent.get(`/v1/organizations/${org.organizationId}`)).status).toBe(404);
    const row = await em.findOneOrFail(Organization, { id: org.organizationId });
    expect(row.deletedAt).not.toBeNull();
    expect(row.slug).not.toBe('theta');
  });

  it('projects: rename, change slug, delete with confirm (project admins and up); domains stay, unassigned', async () => {
    const org = await createOrganizationWithUser(portico);
    const owner = await signIn(portico, org.email, org.password);
    const domain = { domainId: await verifiedDomain(owner, org.projectId, `www.${org.organizationId.slice(0, 8)}.test`) };
    const member = await createMember(portico, org.organizationId, { role: 'project_member', projectId: org.projectId });
    const pa = await createMember(portico, org.organizationId, { role: 'project_admin', projectId: org.projectId });
    const m = await signIn(portico, member.email, member.password);
    expect((await m.agent.patch(`/v1/projects/${org.projectId}`).set('x-csrf-token', m.csrf).send({ name: 'x' })).body.error.code).toBe('FORBIDDEN');

    const p = await signIn(portico, pa.email, pa.password);
    const renamed = await p.agent.patch(`/v1/projects/${org.projectId}`).set('x-csrf-token', p.csrf).send({ name: 'Main app', slug: 'main-app' });
    expect(renamed.body).toMatchObject({ name: 'Main app', slug: 'main-app' });
    expect((await p.agent.delete(`/v1/projects/${org.projectId}?confirm=main`).set('x-csrf-token', p.csrf)).body.error.code).toBe('CONFIRMATION_REQUIRED');
    expect((await p.agent.delete(`/v1/projects/${org.projectId}?confirm=main-app`).set('x-csrf-token', p.csrf)).status).toBe(204);

    const em = portico.container.cradle.orm.em.fork();
    expect(await em.count(Project, { id: org.projectId })).toBe(0);
    expect((await em.findOneOrFail(Domain, { id: domain.domainId })).status).not.toBe('archived');
    expect((await owner.agent.get(`/v1/domains/${domain.domainId}`)).status).toBe(200);
  });
});

describe('the instance operator', () => {
  it('only operators reach the operator routes; the flag gives no organization access', async () => {
    const org = await createOrganizationWithUser(portico);
    const op = await signUpOwner('op@ops.example', 'Ops');
    expect((await op.agent.get('/v1/operator/users')).body.error.code).toBe('OPERATOR_REQUIRED');
    const em = portico.container.cradle.orm.em.fork();
    await em.getConnection().execute(`update users set operator = true where email = 'op@ops.example'`);

    const users = await op.agent.get('/v1/operator/users?limit=500');
    expect(users.status).toBe(200);
    expect(users.body.data.some((u: { email: string; operator: boolean }) => u.email === 'op@ops.example' && u.operator)).toBe(true);
    const orgs = await op.agent.get('/v1/operator/organizations?limit=500');
    expect(orgs.body.data.some((o: { id: string }) => o.id === org.organizationId)).toBe(true);
    expect((await op.agent.get(`/v1/organizations/${org.organizationId}`)).status).toBe(404);
  });
});
