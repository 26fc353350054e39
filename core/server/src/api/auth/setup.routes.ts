import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { User } from '../../modules/users/entity.ts';

/**
 * What the sign-in page needs to know before anyone has signed in: whether the installation still has no account
 * at all (the first owner comes from `portico users create-owner`, never from the web) and the sign-up setting.
 * Nothing else: no counts, no addresses, no organization names.
 */
export const setupRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/auth/setup',
    tag: 'auth',
    summary: 'Public facts for the sign-in page: whether no account exists yet (create the first owner with the CLI) and the sign-up setting',
    auth: 'public',
    response: z.object({
      needsOwner: z.boolean().meta({ description: 'No account exists yet: the first owner is made with `npm run portico -- users create-owner`.' }),
      signup: z.enum(['open', 'invite-only', 'closed']).meta({ description: 'accounts.signup: whether POST /v1/auth/signup works without an invitation (open), only with one (invite-only), or not at all (closed).' }),
    }),
    async handler({ cradle }) {
      // One row at most: the answer is whether any account exists, not how many (a count would scan the table).
      const anyone = await cradle.orm.em.fork().find(User, {}, { fields: ['id'], limit: 1 });
      return { needsOwner: anyone.length === 0, signup: cradle.config.accounts.signup };
    },
  }),
];
