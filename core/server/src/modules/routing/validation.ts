import { isIPv4, isIPv6 } from 'node:net';
import { forbiddenUpstream, inAddressRange, normaliseBasePath, normaliseInternalPath, parseAddressRange, type AddressRange, type ForbiddenUpstream, type PathCheck } from '@portico/kernel';

/**
 * Field rules of a service domain mapping, each failure with a stable reason and, where
 * one exists, a corrected value to offer ("did you mean /api?").
 */
export interface FieldIssue {
  field: 'subdomain' | 'basePath' | 'internalPath' | 'internalPort' | 'stripPath' | 'redirectStatus' | 'upstreamHost' | 'upstreamPort';
  reason: string;
  message: string;
  suggestion?: string | number | boolean;
}

/** Base paths the suggestion engine offers, in this order. */
export const SUGGESTED_BASE_PATHS = ['/v1', '/v2', '/v3', '/api', '/app', '/web', '/admin', '/dashboard'] as const;
/** Subdomains offered when a host is taken. */
export const SUGGESTED_SUBDOMAINS = ['app', 'api', 'www', 'portal', 'dashboard'] as const;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Subdomain: labels of letters, digits and inner hyphens, at most 63 each; a leading `*` label makes a wildcard. */
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
 * path with a trailing slash is refused here rather than silently trimmed, with the trimmed one offered.
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

/** Base path: starts with "/", no trailing slash except "/", URL-safe, at most 255 characters. */
export const checkBasePath = (raw: string | undefined) => checkPath('basePath', raw, normaliseBasePath);
/** Internal path: starts with "/", URL-safe. */
export const checkInternalPath = (raw: string | undefined) => checkPath('internalPath', raw, normaliseInternalPath);

/** Port: a whole number from 1 to 65535. */
export function checkPort(port: number): FieldIssue | undefined {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return undefined;
  const suggestion = Number.isFinite(port) ? Math.min(65535, Math.max(1, Math.round(port))) : undefined;
  return { field: 'internalPort', reason: 'out_of_range', message: 'The port must be a whole number from 1 to 65535.', ...(suggestion ? { suggestion } : {}) };
}

/** The warning the console shows for a protocol mode: HTTP only and both get one, HTTPS none. */
export function protocolNotice(protocol: string): string | null {
  if (protocol === 'http') return 'Not recommended for production. Traffic will not be encrypted.';
  if (protocol === 'both') return 'Services will accept both protocols. Consider enabling auto-redirect for better security.';
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Upstreams: where a service's traffic goes
// ---------------------------------------------------------------------------------------------------------

/** One entry of `routing.upstreams`: a network (CIDR or IP), any host name (`*`), a name suffix (`*.x`) or a name. */
export type UpstreamPattern = { kind: 'range'; range: AddressRange } | { kind: 'any-name' } | { kind: 'suffix'; suffix: string } | { kind: 'name'; name: string };

/** The operator's allow- and deny-lists, parsed once (`compileUpstreamPolicy`). */
export interface UpstreamPolicy {
  /** Undefined: every destination the fixed rules let through. */
  allow?: UpstreamPattern[];
  deny: UpstreamPattern[];
}

/** A host name of LDH labels (at most 63 each, 253 in all) whose last label is not a number, as URL parsers read `0x7f.1` or `2130706433` as IPv4. */
function isHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) return false;
  const last = labels[labels.length - 1];
  return !/^(?:\d+|0x[0-9a-f]*)$/.test(last);
}

/** `routing.upstreams` entry syntax; undefined when `text` is none of the accepted forms. */
export function parseUpstreamPattern(text: string): UpstreamPattern | undefined {
  const value = text.trim().toLowerCase().replace(/(?<=[a-z0-9])\.$/, '');
  const range = parseAddressRange(value);
  if (range) return { kind: 'range', range };
  if (value === '*') return { kind: 'any-name' };
  if (value.startsWith('*.') && isHostName(value.slice(2))) return { kind: 'suffix', suffix: value.slice(1) };
  return isHostName(value) ? { kind: 'name', name: value } : undefined;
}

export function compileUpstreamPolicy(config: { allow?: string[]; deny?: string[] }): UpstreamPolicy {
  const parse = (list: string[]) =>
    list.map((text) => {
      const pattern = parseUpstreamPattern(text);
      if (!pattern) throw new TypeError(`routing.upstreams: "${text}" is not a CIDR, an IP address, "*", "*.<name>" or a host name`);
      return pattern;
    });
  return { ...(config.allow ? { allow: parse(config.allow) } : {}), deny: parse(config.deny ?? []) };
}

function matchesPattern(pattern: UpstreamPattern, host: string, ip: boolean): boolean {
  if (pattern.kind === 'range') return ip && inAddressRange(host, pattern.range);
  if (ip) return false;
  if (pattern.kind === 'any-name') return true;
  return pattern.kind === 'suffix' ? host.endsWith(pattern.suffix) : host === pattern.name;
}

/** What a URL parser makes of `raw` (`http://web:8080/x` → `web`), to offer when it is a usable host. */
function hostInside(raw: string): string | undefined {
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`).hostname.replace(/^\[|\]$/g, '');
    // Only a host written out in `raw`: `0x7f.1` is not offered as the 127.0.0.1 a URL parser reads it as.
    return host !== raw && raw.toLowerCase().includes(host) && (isHostName(host) || isIPv4(host) || isIPv6(host)) ? host : undefined;
  } catch {
    return undefined;
  }
}

const FORBIDDEN_AS: Record<ForbiddenUpstream, string> = {
  link_local: 'a link-local address (cloud metadata services live there)',
  metadata: 'a cloud metadata service',
  unspecified: 'the unspecified address, not a destination',
  multicast: 'a multicast address, not a destination',
};

/**
 * A service's upstream host: a host name (LDH labels; lower-cased, a trailing dot dropped) or an IP literal (IPv6
 * with or without brackets, stored without; no zone). Never a link-local address (cloud metadata services live
 * there), a known metadata service by name or address, the unspecified address or a multicast one; beyond that,
 * what the operator's `routing.upstreams` allows. Names are not resolved here: IP rules apply to IP literals, name
 * patterns to names.
 */
export function checkUpstreamHost(raw: string, policy: UpstreamPolicy): { value: string; issue?: FieldIssue } {
  const trimmed = raw.trim();
  const bracketed = /^\[(.*)\]$/.exec(trimmed);
  const value = bracketed ? bracketed[1].toLowerCase() : trimmed.toLowerCase().replace(/\.$/, '');
  const issue = (reason: string, message: string, suggestion?: string): { value: string; issue: FieldIssue } => ({
    value,
    issue: { field: 'upstreamHost', reason, message, ...(suggestion === undefined ? {} : { suggestion }) },
  });
  const ip = isIPv4(value) || (isIPv6(value) && !value.includes('%'));
  if (!ip && (bracketed || !isHostName(value))) {
    const suggestion = hostInside(trimmed);
    return issue('invalid_host', `"${raw}" is not a host name or an IP address: give only the name or address (no scheme, path, port or spaces; the port is upstreamPort).`, suggestion);
  }
  const forbidden = forbiddenUpstream(value);
  if (forbidden !== undefined) return issue(forbidden, `${value} is ${FORBIDDEN_AS[forbidden]}; Portico never routes to one.`);
  const listed = (patterns: UpstreamPattern[]) => patterns.some((pattern) => matchesPattern(pattern, value, ip));
  if (listed(policy.deny) || (policy.allow !== undefined && !listed(policy.allow))) {
    return issue('not_allowed', `${value} is not among the upstreams this installation allows (routing.upstreams); ask its operator.`);
  }
  return { value };
}
