import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import type supertest from 'supertest';
import type { Test } from 'supertest';
import { Organization } from '../src/modules/organizations/entity.ts';
import { Membership, type Role } from '../src/modules/organizations/membership.entity.ts';
import { Project } from '../src/modules/projects/entity.ts';
import { User } from '../src/modules/users/entity.ts';
import { hashPassword } from '../src/modules/users/password.ts';
import { scriptedVerifier } from './fixtures/scripted-verifier.ts';
import { startTestPortico, waitFor, type TestPortico } from './helpers.ts';

/** Rows written straight through the ORM, for tests that need more tenants, users and roles than the demo seed. */

const suffix = () => randomBytes(4).toString('hex');

export interface TestUser {
  userId: string;
  email: string;
  password: string;
}

/** A project in `organizationId`. */
export async function createProject(portico: TestPortico, organizationId: string, slug = `project-${suffix()}`): Promise<{ projectId: string }> {
  const em = portico.container.cradle.orm.em.fork();
  const project = em.create(Project, { name: slug, slug, organization: em.getReference(Organization, organizationId) });
  await em.flush();
  return { projectId: project.id };
}

/**
 * A user with one membership in `organizationId`. Project roles (`project_admin`, `project_member`) need
 * `projectId`; organization roles (`owner`, `admin`) ignore it.
 */
export async function createMember(portico: TestPortico, organizationId: string, options: { role: Role; projectId?: string }): Promise<TestUser> {
  const em = portico.container.cradle.orm.em.fork();
  const email = `${options.role.replace('_', '-')}-${suffix()}@example.test`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const user = em.create(User, { email, name: `Test ${options.role}`, passwordHash: await hashPassword(password) });
  await em.flush();
  await addMembership(portico, user.id, organizationId, options);
  return { userId: user.id, email, password };
}

/** One more membership for an existing user. */
export async function addMembership(portico: TestPortico, userId: string, organizationId: string, options: { role: Role; projectId?: string }): Promise<void> {
  const { role, projectId } = options;
  const projectRole = role === 'project_admin' || role === 'project_member';
  if (projectRole && !projectId) throw new Error(`addMembership: role ${role} needs a projectId`);
  const em = portico.container.cradle.orm.em.fork();
  em.create(Membership, {
    user: em.getReference(User, userId),
    organization: em.getReference(Organization, organizationId),
    project: projectRole ? em.getReference(Project, projectId!) : null,
    role,
  });
  await em.flush();
}

/** A new organization with one project and one user holding `role` (a project role is bound to that project). */
export async function createOrganizationWithUser(
  portico: TestPortico,
  options: { role?: Role; name?: string } = {},
): Promise<TestUser & { organizationId: string; projectId: string }> {
  const em = portico.container.cradle.orm.em.fork();
  const slug = options.name ?? `org-${suffix()}`;
  const organization = em.create(Organization, { name: slug, slug });
  await em.flush();
  const { projectId } = await createProject(portico, organization.id, 'main');
  const user = await createMember(portico, organization.id, { role: options.role ?? 'owner', projectId });
  return { ...user, organizationId: organization.id, projectId };
}

/** One way to call the API, whoever the caller is: a signed-in session (CSRF token set) or an API key. */
export interface Caller {
  get(path: string): Test;
  post(path: string, body?: object): Test;
  patch(path: string, body?: object): Test;
  put(path: string, body?: object): Test;
  delete(path: string): Test;
}

/** A caller for a session from `signIn`: mutating requests carry its CSRF token. */
export function sessionCaller(session: { agent: ReturnType<typeof supertest.agent>; csrf: string }): Caller {
  const { agent, csrf } = session;
  return {
    get: (path) => agent.get(path),
    post: (path, body = {}) => agent.post(path).set('x-csrf-token', csrf).send(body),
    patch: (path, body = {}) => agent.patch(path).set('x-csrf-token', csrf).send(body),
    put: (path, body = {}) => agent.put(path).set('x-csrf-token', csrf).send(body),
    delete: (path) => agent.delete(path).set('x-csrf-token', csrf),
  };
}

/** A caller that sends an API key secret as the bearer token. */
export function keyCaller(portico: TestPortico, secret: string): Caller {
  const auth = { authorization: `Bearer ${secret}` };
  return {
    get: (path) => portico.http.get(path).set(auth),
    post: (path, body = {}) => portico.http.post(path).set(auth).send(body),
    patch: (path, body = {}) => portico.http.patch(path).set(auth).send(body),
    put: (path, body = {}) => portico.http.put(path).set(auth).send(body),
    delete: (path) => portico.http.delete(path).set(auth),
  };
}

/** An API key of `organizationId` with every scope (bound to `projectId` when given), created by `admin`. */
export async function createApiKey(admin: Caller, organizationId: string, projectId: string | null = null): Promise<string> {
  const res = await admin.post(`/v1/organizations/${organizationId}/api-keys`, { name: `key-${suffix()}`, scopes: ['domains:read', 'domains:write', 'projects:read', 'projects:write'], projectId });
  if (res.status !== 201) throw new Error(`createApiKey: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.secret as string;
}

/**
 * A domain brought to `verified` through the API with the scripted verification method (the portico must load
 * test/fixtures/scripted-verifier.ts): the caller (an owner or admin) adds it, asks "verify now" and waits.
 */
export async function addVerifiedDomain(
  caller: Caller,
  organizationId: string,
  hostname: string,
  projectId: string | null = null,
): Promise<{ id: string; hostname: string; status: string; verifiedAt: string; projectIds: string[] }> {
  scriptedVerifier().outcomes.set(hostname, 'verified');
  const added = await caller.post(`/v1/organizations/${organizationId}/domains`, { hostname, projectId, method: 'scripted' });
  if (added.status !== 201) throw new Error(`addVerifiedDomain ${hostname}: ${added.status} ${JSON.stringify(added.body)}`);
  const verify = await caller.post(`/v1/domains/${added.body.id}/verify`);
  if (verify.status !== 202) throw new Error(`addVerifiedDomain ${hostname}: verify ${verify.status} ${JSON.stringify(verify.body)}`);
  const settled = await waitFor(
    async () => (await caller.get(`/v1/domains/${added.body.id}`)).body,
    (d) => d.status !== 'verifying',
  );
  if (settled.status !== 'verified') throw new Error(`addVerifiedDomain ${hostname}: ended ${settled.status}`);
  return settled;
}

/**
 * A Portico for plan and usage tests: the scripted verifier as the default method, the in-memory DNS provider
 * (`token`) serving `zone` on a free port, private webhook addresses allowed, and the given `plans` config.
 */
export async function startPlansPortico(options: { zone: string; token: string; plans: Record<string, unknown> }): Promise<TestPortico> {
  const dnsPort = await getPort({ host: '127.0.0.1' });
  return startTestPortico({
    dns: { mode: 'resolver', servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 1000, tries: 1 },
    routing: { cnameTarget: 'edge.portico.test', ipv4: ['192.0.2.80'] },
    verification: { defaultMethod: 'scripted' },
    webhooks: { allowPrivateAddresses: true },
    plans: options.plans,
    plugins: [
      { package: fileURLToPath(new URL('./fixtures/scripted-verifier.ts', import.meta.url)) },
      { package: '@portico/dns-memory', options: { token: options.token, serve: { port: dnsPort }, zones: [{ name: options.zone }] } },
    ],
  });
}
