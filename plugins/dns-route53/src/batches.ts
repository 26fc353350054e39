/**
 * Route 53's limits on one ChangeResourceRecordSets request, and the split of a larger change set into requests
 * that each stay within them. Route 53 applies one request all or nothing; several requests are atomic one by
 * one only.
 */

/** Documented quotas of one change batch; an UPSERT counts each record and each character twice. */
export interface BatchLimits {
  /** `ResourceRecord` elements in one request. Route 53: 1000. */
  records: number;
  /** Characters of all `Value` elements in one request. Route 53: 32000. */
  characters: number;
}

export const ROUTE53_BATCH_LIMITS: BatchLimits = { records: 1000, characters: 32_000 };

/** One change as sent: the action and the record values in Route 53's form. */
export interface SizedChange {
  action: 'CREATE' | 'UPSERT' | 'DELETE';
  values: readonly string[];
}

/** What a change costs against the limits. */
export function costOf(change: SizedChange): BatchLimits {
  const factor = change.action === 'UPSERT' ? 2 : 1;
  const characters = change.values.reduce((sum, value) => sum + value.length, 0);
  return { records: change.values.length * factor, characters: characters * factor };
}

/**
 * The changes, in order, cut into consecutive batches within `limits`; the index ranges `[start, end)`. The
 * order is kept because it is the kernel's: deletes, then owner records, then the record sets they mark, so a
 * failure between two requests leaves at worst an owner record without its set, never a set without its owner
 * record. Throws `RangeError` when one change alone is over a limit: no split can send it.
 */
export function splitBatches(changes: readonly SizedChange[], limits: BatchLimits = ROUTE53_BATCH_LIMITS): Array<[number, number]> {
  const batches: Array<[number, number]> = [];
  let start = 0;
  let used: BatchLimits = { records: 0, characters: 0 };
  changes.forEach((change, i) => {
    const cost = costOf(change);
    if (!fits(cost, limits)) {
      throw new RangeError(
        `change ${i + 1} alone needs ${cost.records} records and ${cost.characters} characters; one Route 53 request allows ${limits.records} and ${limits.characters}`,
      );
    }
    const total = { records: used.records + cost.records, characters: used.characters + cost.characters };
    if (fits(total, limits)) {
      used = total;
      return;
    }
    batches.push([start, i]);
    start = i;
    used = cost;
  });
  if (changes.length > start) batches.push([start, changes.length]);
  return batches;
}

const fits = (cost: BatchLimits, limits: BatchLimits) => cost.records <= limits.records && cost.characters <= limits.characters;
