import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { Organization } from './entity.ts';

/**
 * The organization's limits: default, largest value accepted, and what each one bounds. The entity,
 * the API schemas and the docs all read this table.
 */
export const LIMITS = {
  maxDomains: { default: 50, max: 100_000, description: 'Domains the organization may hold (archived ones do not count).' },
  verificationRateLimitPerMinute: { default: 1, max: 60, description: 'Manual “verify now” requests per minute per domain.' },
  maxMappingsPerProject: { default: 100, max: 10_000, description: 'Service mappings per project.' },
  maxConcurrentVerifications: { default: 5, max: 100, description: 'Verifications running at once for the organization.' },
  maxAutoRetries: { default: 10, max: 1_000, description: 'Automatic re-checks of a temporary failure before the domain stalls.' },
  autoRetryIntervalHours: { default: 6, max: 168, description: 'Hours between automatic re-checks.' },
} as const satisfies Record<string, { default: number; max: number; description: string }>;

export type SettingName = keyof typeof LIMITS;
export const SETTING_NAMES = Object.keys(LIMITS) as SettingName[];
export type Limits = Record<SettingName, number>;
export const DEFAULT_LIMITS: Limits = Object.fromEntries(SETTING_NAMES.map((name) => [name, LIMITS[name].default])) as Limits;

/** One row per organization; created with the organization (or on first read for older ones). */
export const OrganizationSettingsSchema = defineEntity({
  name: 'OrganizationSettings',
  tableName: 'organization_settings',
  properties: {
    ...baseColumns,
    organization: () => p.oneToOne(Organization).owner().deleteRule('cascade'),
    maxDomains: p.integer().default(LIMITS.maxDomains.default),
    verificationRateLimitPerMinute: p.integer().default(LIMITS.verificationRateLimitPerMinute.default),
    maxMappingsPerProject: p.integer().default(LIMITS.maxMappingsPerProject.default),
    maxConcurrentVerifications: p.integer().default(LIMITS.maxConcurrentVerifications.default),
    maxAutoRetries: p.integer().default(LIMITS.maxAutoRetries.default),
    autoRetryIntervalHours: p.integer().default(LIMITS.autoRetryIntervalHours.default),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  checks: [{ name: 'organization_settings_limits_positive', expression: (c) => SETTING_NAMES.map((name) => `${c[name]} > 0`).join(' and ') }],
});
export class OrganizationSettings extends OrganizationSettingsSchema.class {}
OrganizationSettingsSchema.setClass(OrganizationSettings);
