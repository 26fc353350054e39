/**
 * Every page of the console, lazy-loaded, with what it needs: `public` pages work signed out; the rest need a
 * session and (unless `noOrganization`) an organization; `operator` pages need an instance operator; `minimumRole`
 * hides a page's nav entry from roles below it (the API still decides: a view shows its permission-denied state
 * on a 403). Paths match the links Portico puts in its emails (/domains/<id>, /reset-password, …).
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from '@/api/session';
import { useSessionStore } from '@/stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable signed out (sign-in, sign-up, password reset, invitation links). */
    public?: boolean;
    /** Signed-in pages that make sense before the user has an organization. */
    noOrganization?: boolean;
    /** Only for instance operators. */
    operator?: boolean;
    /** The lowest organization role the page is for (its nav entry is hidden below it). */
    minimumRole?: Role;
    /** Shown without the navigation shell. */
    bare?: boolean;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/domains' },
  { path: '/sign-in', name: 'sign-in', component: () => import('@/views/auth/SignInView.vue'), meta: { public: true, bare: true } },
  { path: '/sign-up', name: 'sign-up', component: () => import('@/views/auth/SignUpView.vue'), meta: { public: true, bare: true } },
  { path: '/forgot-password', name: 'forgot-password', component: () => import('@/views/auth/PasswordResetRequestView.vue'), meta: { public: true, bare: true } },
  { path: '/reset-password', name: 'reset-password', component: () => import('@/views/auth/PasswordResetView.vue'), meta: { public: true, bare: true } },
  { path: '/invitations/accept', name: 'invitation-accept', component: () => import('@/views/members/InvitationAcceptView.vue'), meta: { public: true, bare: true } },
  { path: '/welcome', name: 'welcome', component: () => import('@/views/organizations/OrganizationCreateView.vue'), meta: { noOrganization: true, bare: true } },
  { path: '/profile', name: 'profile', component: () => import('@/views/auth/ProfileView.vue'), meta: { noOrganization: true } },

  { path: '/domains', name: 'domains', component: () => import('@/views/domains/DomainListView.vue') },
  { path: '/domains/new', name: 'domain-connect', component: () => import('@/views/domains/DomainConnectView.vue') },
  { path: '/domains/:domainId', name: 'domain', component: () => import('@/views/domains/DomainDetailView.vue'), props: true },

  { path: '/projects', name: 'projects', component: () => import('@/views/projects/ProjectListView.vue') },
  {
    path: '/projects/:projectId',
    component: () => import('@/views/projects/ProjectDetailView.vue'),
    props: true,
    children: [
      { path: '', name: 'project', component: () => import('@/views/projects/ProjectDomainsView.vue'), props: true },
      { path: 'routing', name: 'project-routing', component: () => import('@/views/routing/ProjectRoutingView.vue'), props: true },
      { path: 'dns', name: 'project-dns', component: () => import('@/views/dns/ProjectDnsCredentialsView.vue'), props: true },
      { path: 'widget', name: 'project-widget', component: () => import('@/views/widget/ProjectWidgetView.vue'), props: true },
      { path: 'settings', name: 'project-settings', component: () => import('@/views/projects/ProjectSettingsView.vue'), props: true },
    ],
  },
  { path: '/api-keys', name: 'api-keys', component: () => import('@/views/api-keys/ApiKeyListView.vue'), meta: { minimumRole: 'admin' } },
  { path: '/providers', name: 'providers', component: () => import('@/views/dns/ProviderListView.vue') },
  { path: '/webhooks', name: 'webhooks', component: () => import('@/views/webhooks/WebhookListView.vue'), meta: { minimumRole: 'admin' } },
  { path: '/webhooks/:webhookId', name: 'webhook', component: () => import('@/views/webhooks/WebhookDetailView.vue'), props: true, meta: { minimumRole: 'admin' } },
  { path: '/usage', name: 'usage', component: () => import('@/views/plans/UsageView.vue') },
  { path: '/billing', name: 'billing', component: () => import('@/views/plans/BillingView.vue') },
  { path: '/team', name: 'team', component: () => import('@/views/members/TeamView.vue') },
  { path: '/settings', name: 'settings', component: () => import('@/views/organizations/OrganizationSettingsView.vue') },
  { path: '/audit', name: 'audit', component: () => import('@/views/audit/AuditLogView.vue'), meta: { minimumRole: 'admin' } },
  { path: '/notifications', name: 'notifications', component: () => import('@/views/notifications/NotificationListView.vue'), meta: { noOrganization: true } },

  { path: '/operator/edges', name: 'operator-edges', component: () => import('@/views/operator/EdgeListView.vue'), meta: { operator: true, noOrganization: true } },
  { path: '/operator/organizations', name: 'operator-organizations', component: () => import('@/views/operator/OrganizationListView.vue'), meta: { operator: true, noOrganization: true } },
  { path: '/operator/plans', name: 'operator-plans', component: () => import('@/views/operator/PlanListView.vue'), meta: { operator: true, noOrganization: true } },

  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { public: true } },
];

export function createConsoleRouter() {
  const router = createRouter({ history: createWebHistory(), routes, scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 } });

  router.beforeEach(async (to) => {
    const session = useSessionStore();
    try {
      await session.load();
    } catch {
      // The server is unreachable: public pages still render, and the shell shows the offline state.
      return true;
    }
    if (to.meta.public) {
      if (session.signedIn && (to.name === 'sign-in' || to.name === 'sign-up')) return typeof to.query.redirect === 'string' && to.query.redirect.startsWith('/') ? to.query.redirect : '/domains';
      return true;
    }
    if (!session.signedIn) return { name: 'sign-in', query: { redirect: to.fullPath } };
    if (!to.meta.noOrganization && session.organizations.length === 0) return { name: 'welcome' };
    return true;
  });

  return router;
}
