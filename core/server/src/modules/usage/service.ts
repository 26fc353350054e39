import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { requireProject, type Access } from '../organizations/access.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { notFound } from '../../errors/app-error.ts';
import type { PlanService } from '../plans/service.ts';
import type { SettingsService } from '../organizations/settings.service.ts';
import { count, dayOf, periodStarts, type UsageScope } from './counts.ts';
import { UsageDaily, type UsageCounts, type UsageSnapshot } from './entity.ts';

export const HISTORY_DAYS = 30;

export interface UsageLine {
  usage: number;
  /** The limit in force (the plan's, or the organization setting when that is lower); null: none. */
  limit: number | null;
  /** The plan's own limit; null: none. */
  planLimit: number | null;
}

export interface UsageReport {
  organizationId: string;
  projectId: string | null;
  planId: string;
  resources: Record<'domains' | 'verifiedDomains' | 'projects' | 'mappings' | 'apiKeys' | 'members' | 'webhookEndpoints', UsageLine>;
  period: {
    monthStart: string;
    certificatesIssued: UsageLine;
    checksToday: UsageLine;
    checksThisMonth: number;
    webhooksDeliveredToday: number;
    webhooksDeliveredThisMonth: number;
  };
  history: { day: string; checks: number; webhooksDelivered: number; counts: Partial<UsageCounts> | null }[];
}

type Metric = 'checks';

export function createUsageService({ orm, planService, settingsService, logger }: { orm: MikroORM; planService: PlanService; settingsService: SettingsService; logger: Logger }) {
  const line = (usage: number, planLimit: number | null, setting?: number): UsageLine => ({
    usage,
    limit: planLimit === null ? (setting ?? null) : setting === undefined ? planLimit : Math.min(planLimit, setting),
    planLimit,
  });

  async function countsFor(em: EntityManager, scope: UsageScope, monthStart: Date): Promise<UsageCounts> {
    return {
      domains: await count.domains(em, scope),
      verifiedDomains: await count.verifiedDomains(em, scope),
      projects: scope.projectId ? 1 : await count.projects(em, scope),
      mappings: await count.mappings(em, scope),
      apiKeys: await count.apiKeys(em, scope),
      members: await count.members(em, scope),
      webhookEndpoints: await count.webhookEndpoints(em, scope),
      certificatesThisMonth: await count.certificatesIssued(em, scope, monthStart),
    };
  }

  /** Add `by` to the organization's day (UTC) in one statement. */
  async function write(organizationId: string, metric: Metric, by: number): Promise<void> {
    try {
      const column = { checks: 'checks' }[metric];
      await orm.em
        .fork()
        .getConnection()
        .execute(
          `insert into usage_daily (id, created_at, updated_at, organization_id, day, ${column}) values (gen_random_uuid(), now(), now(), ?, (now() at time zone 'utc')::date, ?)
           on conflict (organization_id, day) do update set ${column} = usage_daily.${column} + excluded.${column}, updated_at = now()`,
          [organizationId, by],
        );
    } catch (error) {
      logger.warn({ organizationId, metric, error: (error as Error).message }, 'could not count usage');
    }
  }

  /**
   * Per organization and metric: the count waiting to be written, and the write under way. One write at a time per
   * key; what arrives while it runs is added up and written by the next one, so many checks running at once cost a
   * few statements (and one lock of the day's row at a time) instead of one each.
   */
  const queued = new Map<string, { organizationId: string; metric: Metric; by: number; written: Promise<void>; release: () => void }>();
  const writing = new Map<string, Promise<void>>();

  async function drain(key: string): Promise<void> {
    for (let next = queued.get(key); next; next = queued.get(key)) {
      queued.delete(key);
      await write(next.organizationId, next.metric, next.by);
      next.release();
    }
    writing.delete(key);
  }

  return {
    /**
     * Count `by` events for the organization's day (UTC); resolves once they are written. Counts arriving while a
     * write for the same organization and metric runs are written together by the next one. Best effort: usage
     * must never fail the work it counts, so an error is logged and swallowed.
     */
    increment(organizationId: string, metric: Metric, by = 1): Promise<void> {
      const key = `${organizationId}:${metric}`;
      let entry = queued.get(key);
      if (!entry) {
        let release!: () => void;
        const written = new Promise<void>((resolve) => (release = resolve));
        entry = { organizationId, metric, by: 0, written, release };
        queued.set(key, entry);
      }
      entry.by += by;
      if (!writing.has(key)) writing.set(key, drain(key));
      return entry.written;
    },

    /** Usage beside limits for the organization, or one of its projects, with the daily history. */
    async report(access: Access, projectId?: string): Promise<UsageReport> {
      const em = orm.em.fork();
      const organizationId = access.organizationId;
      if (projectId) {
        requireProject(access, projectId, 'Project');
        if (!(await em.count(Project, { id: projectId, organization: organizationId }))) throw notFound('Project');
      } else if (access.projectIds !== null) {
        // Callers limited to some projects read those projects' usage, not the organization's.
        throw notFound('Organization usage');
      }
      const scope: UsageScope = { organizationId, projectId };
      const now = new Date();
      const { month, day } = periodStarts(now);
      const plan = await planService.planOf(organizationId, em);
      const settings = await settingsService.get(organizationId, em);
      const counts = await countsFor(em, scope, month);
      const limits = plan.limits;

      const rows = await em.find(UsageDaily, { organization: organizationId, day: { $gte: dayOf(new Date(day.getTime() - (HISTORY_DAYS - 1) * 86_400_000)) } }, { orderBy: { day: 'asc' } });
      const today = rows.find((row) => row.day === dayOf(day));
      const monthRows = await em.find(UsageDaily, { organization: organizationId, day: { $gte: dayOf(month) } }, { fields: ['checks'] });
      const checksThisMonth = monthRows.reduce((sum, row) => sum + row.checks, 0);

      const mappingsLimit = projectId ? line(counts.mappings, limits.mappingsPerProject, settings.maxMappingsPerProject) : { usage: counts.mappings, limit: null, planLimit: null };
      return {
        organizationId,
        projectId: projectId ?? null,
        planId: plan.id,
        resources: {
          domains: projectId ? line(counts.domains, null) : line(counts.domains, limits.domains, settings.maxDomains),
          verifiedDomains: line(counts.verifiedDomains, null),
          projects: projectId ? line(1, null) : line(counts.projects, limits.projects),
          mappings: mappingsLimit,
          apiKeys: projectId ? line(counts.apiKeys, null) : line(counts.apiKeys, limits.apiKeys),
          members: line(counts.members, limits.members),
          webhookEndpoints: projectId ? line(counts.webhookEndpoints, null) : line(counts.webhookEndpoints, limits.webhookEndpoints),
        },
        period: {
          monthStart: month.toISOString(),
          certificatesIssued: line(counts.certificatesThisMonth, projectId ? null : limits.certificatesPerMonth),
          // Checks are counted per organization: a project's report shows the organization's.
          checksToday: line(today?.checks ?? 0, limits.checksPerDay),
          checksThisMonth,
          webhooksDeliveredToday: await count.webhooksDelivered(em, scope, day),
          webhooksDeliveredThisMonth: await count.webhooksDelivered(em, scope, month),
        },
        history: rows.map((row) => ({
          day: row.day,
          checks: row.checks,
          webhooksDelivered: row.webhooksDelivered,
          counts: row.snapshot ? (projectId ? (row.snapshot.projects[projectId] ?? null) : row.snapshot.organization) : null,
        })),
      };
    },

    /**
     * Write the snapshot of `day` (default today, UTC) for every organization: what each holds, and the webhooks
     * delivered that day. Idempotent: running it again the same day rewrites the same row, so the last run of a
     * day is what its history shows.
     */
    async snapshot(day: string = dayOf(new Date())): Promise<number> {
      const em = orm.em.fork();
      const start = new Date(`${day}T00:00:00.000Z`);
      const end = new Date(start.getTime() + 86_400_000);
      const { month } = periodStarts(start);
      const organizations = await em.find(Organization, { deletedAt: null }, { fields: ['id'] });
      for (const organization of organizations) {
        const organizationId = organization.id;
        const projects = await em.find(Project, { organization: organizationId }, { fields: ['id'] });
        const snapshot: UsageSnapshot = { organization: await countsFor(em, { organizationId }, month), projects: {} };
        for (const project of projects) {
          const scope = { organizationId, projectId: project.id };
          snapshot.projects[project.id] = {
            domains: await count.domains(em, scope),
            verifiedDomains: await count.verifiedDomains(em, scope),
            mappings: await count.mappings(em, scope),
            apiKeys: await count.apiKeys(em, scope),
            webhookEndpoints: await count.webhookEndpoints(em, scope),
          };
        }
        const delivered = await count.webhooksDelivered(em, { organizationId }, start, end);
        await em.getConnection().execute(
          `insert into usage_daily (id, created_at, updated_at, organization_id, day, webhooks_delivered, snapshot) values (gen_random_uuid(), now(), now(), ?, ?::date, ?, ?::jsonb)
           on conflict (organization_id, day) do update set webhooks_delivered = excluded.webhooks_delivered, snapshot = excluded.snapshot, updated_at = now()`,
          [organizationId, day, delivered, JSON.stringify(snapshot)],
        );
      }
      return organizations.length;
    },
  };
}
export type UsageService = ReturnType<typeof createUsageService>;
