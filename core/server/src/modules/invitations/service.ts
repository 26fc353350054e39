import { randomBytes } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import { publishEvent } from '../events/publish.ts';
import type { Mailer } from '../mail/mailer.ts';
import { RANK, requireRole, type AccessService } from '../organizations/access.ts';
import { Membership, type Role } from '../organizations/membership.entity.ts';
import { checkRoleInput, grantRole, lockOrganization, type RoleInput } from '../organizations/members.service.ts';
import { sha256 } from '../sessions/service.ts';
import { User } from '../users/entity.ts';
import { Invitation } from './entity.ts';
import type { PlanService } from '../plans/service.ts';

/** An invitation's token: `inv_` and 256 random bits. Only its hash is stored. */
const newToken = (): string => `inv_${randomBytes(32).toString('base64url')}`;

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';
export const statusOf = (invitation: Invitation, now = Date.now()): InvitationStatus =>
  invitation.acceptedAt ? 'accepted' : invitation.revokedAt ? 'revoked' : invitation.expiresAt.getTime() <= now ? 'expired' : 'pending';

interface Deps {
  orm: MikroORM;
  accessService: AccessService;
  mailer: Mailer;
  config: Pick<PorticoConfig, 'accounts' | 'http'>;
  planService: PlanService;
}

export function createInvitationService({ orm, accessService, mailer, config, planService }: Deps) {
  const baseUrl = (): string => (config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/+$/, '');

  /** The live invitation a token names, locked; INVITATION_INVALID (with the reason) otherwise. */
  async function open(em: EntityManager, token: string): Promise<Invitation> {
    const invitation = await em.findOne(Invitation, { tokenHash: sha256(token) }, { populate: ['organization'] });
    const status = invitation ? statusOf(invitation) : 'unknown';
    if (!invitation || status !== 'pending' || invitation.organization.deletedAt) {
      throw new AppError('INVITATION_INVALID', 'This invitation link is not valid any more; ask for a new invitation.', { reason: invitation?.organization.deletedAt ? 'revoked' : status });
    }
    return invitation;
  }

  /** Give `user` the invitation's role and mark it used, inside `em` (the organization row is locked first). */
  async function join(em: EntityManager, invitation: Invitation, user: User): Promise<void> {
    const organization = await lockOrganization(em, invitation.organization.id);
    // Claimed once: a second accept of the same token (even concurrent) finds it accepted.
    const claimed = await em.nativeUpdate(Invitation, { id: invitation.id, acceptedAt: null, revokedAt: null }, { acceptedAt: new Date(), acceptedBy: user });
    if (claimed !== 1) throw new AppError('INVITATION_INVALID', 'This invitation link is not valid any more; ask for a new invitation.', { reason: 'accepted' });
    const existing = await em.find(Membership, { organization, user });
    // A newcomer counts against the plan's member limit (checked again here: the plan may have changed since).
    if (existing.length === 0) await planService.assertWithinPlan(em, { organizationId: organization.id, resource: 'members' });
    const orgWide = existing.find((m) => m.project === null || m.project === undefined);
    const role = invitation.role as Role;
    // Joining never demotes: a person who already holds an equal or stronger organization role keeps it.
    if (orgWide && RANK[orgWide.role] >= RANK[role]) return;
    const projectIds = invitation.projectIds.filter((id) => !existing.some((m) => m.project?.id === id && RANK[m.role] >= RANK[role]));
    if (projectIds.length === 0 && invitation.projectIds.length > 0) return;
    if (projectIds.length === 0) await em.nativeDelete(Membership, { organization, user });
    else await em.nativeDelete(Membership, { organization, user, project: { $in: projectIds } });
    grantRole(em, organization, user, role, projectIds);
    publishEvent(em, { type: 'member.joined', organizationId: organization.id, subject: { kind: 'membership', id: user.id }, data: { email: user.email, userId: user.id, role } });
  }

  return {
    statusOf,

    /**
     * Invite someone by email (admins; an owner invitation needs an owner). A pending invitation to the same
     * address is replaced. The link goes out by email (the `mail.send` job, committed with the invitation) and is
     * returned once to the inviter, for when email is not set up. CONFLICT when the address is a member already.
     */
    async create(principal: Principal, organizationId: string, input: RoleInput & { email: string }): Promise<{ invitation: Invitation; acceptUrl: string }> {
      const access = await accessService.forOrganization(principal, organizationId);
      requireRole(access, input.role === 'owner' ? 'owner' : 'admin');
      const email = input.email.trim().toLowerCase();
      const token = newToken();
      const acceptUrl = `${baseUrl()}/invitations/accept#token=${token}`;
      const invitation = await orm.em.transactional(async (em) => {
        const organization = await lockOrganization(em, organizationId);
        const projectIds = await checkRoleInput(em, organizationId, input);
        if (await em.count(Membership, { organization, user: { email } })) {
          throw new AppError('CONFLICT', `${email} is a member of this organization already; change their role instead.`, { field: 'email' });
        }
        await planService.assertWithinPlan(em, { organizationId, resource: 'members' });
        await em.nativeUpdate(Invitation, { organization, email, acceptedAt: null, revokedAt: null }, { revokedAt: new Date() });
        const inviter = principal.kind === 'user' ? await em.findOne(User, { id: principal.userId }) : null;
        const expiresAt = new Date(Date.now() + config.accounts.invitationDays * 24 * 3600 * 1000);
        const created = em.create(Invitation, {
          organization,
          email,
          role: input.role,
          projectIds,
          tokenHash: sha256(token),
          expiresAt,
          invitedBy: inviter,
          acceptedAt: null,
          acceptedBy: null,
          revokedAt: null,
        });
        await em.flush();
        publishEvent(em, { type: 'member.invited', organizationId, subject: { kind: 'invitation', id: created.id }, data: { email, userId: null, role: input.role } });
        await mailer.enqueue(email, 'invitation', { organizationName: organization.name, ...(inviter ? { inviterName: inviter.name } : {}), role: input.role.replace('_', ' '), acceptUrl, expiresAt: expiresAt.toUTCString() }, { em });
        await em.flush();
        return created;
      });
      return { invitation, acceptUrl };
    },

    /** The organization's invitations, newest first (admins). */
    async list(principal: Principal, organizationId: string): Promise<Invitation[]> {
      requireRole(await accessService.forOrganization(principal, organizationId), 'admin');
      return orm.em.find(Invitation, { organization: organizationId }, { orderBy: { createdAt: 'desc' }, limit: 500 });
    },

    /** Revoke a pending invitation (admins): its link stops working. */
    async revoke(principal: Principal, organizationId: string, invitationId: string): Promise<Invitation> {
      requireRole(await accessService.forOrganization(principal, organizationId), 'admin');
      const invitation = await orm.em.findOne(Invitation, { id: invitationId, organization: organizationId });
      if (!invitation) throw notFound('Invitation');
      if (statusOf(invitation) === 'pending') {
        invitation.revokedAt = new Date();
        await orm.em.flush();
      }
      return invitation;
    },

    /** What a link invites to, for the page that asks to accept it (the token holder learns the organization's name). */
    async preview(token: string): Promise<Invitation> {
      return open(orm.em, token);
    },

    /**
     * Accept as the signed-in user. The account's email must be the invited address
     * (INVITATION_EMAIL_MISMATCH otherwise): the link proves control of that address, not of the account using it.
     */
    async accept(principal: Principal, token: string): Promise<{ invitation: Invitation }> {
      if (principal.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Accepting an invitation needs a console session.');
      return orm.em.transactional(async (em) => {
        const invitation = await open(em, token);
        const user = await em.findOneOrFail(User, { id: principal.userId });
        if (user.email !== invitation.email) throw new AppError('INVITATION_EMAIL_MISMATCH', 'This invitation was sent to another email address; sign in with that address.');
        await join(em, invitation, user);
        await em.flush();
        return { invitation };
      });
    },

    /** Accept for a new account: `createUser` makes it (with the invited address) inside the same transaction. */
    async acceptAsNewUser(token: string, createUser: (em: EntityManager, email: string) => Promise<User>): Promise<{ invitation: Invitation; user: User }> {
      return orm.em.transactional(async (em) => {
        const invitation = await open(em, token);
        const user = await createUser(em, invitation.email);
        await em.flush();
        await join(em, invitation, user);
        await em.flush();
        return { invitation, user };
      });
    },
  };
}
export type InvitationService = ReturnType<typeof createInvitationService>;
