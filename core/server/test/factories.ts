import { randomBytes } from 'node:crypto';
import { Organization } from '../src/modules/organizations/entity.ts';
import { Membership, type Role } from '../src/modules/organizations/membership.entity.ts';
import { Project } from '../src/modules/projects/entity.ts';
import { User } from '../src/modules/users/entity.ts';
import { hashPassword } from '../src/modules/users/password.ts';
import type { TestPortico } from './helpers.ts';

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
