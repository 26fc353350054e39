import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError, notFound } from '../../errors/app-error.ts';
import { requireRole, type Access, type AccessService } from '../organizations/access.ts';
import type { Principal } from '../../http/principal.ts';
import { Organization } from '../organizations/entity.ts';
import { User } from '../users/entity.ts';
import { announceUsage } from '../usage/alerts.ts';
import { usageOf } from '../usage/counts.ts';
import type { BillingProvider } from './billing.ts';
import { PLAN_RESOURCE_NAMES, PLAN_RESOURCES, type Plan, type PlanResource } from './catalogue.ts';
import { Subscription } from './subscription.entity.ts';

/** The resources checked where they are created. */
export type EnforcedResource = 'domains' | 'projects' | 'mappingsPerProject' | 'apiKeys' | 'members' | 'webhookEndpoints';

export interface SubscriptionView {
  organizationId: string;
  plan: Plan;
  pending: { plan: Plan; redirectUrl: string } | null;
  /** Limits of the plan that current usage is already above (after a downgrade): kept, but nothing new fits. */
  overLimit: { resource: PlanResource; usage: number; limit: number }[];
  updatedAt: string | null;
}

export function createPlanService({ orm, config, billing, logger, accessService }: { orm: MikroORM; config: PorticoConfig; billing: BillingProvider; logger: Logger; accessService: AccessService }) {
  const plans = config.plans.list;
  const byId = (id: string) => plans.find((plan) => plan.id === id);
  const fallback = plans[0]!;

  async function subscriptionRow(em: EntityManager, organizationId: string): Promise<Subscription | null> {
    return em.findOne(Subscription, { organization: organizationId });
  }

  function planOfRow(row: Subscription | null): Plan {
    if (!row) return fallback;
    const plan = byId(row.planId);
    if (!plan) logger.warn({ organizationId: row.organization.id, planId: row.planId }, 'subscription names a plan no longer configured; using the first plan');
    return plan ?? fallback;
  }

  async function overLimit(em: EntityManager, organizationId: string, plan: Plan): Promise<SubscriptionView['overLimit']> {
    const over: SubscriptionView['overLimit'] = [];
    for (const resource of PLAN_RESOURCE_NAMES) {
      const limit = plan.limits[resource];
      if (limit === null || !PLAN_RESOURCES[resource].enforced) continue;
      if (resource === 'mappingsPerProject') {
        const rows = (await em
          .getConnection()
          .execute(
            'select count(*) as n from service_domain_mappings m join projects p on p.id = m.project_id where p.organization_id = ? group by m.project_id order by n desc limit 1',
            [organizationId],
            'all',
            em.getTransactionContext(),
          )) as { n: string }[];
        const usage = Number(rows[0]?.n ?? 0);
        if (usage > limit) over.push({ resource, usage, limit });
        continue;
      }
      const usage = await usageOf(em, resource as EnforcedResource, { organizationId });
      if (usage > limit) over.push({ resource, usage, limit });
    }
    return over;
  }

  async function view(em: EntityManager, organizationId: string, row: Subscription | null): Promise<SubscriptionView> {
    const plan = planOfRow(row);
    const pendingPlan = row?.pendingPlanId ? byId(row.pendingPlanId) : undefined;
    return {
      organizationId,
      plan,
      pending: pendingPlan && row?.pendingRedirectUrl ? { plan: pendingPlan, redirectUrl: row.pendingRedirectUrl } : null,
      overLimit: await overLimit(em, organizationId, plan),
      updatedAt: row ? row.updatedAt.toISOString() : null,
    };
  }

  const organizationOf = async (em: EntityManager, organizationId: string) => {
    const organization = await em.findOneOrFail(Organization, organizationId);
    return { id: organization.id, name: organization.name, slug: organization.slug };
  };

  /** Make `planId` the organization's plan (inserting the row when missing). */
  async function activate(em: EntityManager, organizationId: string, row: Subscription | null, planId: string, userId: string | null): Promise<Subscription> {
    const target = row ?? em.create(Subscription, { organization: em.getReference(Organization, organizationId), planId });
    target.planId = planId;
    target.pendingPlanId = null;
    target.pendingRedirectUrl = null;
    if (userId) target.changedBy = em.getReference(User, userId);
    return target;
  }

  async function planOf(organizationId: string, em: EntityManager = orm.em): Promise<Plan> {
    return planOfRow(await subscriptionRow(em, organizationId));
  }

  return {
    /** Every plan offered, in the configured order. */
    list(): Plan[] {
      return plans;
    },

    /** The plan the organization is on (the first plan when it has no subscription). No access check. */
    planOf,

    /** The plan's limit for a resource (null: none). No access check. */
    async limitOf(organizationId: string, resource: PlanResource, em: EntityManager = orm.em): Promise<{ limit: number | null; planId: string }> {
      const plan = await planOf(organizationId, em);
      return { limit: plan.limits[resource], planId: plan.id };
    },

    /** The organization's subscription (any member). A pending change is settled first when the provider can say. */
    async subscription(access: Access): Promise<SubscriptionView> {
      const em = orm.em.fork();
      const row = await subscriptionRow(em, access.organizationId);
      const pendingPlan = row?.pendingPlanId ? byId(row.pendingPlanId) : undefined;
      if (row && pendingPlan && billing.pendingStatus) {
        const status = await billing.pendingStatus({
          organization: await organizationOf(em, access.organizationId),
          from: planOfRow(row),
          to: pendingPlan,
          requestedBy: row.changedBy ? { userId: row.changedBy.id } : null,
        });
        if (status === 'active') await activate(em, access.organizationId, row, pendingPlan.id, null);
        if (status === 'cancelled') Object.assign(row, { pendingPlanId: null, pendingRedirectUrl: null });
        await em.flush();
      }
      return view(em, access.organizationId, row);
    },

    /**
     * Move the organization to another plan (owner only). The billing provider decides whether it is active now or
     * pending an external step. A downgrade below current usage is allowed: what exists stays, nothing new fits
     * until usage is back under the limit (`overLimit` says where).
     */
    async change(access: Access, planId: string): Promise<SubscriptionView> {
      requireRole(access, 'owner');
      const to = byId(planId);
      if (!to) throw notFound('Plan');
      const em = orm.em.fork();
      return em.transactional(async (tx) => {
        await lockOrganization(tx, access.organizationId);
        const row = await subscriptionRow(tx, access.organizationId);
        const from = planOfRow(row);
        const userId = access.principal.kind === 'user' ? access.principal.userId : null;
        if (from.id === to.id) {
          if (row?.pendingPlanId) Object.assign(row, { pendingPlanId: null, pendingRedirectUrl: null });
          await tx.flush();
          return view(tx, access.organizationId, row);
        }
        let decision;
        try {
          decision = await billing.changePlan({ organization: await organizationOf(tx, access.organizationId), from, to, requestedBy: userId ? { userId } : null });
        } catch (error) {
          throw new AppError('BILLING_REFUSED', `The billing provider refused the change: ${(error as Error).message}`, { planId });
        }
        let saved: Subscription;
        if (decision.status === 'pending') {
          saved = row ?? tx.create(Subscription, { organization: tx.getReference(Organization, access.organizationId), planId: from.id });
          saved.pendingPlanId = to.id;
          saved.pendingRedirectUrl = decision.redirectUrl;
          if (userId) saved.changedBy = tx.getReference(User, userId);
        } else {
          saved = await activate(tx, access.organizationId, row, to.id, userId);
        }
        await tx.flush();
        return view(tx, access.organizationId, saved);
      });
    },

    /**
     * Put an organization on a plan as the instance operator (a contract settled outside Portico): no billing step,
     * a pending change is dropped. OPERATOR_REQUIRED for anyone else; NOT_FOUND for an unknown organization or plan.
     */
    async assign(principal: Principal, organizationId: string, planId: string): Promise<SubscriptionView> {
      const operator = await accessService.requireOperator(principal);
      const em = orm.em.fork();
      const organization = await em.findOne(Organization, { id: organizationId, deletedAt: null });
      if (!organization) throw notFound('Organization');
      if (!byId(planId)) throw notFound('Plan');
      return em.transactional(async (tx) => {
        await lockOrganization(tx, organizationId);
        const saved = await activate(tx, organizationId, await subscriptionRow(tx, organizationId), planId, operator.id);
        await tx.flush();
        return view(tx, organizationId, saved);
      });
    },

    /**
     * PLAN_LIMIT_REACHED (402) when `adding` more of `resource` would pass the plan's limit. Call it where the
     * resource is created, with the creating transaction's `em`: it takes a per-organization transaction lock, so
     * concurrent creations are counted one after the other and cannot both squeeze under the limit.
     * `projectId` is needed for `mappingsPerProject`. When the creation fits and brings usage to 80 % or 100 % of the
     * limit, `usage.near_limit` / `usage.limit_reached` are published in the same transaction (usage/alerts.ts).
     */
    async assertWithinPlan(em: EntityManager, input: { organizationId: string; resource: EnforcedResource; projectId?: string; adding?: number }): Promise<void> {
      const adding = input.adding ?? 1;
      const plan = await planOf(input.organizationId, em);
      const limit = plan.limits[input.resource];
      if (limit === null) return;
      await lockOrganization(em, input.organizationId);
      const usage = await usageOf(em, input.resource, { organizationId: input.organizationId, projectId: input.projectId });
      if (usage + adding > limit) throw planLimitReached(input.resource, limit, usage, plan.id);
      const projectId = input.resource === 'mappingsPerProject' ? input.projectId : undefined;
      await announceUsage(em, { organizationId: input.organizationId, resource: input.resource, projectId, before: usage, adding, limit, planId: plan.id });
    },
  };
}
export type PlanService = ReturnType<typeof createPlanService>;

export function planLimitReached(resource: PlanResource, limit: number, usage: number, planId: string): AppError {
  return new AppError('PLAN_LIMIT_REACHED', `The ${planId} plan allows ${limit} ${PLAN_RESOURCES[resource].label}; ${usage} in use. Change the plan to add more.`, {
    resource,
    limit,
    usage,
    planId,
  });
}

/**
 * Serialise limit checks of one organization until the transaction ends (an advisory lock: no row is locked, so
 * inserts that reference the organization are not held up). Outside a transaction there is nothing to hold.
 */
async function lockOrganization(em: EntityManager, organizationId: string): Promise<void> {
  if (!em.isInTransaction()) return;
  await em.getConnection().execute("select pg_advisory_xact_lock(hashtextextended('portico.plan-limits:' || ?, 0))", [organizationId], 'all', em.getTransactionContext());
}
