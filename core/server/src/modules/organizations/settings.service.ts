import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import { Domain } from '../domains/entity.ts';
import { ServiceDomainMapping } from '../routing/mapping.entity.ts';
import { User } from '../users/entity.ts';
import { SETTING_FOR, type PlanResource } from '../plans/catalogue.ts';
import { planLimitReached, type PlanService } from '../plans/service.ts';
import { announceUsage } from '../usage/alerts.ts';
import { requireRole, type Access } from './access.ts';
import { Organization } from './entity.ts';
import { OrganizationSettingsChange } from './settings-change.entity.ts';
import { DEFAULT_LIMITS, LIMITS, OrganizationSettings, SETTING_NAMES, type SettingName } from './settings.entity.ts';

const limit = (name: SettingName) =>
  z
    .number()
    .int()
    .min(1)
    .max(LIMITS[name].max)
    .meta({ description: `${LIMITS[name].description} Default ${LIMITS[name].default}, at most ${LIMITS[name].max}.` });

/** A change to some of the limits: positive integers up to each limit's maximum, unknown keys refused. */
export const settingsPatchSchema = z
  .strictObject({
    maxDomains: limit('maxDomains').optional(),
    verificationRateLimitPerMinute: limit('verificationRateLimitPerMinute').optional(),
    maxMappingsPerProject: limit('maxMappingsPerProject').optional(),
    maxConcurrentVerifications: limit('maxConcurrentVerifications').optional(),
    maxAutoRetries: limit('maxAutoRetries').optional(),
    autoRetryIntervalHours: limit('autoRetryIntervalHours').optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Send at least one setting to change.' });
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export interface SettingsUsage {
  /** Domains that count against `maxDomains`: every one not archived. */
  domains: number;
}

export function createSettingsService({ orm, planService }: { orm: MikroORM; planService: PlanService }) {
  const countDomains = (em: EntityManager, organizationId: string) => em.count(Domain, { organization: organizationId, status: { $ne: 'archived' } });

  /**
   * The organization's settings row, inserted with the defaults when missing (organizations made before
   * settings existed, or by tests' factories). The insert goes straight to the database, so a caller's pending
   * changes are not flushed early; a concurrent insert of the same row is ignored. With `lock` inside a
   * transaction the row is locked until commit: quota checks and limit changes of one organization take turns.
   */
  async function load(em: EntityManager, organizationId: string, lock = false): Promise<OrganizationSettings> {
    const lockMode = lock && em.isInTransaction() ? LockMode.PESSIMISTIC_WRITE : undefined;
    const found = await em.findOne(OrganizationSettings, { organization: organizationId }, { lockMode });
    if (found) return found;
    const now = new Date();
    await em
      .createQueryBuilder(OrganizationSettings)
      .insert({ id: randomUUID(), createdAt: now, updatedAt: now, organization: organizationId, ...DEFAULT_LIMITS })
      .onConflict('organization')
      .ignore()
      .execute();
    return em.findOneOrFail(OrganizationSettings, { organization: organizationId }, { lockMode });
  }

  return {
    /** The organization's settings (defaults when never changed). No access check: callers have done theirs. */
    get(organizationId: string, em: EntityManager = orm.em): Promise<OrganizationSettings> {
      return load(em, organizationId);
    },

    /** What is in use against the limits that have a usage. */
    async usage(organizationId: string, em: EntityManager = orm.em): Promise<SettingsUsage> {
      return { domains: await countDomains(em, organizationId) };
    },

    /**
     * Change limits (organization owner only). Refuses to set `maxDomains` below the domains already held
     * (SETTINGS_BELOW_USAGE) and writes one audit row per changed setting, in the same transaction.
     */
    async update(access: Access, patch: SettingsPatch, em: EntityManager = orm.em): Promise<OrganizationSettings> {
      requireRole(access, 'owner');
      const parsed = settingsPatchSchema.safeParse(patch);
      if (!parsed.success) {
        throw new AppError('VALIDATION_FAILED', `Invalid settings: ${parsed.error.issues[0]?.path.join('.') || 'body'} ${parsed.error.issues[0]?.message ?? ''}`.trim(), {
          issues: parsed.error.issues.map((i) => ({ in: 'body', path: i.path.join('.'), message: i.message })),
        });
      }
      const { organizationId, principal } = access;
      return em.transactional(async (tx) => {
        const settings = await load(tx, organizationId, true);
        const changed = SETTING_NAMES.filter((name) => parsed.data[name] !== undefined && parsed.data[name] !== settings[name]);
        // An owner may lower a plan's limit for the organization, never raise it beyond the plan.
        for (const [resource, setting] of Object.entries(SETTING_FOR) as [PlanResource, SettingName][]) {
          const requestedValue = parsed.data[setting];
          if (requestedValue === undefined || !changed.includes(setting)) continue;
          const plan = await planService.limitOf(organizationId, resource, tx);
          if (plan.limit !== null && requestedValue > plan.limit) {
            throw new AppError('SETTINGS_ABOVE_PLAN', `The ${plan.planId} plan allows at most ${plan.limit}; ${setting} cannot be set to ${requestedValue}.`, {
              setting,
              requested: requestedValue,
              planLimit: plan.limit,
              planId: plan.planId,
            });
          }
        }
        const requested = parsed.data.maxDomains;
        if (requested !== undefined && changed.includes('maxDomains')) {
          const usage = await countDomains(tx, organizationId);
          if (requested < usage) {
            throw new AppError('SETTINGS_BELOW_USAGE', `${usage} domains exist; the domain limit cannot be set below ${usage}.`, { setting: 'maxDomains', usage, requested });
          }
        }
        for (const name of changed) {
          tx.create(OrganizationSettingsChange, {
            organization: tx.getReference(Organization, organizationId),
            changedBy: principal.kind === 'user' ? tx.getReference(User, principal.userId) : null,
            setting: name,
            oldValue: settings[name],
            newValue: parsed.data[name]!,
          });
          settings[name] = parsed.data[name]!;
        }
        return settings;
      });
    },

    /** The audit log of limit changes, newest first (owner and admin). */
    changes(access: Access): Promise<OrganizationSettingsChange[]> {
      requireRole(access, 'admin');
      return orm.em.find(
        OrganizationSettingsChange,
        { organization: access.organizationId },
        { populate: ['changedBy'], orderBy: [{ createdAt: 'desc' }, { setting: 'asc' }], limit: 500 },
      );
    },

    /**
     * DOMAIN_QUOTA_EXCEEDED (409) when `adding` more domains would pass `maxDomains`, PLAN_LIMIT_REACHED (402) when
     * they would pass the plan's limit and the setting does not lower it. Pass the caller's `em`: inside a
     * transaction the settings row stays locked until commit, so concurrent additions cannot both squeeze in.
     * Additions that bring usage to 80 % or 100 % of the limit in force publish `usage.near_limit` /
     * `usage.limit_reached` in that transaction (usage/alerts.ts).
     */
    async assertDomainQuota(organizationId: string, adding = 1, em: EntityManager = orm.em): Promise<{ used: number; limit: number }> {
      const settings = await load(em, organizationId, true);
      const used = await countDomains(em, organizationId);
      const plan = await planService.limitOf(organizationId, 'domains', em);
      // The plan's limit binds when the organization's own setting is not lower: that answer is 402 (change plan).
      if (plan.limit !== null && plan.limit <= settings.maxDomains && used + adding > plan.limit) throw planLimitReached('domains', plan.limit, used, plan.planId);
      const limit = settings.maxDomains;
      if (used + adding > limit) {
        throw new AppError('DOMAIN_QUOTA_EXCEEDED', `Domain limit reached (${used}/${limit}). Ask an organization owner to raise the limit.`, { used, limit });
      }
      const inForce = plan.limit !== null ? Math.min(plan.limit, limit) : limit;
      await announceUsage(em, { organizationId, resource: 'domains', before: used, adding, limit: inForce, planId: plan.planId });
      return { used, limit };
    },

    /**
     * MAPPING_QUOTA_EXCEEDED (409) when one more mapping in `projectId` would pass `maxMappingsPerProject`,
     * PLAN_LIMIT_REACHED (402) when it would pass the plan's limit and the setting does not lower it. Pass the
     * caller's transaction `em`: the settings row stays locked until commit, so concurrent creations cannot both fit.
     * Like `assertDomainQuota`, announces usage near or at the limit in force (per project).
     */
    async assertMappingQuota(organizationId: string, projectId: string, em: EntityManager): Promise<void> {
      const settings = await load(em, organizationId, true);
      const used = await em.count(ServiceDomainMapping, { project: projectId });
      const plan = await planService.limitOf(organizationId, 'mappingsPerProject', em);
      if (plan.limit !== null && plan.limit <= settings.maxMappingsPerProject && used + 1 > plan.limit) throw planLimitReached('mappingsPerProject', plan.limit, used, plan.planId);
      const limit = settings.maxMappingsPerProject;
      if (used + 1 > limit) {
        throw new AppError('MAPPING_QUOTA_EXCEEDED', `Mapping limit of this project reached (${used}/${limit}). Ask an organization owner to raise the limit.`, { used, limit });
      }
      const inForce = plan.limit !== null ? Math.min(plan.limit, limit) : limit;
      await announceUsage(em, { organizationId, resource: 'mappingsPerProject', projectId, before: used, adding: 1, limit: inForce, planId: plan.planId });
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
