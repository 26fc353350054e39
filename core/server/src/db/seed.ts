import { readFile } from 'node:fs/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Organization } from '../modules/organizations/entity.ts';
import { Membership } from '../modules/organizations/membership.entity.ts';
import { OrganizationSettings } from '../modules/organizations/settings.entity.ts';
import { Project } from '../modules/projects/entity.ts';
import { User } from '../modules/users/entity.ts';
import { hashPassword } from '../modules/users/password.ts';

export const DEMO_SEED = new URL('../../../../seeds/demo.json', import.meta.url);

const seedSchema = z.object({
  organization: z.object({ name: z.string(), slug: z.string() }),
  user: z.object({ email: z.email(), name: z.string(), password: z.string().min(8) }),
  project: z.object({ name: z.string(), slug: z.string() }),
});
export type DemoSeed = z.infer<typeof seedSchema>;

export const countUsers = (orm: MikroORM): Promise<number> => orm.em.fork().count(User, {});

/**
 * Demo mode only (`seedDemo: true`): load the demo organization, its owner — whose password is public, printed
 * in the README — and a project into a database that has no users yet. Returns the seed either way (start-up
 * prints its login), and whether it was written now. Every other start creates no account.
 */
export async function seedDemo(orm: MikroORM, file: URL = DEMO_SEED): Promise<{ seed: DemoSeed; created: boolean }> {
  const seed = seedSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const em = orm.em.fork();
  if ((await em.count(User, {})) > 0) return { seed, created: false };
  const organization = em.create(Organization, seed.organization);
  em.create(OrganizationSettings, { organization });
  const user = em.create(User, { email: seed.user.email.toLowerCase(), name: seed.user.name, passwordHash: await hashPassword(seed.user.password) });
  em.create(Membership, { user, organization, role: 'owner', project: null });
  em.create(Project, { ...seed.project, organization });
  await em.flush();
  return { seed, created: true };
}
