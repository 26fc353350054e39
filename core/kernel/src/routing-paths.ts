/**
 * Paths as routing sees them: the checks and canonical forms of base and internal paths (the server's mapping
 * validation uses them), and how a request path is split, normalised and joined. The rules are stated in
 * routing.ts, the contract file; this is its path half.
 */

/** Why a base or internal path was refused. Stable codes: the server maps them to validation messages. */
export const PATH_ISSUES = ['missing_leading_slash', 'query_or_fragment', 'empty_segment', 'dot_segment', 'invalid_character', 'too_long'] as const;
export type PathIssue = (typeof PATH_ISSUES)[number];

/** A checked path: the canonical form, or why it was refused with a corrected path to suggest when there is one. */
export type PathCheck = { ok: true; path: string } | { ok: false; reason: PathIssue; message: string; suggestion?: string };

/** A base path is at most 255 characters. */
export const MAX_BASE_PATH_LENGTH = 255;

const UNRESERVED = /^[A-Za-z0-9._~-]+$/;

/** Decode percent-encoded unreserved characters (RFC 3986 §2.3), leaving every other escape as it is. */
export function decodeUnreserved(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape;
  });
}

const MESSAGES: Record<PathIssue, string> = {
  missing_leading_slash: 'The path must start with "/".',
  query_or_fragment: 'The path must not contain "?" or "#": a query or fragment is not part of a path.',
  empty_segment: 'The path must not contain "//".',
  dot_segment: 'The path must not contain "." or ".." segments.',
  invalid_character: 'The path may only contain letters, digits, "-", ".", "_", "~" and "/".',
  too_long: `The path must be at most ${MAX_BASE_PATH_LENGTH} characters.`,
};

function firstIssue(input: string, keepTrailingSlash: boolean, maxLength: number): PathIssue | undefined {
  if (/[?#]/.test(input)) return 'query_or_fragment';
  if (!input.startsWith('/')) return 'missing_leading_slash';
  const segments = decodeUnreserved(input).slice(1).split('/');
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  if (input !== '/' && segments.includes('')) return 'empty_segment';
  if (segments.some((s) => s === '.' || s === '..')) return 'dot_segment';
  if (segments.some((s) => s !== '' && !UNRESERVED.test(s))) return 'invalid_character';
  if (canonical(input, keepTrailingSlash).length > maxLength) return 'too_long';
  return undefined;
}

/** The canonical form of a path `firstIssue` accepted. */
function canonical(input: string, keepTrailingSlash: boolean): string {
  const path = decodeUnreserved(input);
  return !keepTrailingSlash && path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function decodeAll(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Best effort at what the user meant (`/my path` → `/my-path`, `v1` → `/v1`); only offered when it is itself
 * valid, and never `/` for a path that had content (that would mean "no base path", not a correction).
 */
function suggest(input: string, keepTrailingSlash: boolean, maxLength: number): string | undefined {
  const path = decodeAll(input.trim().split(/[?#]/)[0] ?? '');
  const segments = path
    .replace(/[^A-Za-z0-9._~/-]+/g, '-')
    .split('/')
    .map((s) => s.replace(/^-+|-+$/g, ''))
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  const trailing = keepTrailingSlash && segments.length > 0 && path.endsWith('/') ? '/' : '';
  const suggestion = `/${segments.join('/')}${trailing}`;
  if (suggestion === '/' && /[^/.\s]/.test(path)) return undefined;
  return firstIssue(suggestion, keepTrailingSlash, maxLength) === undefined ? suggestion : undefined;
}

function checkPath(input: string, keepTrailingSlash: boolean, maxLength: number): PathCheck {
  if (input === '') return { ok: true, path: '/' };
  const reason = firstIssue(input, keepTrailingSlash, maxLength);
  if (reason === undefined) return { ok: true, path: canonical(input, keepTrailingSlash) };
  const suggestion = reason === 'too_long' ? undefined : suggest(input, keepTrailingSlash, maxLength);
  return suggestion === undefined ? { ok: false, reason, message: MESSAGES[reason] } : { ok: false, reason, message: MESSAGES[reason], suggestion };
}

/**
 * The canonical external base path: `/`, or `/seg/seg` without a trailing slash. Empty means `/`; a
 * trailing slash is dropped (`/api/` → `/api`); percent-encoded unreserved characters are decoded (`/%61pi` →
 * `/api`). Refused, with a reason code and, when one can be derived, a valid `suggestion`: no leading slash, a
 * query or fragment, an empty (`//`) or dot segment, a character outside `A-Z a-z 0-9 - . _ ~`, more than 255
 * characters.
 *
 * @example normaliseBasePath('/v1/') // { ok: true, path: '/v1' }
 * @example normaliseBasePath('/my path') // { ok: false, reason: 'invalid_character', message, suggestion: '/my-path' }
 */
export function normaliseBasePath(input: string): PathCheck {
  return checkPath(input, false, MAX_BASE_PATH_LENGTH);
}

/**
 * The canonical internal path: where the upstream service listens, `/` by default. The rules of
 * `normaliseBasePath`, except that a trailing slash is kept (`/svc/` forwards `/svc/` for exactly the base path,
 * `/svc/x` below it) and there is no length limit.
 */
export function normaliseInternalPath(input: string): PathCheck {
  return checkPath(input, true, Number.POSITIVE_INFINITY);
}

/** A request path split into raw segments after merging slashes and removing dot segments (rule 1 above). */
export interface RequestPath {
  segments: string[];
  trailingSlash: boolean;
}

export function parseRequestPath(raw: string): RequestPath {
  const parts = raw.split('/').slice(1);
  const segments: string[] = [];
  let trailingSlash = false;
  parts.forEach((part, i) => {
    const dot = decodeUnreserved(part);
    const last = i === parts.length - 1;
    trailingSlash = last && (part === '' || dot === '.' || dot === '..');
    if (dot === '..') segments.pop();
    else if (part !== '' && dot !== '.') segments.push(part);
  });
  return { segments, trailingSlash };
}

export function formatPath(segments: readonly string[], trailingSlash: boolean): string {
  if (segments.length === 0) return '/';
  return `/${segments.join('/')}${trailingSlash ? '/' : ''}`;
}

export function joinPaths(internal: string, rest: string): string {
  if (rest === '') return internal;
  if (internal === '/') return rest;
  return internal.endsWith('/') ? internal + rest.slice(1) : internal + rest;
}

/** Split a request target into path and query (`undefined` query: no `?`); `undefined` when it is no path. */
export function splitTarget(target: string): { path: string; query?: string } | undefined {
  const [beforeFragment = ''] = target.split('#', 1);
  const mark = beforeFragment.indexOf('?');
  const path = mark < 0 ? beforeFragment : beforeFragment.slice(0, mark);
  const withPath = path === '' ? '/' : path;
  if (!withPath.startsWith('/') || /\s|\p{Cc}|%(?![0-9A-Fa-f]{2})/u.test(withPath)) return undefined;
  return mark < 0 ? { path: withPath } : { path: withPath, query: beforeFragment.slice(mark + 1) };
}
