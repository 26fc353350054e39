import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import { Organization } from '../organizations/entity.ts';
import { Membership } from '../organizations/membership.entity.ts';
import { OrganizationSettings } from '../organizations/settings.entity.ts';
import { User } from './entity.ts';
import { hashPassword } from './password.ts';

/** Shortest password an operator may choose for an account made from the command line. */
export const MIN_PASSWORD_LENGTH = 12;

export const ownerInput = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(120).optional(),
  /** Organization name; its slug is derived from it. */
  organization: z.string().trim().min(1).max(120).default('My organization'),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
});
export type OwnerInput = z.input<typeof ownerInput>;

/** A password to print once: 24 characters from a URL-safe alphabet (144 bits). */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

export const slugOf = (name: string): string =>
  name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'organization';

/**
 * Create a user who owns an organization: the organization named (created, with a slug derived from the name,
 * unless one with that slug exists) and an owner membership. The email must be new.
 */
export async function createOwner(orm: MikroORM, raw: OwnerInput): Promise<{ user: User; organization: Organization; createdOrganization: boolean }> {
  const parsed = ownerInput.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '), {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const input = parsed.data;
  const email = input.email.trim().toLowerCase();
  const em = orm.em.fork();
  return em.transactional(async (tx) => {
    if (await tx.count(User, { email })) throw new AppError('CONFLICT', `A user with the email ${email} exists already`, { field: 'email' });
    const slug = slugOf(input.organization);
    let organization = await tx.findOne(Organization, { slug });
    const createdOrganization = !organization;
    if (!organization) {
      organization = tx.create(Organization, { name: input.organization, slug });
      tx.create(OrganizationSettings, { organization });
    }
    const user = tx.create(User, { email, name: input.name ?? email.split('@')[0]!, passwordHash: await hashPassword(input.password) });
    tx.create(Membership, { user, organization, role: 'owner', project: null });
    await tx.flush();
    return { user, organization, createdOrganization };
  });
}
