import type { Principal } from '../../http/principal.ts';

export type WidgetPrincipal = Extract<Principal, { kind: 'widget' }>;

/**
 * Whether a widget token may connect `hostname` (normalised): any name without a hostname limit; otherwise the
 * limit itself, and the names under it when the token says `includeSubdomains`.
 */
export function widgetMayConnect(principal: WidgetPrincipal, hostname: string): boolean {
  const limit = principal.hostname;
  if (limit === null) return true;
  return hostname === limit || (principal.includeSubdomains && hostname.endsWith(`.${limit}`));
}

/**
 * Whether a widget token may see a domain of its project: one it may connect that carries no customer reference or
 * the token's own (another customer's domain stays invisible even under the same hostname limit).
 */
export function widgetMaySee(principal: WidgetPrincipal, domain: { hostname: string; customerRef?: string | null }): boolean {
  return widgetMayConnect(principal, domain.hostname) && (domain.customerRef == null || domain.customerRef === principal.customerRef);
}

/**
 * What a widget adds: a domain of the token's project (another project answers 404 further on), carrying the
 * token's customer reference whatever the body says, and marked as added through the widget (see the project's
 * default service). Other callers' input passes through unchanged, never marked.
 */
export function widgetDomainInput<T extends { projectId?: string | null; customerRef?: string | null }>(principal: Principal, input: T): T & { addedByWidget: boolean } {
  if (principal.kind !== 'widget') return { ...input, addedByWidget: false };
  return { ...input, projectId: input.projectId ?? principal.projectId, customerRef: principal.customerRef, addedByWidget: true };
}
