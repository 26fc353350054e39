import type { DnsDiff } from '@/api/domains';
import type { StatusTone as Tone } from '@/domains/status';

/**
 * How one record of the DNS diff reads: ok, missing, wrong (with what was found) — and, honestly, "could not
 * check" when the servers did not answer, which is never shown as missing.
 */
export interface DiffRowView {
  tone: Tone;
  /** i18n key of the result's label. */
  labelKey: string;
  /** What the servers answered; null when they could not be asked. */
  found: string[] | null;
}

type DnsDiffRecord = DnsDiff['records'][number];

const TONES: Record<DnsDiffRecord['status'], Tone> = { ok: 'success', missing: 'warning', different: 'danger', unknown: 'neutral' };

export function diffRowView(record: DnsDiffRecord): DiffRowView {
  return {
    tone: TONES[record.status],
    labelKey: `domains.detail.diff.status.${record.status}`,
    found: record.status === 'unknown' ? null : record.current,
  };
}
