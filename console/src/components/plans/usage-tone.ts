import type { Tone } from '@/components/ui/StatusChip.vue';

/** At or above this share of a limit, usage is "near the limit". */
export const NEAR_LIMIT_SHARE = 0.8;

export type UsageLevel = 'ok' | 'near' | 'reached' | 'unlimited';

/** How close `used` is to `limit` (null: no limit). */
export function usageLevel(used: number, limit: number | null): UsageLevel {
  if (limit === null) return 'unlimited';
  if (used >= limit) return 'reached';
  return used >= limit * NEAR_LIMIT_SHARE ? 'near' : 'ok';
}

export const LEVEL_TONE: Record<UsageLevel, Tone> = { ok: 'success', near: 'warning', reached: 'danger', unlimited: 'neutral' };

/** The share used, 0–100 (whole percent), or null without a limit. */
export function usagePercent(used: number, limit: number | null): number | null {
  if (limit === null) return null;
  if (limit === 0) return 100;
  return Math.min(100, Math.round((used / limit) * 100));
}
