import type { Role } from '@/api/session';

export interface NavItem {
  to: string;
  /** Key under common.shell.nav. */
  label: string;
  minimumRole?: Role;
}

/** The organization's pages in the sidebar, in the order a team uses them. */
export const ORGANIZATION_NAV: NavItem[] = [
  { to: '/domains', label: 'domains' },
  { to: '/projects', label: 'projects' },
  { to: '/providers', label: 'providers' },
  { to: '/webhooks', label: 'webhooks', minimumRole: 'admin' },
  { to: '/api-keys', label: 'apiKeys', minimumRole: 'admin' },
  { to: '/usage', label: 'usage' },
  { to: '/billing', label: 'billing' },
  { to: '/team', label: 'team' },
  { to: '/settings', label: 'settings' },
  { to: '/audit', label: 'audit', minimumRole: 'admin' },
];

/** The instance operator's pages (only for operators). */
export const OPERATOR_NAV: NavItem[] = [
  { to: '/operator/edges', label: 'edges' },
  { to: '/operator/organizations', label: 'organizations' },
  { to: '/operator/plans', label: 'plans' },
];
