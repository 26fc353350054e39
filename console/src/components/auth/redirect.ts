/**
 * Where the console may send the browser after signing in: only a path of this site ("/domains", "/invitations/
 * accept#token=…"). Anything else ("//evil.example", "https://…", "/\\evil.example", not a string) falls back to
 * /domains, so a crafted sign-in link cannot send a user away.
 */
export const DEFAULT_AFTER_SIGN_IN = '/domains';

export function safeRedirect(value: unknown): string {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (typeof candidate !== 'string' || !candidate.startsWith('/')) return DEFAULT_AFTER_SIGN_IN;
  if (candidate.startsWith('//') || candidate.startsWith('/\\')) return DEFAULT_AFTER_SIGN_IN;
  // Control characters and backslashes turn into host separators in some URL parsers.
  if (candidate.includes('\\') || [...candidate].some((c) => c.charCodeAt(0) < 0x20)) return DEFAULT_AFTER_SIGN_IN;
  return candidate;
}

/**
 * The `token` of a link whose secret travels in the URL fragment (`#token=…`: never sent to a server, never in a
 * Referer), as the password-reset and invitation emails have it; null when absent.
 */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim();
  return token ? token : null;
}
