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
// RFC 3986 pchar without '%'-less oddities: unreserved, sub-delims, ':', '@', and percent-encoded octets.
const SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})+$/;

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

function checkPath(field: 'basePath' | 'internalPath', raw: string | undefined, maxLength: number): { value: string; issue?: FieldIssue } {
  const input = raw ?? '/';
  const issue = (reason: string, message: string, suggestion?: string): { value: string; issue: FieldIssue } => ({
    value: input,
    issue: { field, reason, message, ...(suggestion !== undefined && suggestion !== input ? { suggestion } : {}) },
  });
  const cleaned = `/${input.trim().replace(/[?#].*$/, '').split('/').filter((s) => s !== '' && s !== '.' && s !== '..').map((s) => encodeURI(s)).join('/')}`;
  if (input.length > maxLength) return issue('too_long', `The path is longer than ${maxLength} characters.`);
  if (!input.startsWith('/')) return issue('missing_leading_slash', 'The path must start with "/".', cleaned);
  if (/[?#]/.test(input)) return issue('query_or_fragment', 'A path cannot carry a query (?) or fragment (#).', cleaned);
  if (input === '/') return { value: '/' };
  if (field === 'basePath' && input.endsWith('/')) return issue('trailing_slash', 'A base path has no trailing slash (except "/" itself).', cleaned);
  const segments = input.replace(/\/$/, '').slice(1).split('/');
  if (segments.some((s) => s === '')) return issue('empty_segment', 'The path has an empty segment (//).', cleaned);
  if (segments.some((s) => s === '.' || s === '..')) return issue('dot_segment', 'The path cannot contain "." or ".." segments.', cleaned);
  if (!segments.every((s) => SEGMENT.test(s))) return issue('invalid_characters', 'Use URL-safe characters only (percent-encode others).', cleaned);
  return { value: input };
}

/** FR-029: starts with "/", no trailing slash except "/", URL-safe, at most 255 characters. */
export const checkBasePath = (raw: string | undefined) => checkPath('basePath', raw, 255);
/** FR-030: starts with "/", URL-safe. */
export const checkInternalPath = (raw: string | undefined) => checkPath('internalPath', raw, 255);

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
