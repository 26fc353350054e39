import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { publishEvent } from '../events/publish.ts';
import type { PlanResource } from '../plans/catalogue.ts';

/** Usage at or above this share of the limit in force is "near the limit". */
export const NEAR_LIMIT_SHARE = 0.8;

export interface UsageCrossing {
  organizationId: string;
  resource: PlanResource;
  /** For per-project limits (`mappingsPerProject`): the project the limit applies to. */
  projectId?: string | null;
  /** Usage before the creation being checked. */
  before: number;
  /** How many the creation adds. */
  adding: number;
  /** The limit in force (the plan's, or the organization's setting when lower). */
  limit: number;
  planId: string;
}

/** 0 under the near-limit share, 80 from it, 100 at (or past) the limit. */
function levelOf(usage: number, limit: number): 0 | 80 | 100 {
  if (usage >= limit) return 100;
  if (usage >= limit * NEAR_LIMIT_SHARE) return 80;
  return 0;
}

type Row = { level: number };

/**
 * Announce a creation that brings usage to 80 % (`usage.near_limit`) or 100 % (`usage.limit_reached`) of the limit
 * in force. Call it where the limit was checked and the creation will proceed, with the creating transaction's `em`
 * and under that check's lock: the events and the remembered level commit or roll back with the creation.
 *
 * Each threshold is announced once per crossing. The level last announced is kept in `usage_alerts`; deletions do
 * not touch it, so usage before the creation says where usage really is: when it is under a threshold already
 * announced, usage went back under it since, and the threshold can be announced again. Outside a transaction
 * nothing is announced (there is no creation to commit with).
 */
export async function announceUsage(em: EntityManager, input: UsageCrossing): Promise<void> {
  if (!em.isInTransaction() || input.limit <= 0) return;
  const scopeId = input.projectId ?? input.organizationId;
  const execute = (sql: string, params: unknown[]) => em.getConnection().execute(sql, params, 'all', em.getTransactionContext()) as Promise<Row[]>;
  const rows = await execute('select level from usage_alerts where organization_id = ? and resource = ? and scope_id = ?', [input.organizationId, input.resource, scopeId]);
  const stored = rows[0]?.level ?? 0;
  const after = input.before + input.adding;
  const announced = Math.min(stored, levelOf(input.before, input.limit));
  const level = levelOf(after, input.limit);
  const data = {
    resource: input.resource,
    usage: after,
    limit: input.limit,
    planId: input.planId,
    ...(input.projectId ? { projectId: input.projectId } : {}),
  };
  const common = { organizationId: input.organizationId, projectId: input.projectId ?? null, subject: { kind: 'organization', id: input.organizationId } };
  if (announced < 80 && level >= 80) publishEvent(em, { ...common, type: 'usage.near_limit', data });
  if (announced < 100 && level >= 100) publishEvent(em, { ...common, type: 'usage.limit_reached', data });
  if (level === stored) return;
  await execute(
    `insert into usage_alerts (id, created_at, updated_at, organization_id, resource, scope_id, level) values (?, now(), now(), ?, ?, ?, ?)
     on conflict (organization_id, resource, scope_id) do update set level = excluded.level, updated_at = now()`,
    [randomUUID(), input.organizationId, input.resource, scopeId, level],
  );
}
