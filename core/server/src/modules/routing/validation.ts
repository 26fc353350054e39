import { normaliseBasePath, normaliseInternalPath, type PathCheck } from '@portico/kernel';

/**
 * Field rules of a service domain mapping (seed 002 FR-028–FR-031), each failure with a stable reason and, where
 * one exists, a corrected value to offer ("did you mean /api?").
 */
export interface FieldIssue {
  field: 'subdomain' | 'basePath' | 'internalPath' | 'internalPort' | 'stripPath' | 'redirectStatus';
  reason: string;
  message: string;
  suggestion?: string | number | boolean;
}

/** Base paths the suggestion engine offers (FR-049), in this order. */
export const SUGGESTED_BASE_PATHS = ['/v1', '/v2', '/v3', '/api', '/app', '/web', '/admin', '/dashboard'] as const;
/** Subdomains offered when a host is taken. */
export const SUGGESTED_SUBDOMAINS = ['app', 'api', 'www', 'portal', 'dashboard'] as const;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** FR-028: labels of letters, digits and inner hyphens, at most 63 each; a leading `*` label makes a wildcard. */
export function checkSubdomain(raw: string | null | undefined): { value: string | null; issue?: FieldIssue } {
  if (raw === undefined || raw === null || raw.trim() === '') return { value: null };
  const value = raw.trim().toLowerCase().replace(/\.+$/, '');
  const labels = value.split('.');
  const bad = labels.find((label, i) => !(LABEL.test(label) || (i === 0 && label === '*')));
  if (bad === undefined) return { value };
  const fixed = labels
    .map((label) => label.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63))
    .filter(Boolean)
    .join('.');
  const reason = bad.length > 63 ? 'label_too_long' : bad === '' ? 'empty_label' : 'invalid_characters';
  return {
    value,
    issue: { field: 'subdomain', reason, message: `"${raw}" is not a valid subdomain: use letters, digits and hyphens, at most 63 per label.`, ...(fixed ? { suggestion: fixed } : {}) },
  };
}

/**
 * The kernel's path rules (`normaliseBasePath` / `normaliseInternalPath` in @portico/kernel's routing.ts) are the
 * ones every edge renderer and the routing preview use, so the API accepts exactly what routes can carry. A base
 * path with a trailing slash is refused here (FR-029) rather than silently trimmed, with the trimmed one offered.
 */
function checkPath(field: 'basePath' | 'internalPath', raw: string | undefined, check: (input: string) => PathCheck): { value: string; issue?: FieldIssue } {
  const input = raw ?? '/';
  const result = check(input);
  if (!result.ok) {
    return { value: input, issue: { field, reason: result.reason, message: result.message, ...(result.suggestion === undefined ? {} : { suggestion: result.suggestion }) } };
  }
  if (field === 'basePath' && input.length > 1 && input.endsWith('/')) {
    return { value: input, issue: { field, reason: 'trailing_slash', message: 'A base path has no trailing slash (except "/" itself).', suggestion: result.path } };
  }
  return { value: result.path };
}

/** FR-029: starts with "/", no trailing slash except "/", URL-safe, at most 255 characters. */
export const checkBasePath = (raw: string | undefined) => checkPath('basePath', raw, normaliseBasePath);
/** FR-030: starts with "/", URL-safe. */
export const checkInternalPath = (raw: string | undefined) => checkPath('internalPath', raw, normaliseInternalPath);

/** FR-031. */
export function checkPort(port: number): FieldIssue | undefined {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return undefined;
  const suggestion = Number.isFinite(port) ? Math.min(65535, Math.max(1, Math.round(port))) : undefined;
  return { field: 'internalPort', reason: 'out_of_range', message: 'The port must be a whole number from 1 to 65535.', ...(suggestion ? { suggestion } : {}) };
}

/** The notices FR-038/FR-039 ask the console to show for a protocol mode. */
export function protocolNotice(protocol: string): string | null {
  if (protocol === 'http') return 'Not recommended for production. Traffic will not be encrypted.';
  if (protocol === 'both') return 'Services will accept both protocols. Consider enabling auto-redirect for better security.';
  return null;
}
