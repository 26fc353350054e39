/**
 * Unified diffs for `DeliveryPreview.diff` (dry runs of edge deliveries), with jsdiff. One helper for every edge
 * plugin so their previews read alike: `--- a/<name>` / `+++ b/<name>` (or `/dev/null` for a missing side) and
 * hunks with three lines of context.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/** Edits beyond which the diff is not searched for: the whole text is shown replaced instead (still a valid diff). */
const MAX_EDIT_LENGTH = 20_000;

/**
 * The unified diff turning `before` into `after` for a file called `name`; `undefined` is a missing file.
 * `''` when both are equal.
 */
export function unifiedDiff(name: string, before: string | undefined, after: string | undefined): string {
  if (before === after) return '';
  const oldName = before === undefined ? '/dev/null' : `a/${name}`;
  const newName = after === undefined ? '/dev/null' : `b/${name}`;
  const options = { context: 3, headerOptions: FILE_HEADERS_ONLY, maxEditLength: MAX_EDIT_LENGTH };
  const patch = createTwoFilesPatch(oldName, newName, before ?? '', after ?? '', undefined, undefined, options);
  return patch ?? createTwoFilesPatch(oldName, newName, before ?? '', after ?? '', undefined, undefined, { context: Number.MAX_SAFE_INTEGER, headerOptions: FILE_HEADERS_ONLY });
}
