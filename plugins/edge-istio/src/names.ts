/**
 * Names and label values of the rendered objects: DNS-1123 labels derived from hostnames (distinct hostnames get
 * distinct names), the Secret of a hostname's certificate, and the tenant label kubectl's prune selects by.
 */
import { createHash } from 'node:crypto';

/** Labels on every rendered object: who manages it, its host, its tenant (kubectl's prune selects by it). */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'portico' } as const;
export const HOST_LABEL = 'portico.dev/host';
export const TENANT_LABEL = 'portico.dev/tenant';

/** The longest DNS-1123 label, label name and label value. */
export const MAX_NAME = 63;

const shortHash = (value: string, length = 8) => createHash('sha256').update(value).digest('hex').slice(0, length);

/**
 * A DNS-1123 label (≤ `max` characters) named after a hostname: `shop.my-brand.com` → `shop-my--brand-com` (`-` is
 * doubled and `.` becomes `-`, so distinct hostnames get distinct names). Wildcards, other characters and names
 * too long get a short hash of the value: `*.example.com` → `wildcard-example-com-1a2b3c4d`.
 */
export function dnsLabel(value: string, max = MAX_NAME): string {
  const lower = value.toLowerCase();
  const slug = lower.replace(/-/g, '--').replace(/\./g, '-');
  if (slug.length <= max && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(slug)) return slug;
  const hash = shortHash(value);
  const readable = lower.replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${readable.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`.replace(/^-/, '');
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The `portico.dev/tenant` label value of a tenant: the tenant itself when it is a valid label value
 * (`acme.storefront`), else a readable part and a hash joined by `_` (`_default` → `default_1a2b3c4d5e`). Tenant
 * slugs never contain `_`, so the two forms cannot collide: kubectl's prune selector of one tenant never matches
 * another tenant's objects.
 */
export function tenantLabel(tenant: string): string {
  if (tenant.length <= MAX_NAME && LABEL_VALUE.test(tenant)) return tenant;
  const hash = shortHash(tenant, 10);
  const readable = tenant.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const head = readable.slice(0, MAX_NAME - hash.length - 1).replace(/[^A-Za-z0-9]+$/, '');
  return head === '' ? hash : `${head}_${hash}`;
}

/** `<name>-<suffix>` as a DNS-1123 label: when too long, `name` is cut and a hash of it keeps it distinct. */
export function suffixed(name: string, suffix: string): string {
  const whole = `${name}-${suffix}`;
  if (whole.length <= MAX_NAME) return whole;
  const hash = shortHash(name);
  return `${name.slice(0, MAX_NAME - suffix.length - hash.length - 2).replace(/-+$/, '')}-${hash}-${suffix}`;
}

/** The Secret cert-manager writes a hostname's certificate to. */
export const secretNameOf = (hostname: string) => `portico-tls-${dnsLabel(hostname, 51)}`;
