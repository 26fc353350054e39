import { isIP } from 'node:net';

/** Origins one project may allow at most. */
export const MAX_ALLOWED_ORIGINS = 50;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An origin as browsers send it in the `Origin` header: `scheme://host[:port]`, lower case, IDN as A-labels, the
 * default port left out. Only https, except http on loopback names (local development). No wildcards, paths,
 * queries, fragments or user info: an allowed origin is matched exactly. Returns the reason when refused.
 */
export function normalizeOrigin(input: string): { origin: string } | { reason: string } {
  const raw = input.trim();
  if (raw.includes('*')) return { reason: 'wildcards are not accepted; list each origin' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: 'must be an origin such as https://app.example.com' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { reason: 'must use https' };
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) return { reason: 'must use https (http only for localhost)' };
  if (url.username || url.password) return { reason: 'must not contain user info' };
  // `new URL` adds a `/` path to a bare origin; anything more was typed by the user.
  if (url.pathname !== '/' || url.search || url.hash || /^[a-z]+:\/\/[^/]+\/./i.test(raw) || raw.endsWith('?') || raw.endsWith('#')) {
    return { reason: 'must be scheme, host and port only (no path, query or fragment)' };
  }
  const host = url.hostname;
  if (!host || (!isIP(host.replace(/^\[|\]$/g, '')) && !host.includes('.') && host !== 'localhost')) return { reason: 'must name a full host' };
  return { origin: url.origin };
}
