import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';
import { User } from '../users/entity.ts';

/**
 * The plan an organization is on. No row: the first configured plan. A change the billing provider has not
 * confirmed yet waits in `pendingPlanId` (with the provider's `redirectUrl`) while `planId` stays in force.
 */
export const SubscriptionSchema = defineEntity({
  name: 'Subscription',
  tableName: 'subscriptions',
  properties: {
    ...baseColumns,
    organization: () => p.oneToOne(Organization).owner().deleteRule('cascade'),
    planId: p.string().length(64),
    pendingPlanId: p.string().length(64).nullable(),
    pendingRedirectUrl: p.text().nullable(),
    changedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class Subscription extends SubscriptionSchema.class {}
SubscriptionSchema.setClass(Subscription);
