/** Lower case, no surrounding space, no trailing dot: the form every name is compared and shown in. */
export function normaliseHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The placeholder `canonicalHost` templates carry; replaced by the domain's token. */
export const TOKEN_PLACEHOLDER = '{token}';

/** `canonicalHost` with the token filled in: `{token}.edge.saas.example` → `k3jd9….edge.saas.example`. */
export function fillTemplate(template: string, token: string): string {
  return normaliseHost(template.replace(TOKEN_PLACEHOLDER, token));
}

/** Whether `host` has the template's shape with some other token: the target of an earlier attempt. */
export function matchesTemplate(template: string, host: string): boolean {
  const [prefix, suffix] = normaliseHost(template).split(TOKEN_PLACEHOLDER);
  return suffix !== undefined && host.length > prefix.length + suffix.length && host.startsWith(prefix) && host.endsWith(suffix);
}

/** How users are told a new record may take to show up; Portico keeps checking meanwhile. */
export const PROPAGATION_HINT =
  'DNS changes usually appear within a few minutes but can take up to 48 hours at some providers; Portico keeps checking';
