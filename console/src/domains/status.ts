/**
 * Domain statuses as the console shows them: the 16 statuses of the API's Domain schema, the tone each one is shown
 * in (the same tones as the server's lifecycle table; a test compares them), and the groups the domain list filters
 * by. A group is derived from the tone, so a status added with its tone lands in the right filter by itself.
 */
import type { Schemas } from '@/api/client';

export type DomainStatus = Schemas['Domain']['status'];
export type StatusTone = Schemas['Domain']['statusTone'];

/** Every status, in lifecycle order. `satisfies` keeps the list complete: a missing or unknown status fails to compile. */
const ALL = {
  pending: 'warning',
  verifying: 'progress',
  verified: 'success',
  failed_temporary: 'warning',
  failed_permanent: 'danger',
  stalled: 'danger',
  propagating: 'progress',
  issuing: 'progress',
  cert_failed: 'danger',
  deploying: 'progress',
  live: 'success',
  drifted: 'danger',
  suspended: 'danger',
  taken_over: 'danger',
  disabled: 'neutral',
  archived: 'neutral',
} as const satisfies Record<DomainStatus, StatusTone>;

export const DOMAIN_STATUSES = Object.keys(ALL) as DomainStatus[];

export function isDomainStatus(value: unknown): value is DomainStatus {
  return typeof value === 'string' && Object.hasOwn(ALL, value);
}

/** The tone a status is shown in (StatusChip's `tone`). */
export function toneOf(status: DomainStatus): StatusTone {
  return ALL[status];
}

/** The i18n key of a status's label. */
export const statusLabelKey = (status: DomainStatus): string => `domains.status.${status}`;

/** Filter groups of the domain list; their labels are `domains.statusGroup.<group>`. */
export const STATUS_GROUPS = ['attention', 'progress', 'healthy', 'inactive'] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

const GROUP_OF_TONE: Record<StatusTone, StatusGroup> = {
  warning: 'attention',
  danger: 'attention',
  progress: 'progress',
  success: 'healthy',
  neutral: 'inactive',
};

/** The group a status belongs to: needs attention (warning, danger), in progress, healthy (verified, live), inactive. */
export function groupOf(status: DomainStatus): StatusGroup {
  return GROUP_OF_TONE[toneOf(status)];
}

/** The statuses of a group, in lifecycle order. */
export function statusesOf(group: StatusGroup): DomainStatus[] {
  return DOMAIN_STATUSES.filter((s) => groupOf(s) === group);
}
