import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from '../organizations/entity.ts';

/** Counts one organization's resources had on one day, per project too (the daily snapshot's `counts`). */
export interface UsageCounts {
  domains: number;
  verifiedDomains: number;
  projects: number;
  mappings: number;
  apiKeys: number;
  members: number;
  webhookEndpoints: number;
  certificatesThisMonth: number;
}
export interface UsageSnapshot {
  organization: UsageCounts;
  projects: Record<string, Pick<UsageCounts, 'domains' | 'verifiedDomains' | 'mappings' | 'apiKeys' | 'webhookEndpoints'>>;
}

/**
 * One organization's usage on one day (UTC): counters of what happened that day (checks run, webhooks delivered),
 * incremented where those happen, and the snapshot of what it held, written by the daily snapshot job (null until
 * then). One row per organization and day: both writers upsert it.
 */
export const UsageDailySchema = defineEntity({
  name: 'UsageDaily',
  tableName: 'usage_daily',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    day: p.date(),
    checks: p.integer().default(0),
    webhooksDelivered: p.integer().default(0),
    snapshot: p.json<UsageSnapshot>().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'usage_daily_organization_day_unique', properties: ['organization', 'day'] }],
});
export class UsageDaily extends UsageDailySchema.class {}
UsageDailySchema.setClass(UsageDaily);

/**
 * The highest usage threshold (0, 80 or 100 % of the limit in force) already announced for one resource of one
 * organization, per project for per-project limits (`scopeId`: the project, else the organization). Written where
 * the limit is checked, in the creating transaction; lowered again when a check finds usage back under it, so each
 * crossing is announced once.
 */
export const UsageAlertSchema = defineEntity({
  name: 'UsageAlert',
  tableName: 'usage_alerts',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    resource: p.string().length(32),
    scopeId: p.uuid(),
    level: p.integer().default(0),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ name: 'usage_alerts_organization_resource_scope_unique', properties: ['organization', 'resource', 'scopeId'] }],
});
export class UsageAlert extends UsageAlertSchema.class {}
UsageAlertSchema.setClass(UsageAlert);
