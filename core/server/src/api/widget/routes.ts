import { z } from 'zod';
import type { Principal } from '../../http/principal.ts';
import { defineRoute } from '../../http/route.ts';
import { MAX_ALLOWED_ORIGINS, normalizeOrigin } from '../../modules/widget/origins.ts';
import type { WidgetPrincipal } from '../../modules/widget/scope.ts';
import { WIDGET_DOMAINS_LIMIT, WIDGET_TOKEN_DEFAULT_SECONDS, WIDGET_TOKEN_MAX_SECONDS, type WidgetSettingsView } from '../../modules/widget/service.ts';
import { createCredentialBody } from '../dns-credentials/schemas.ts';
import { customerRef, domainSchema, viewDomain } from '../domains/schemas.ts';
import { uuid } from '../schemas.ts';

/** The widget token of an `auth: 'widget'` route (the router admits nothing else there). */
function widgetOf(principal: Principal): WidgetPrincipal {
  if (principal.kind !== 'widget') throw new Error('unreachable: auth "widget" admits widget tokens only');
  return principal;
}

const origin = z.string().max(300).transform((value, ctx) => {
  const result = normalizeOrigin(value);
  if ('reason' in result) {
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  }
  return result.origin;
});

const settingsSchema = z
  .object({
    projectId: z.string(),
    allowedOrigins: z.array(z.string()).meta({ description: 'Page origins allowed to run the widget with this project’s tokens.' }),
    defaultServiceId: z
      .string()
      .nullable()
      .meta({ description: 'While set, every domain added through the widget is mapped to this service (the domain itself, path /) once verified, and goes live with no step by you. Null: such domains stop at verified.' }),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'WidgetSettings' });
const settingsView = (s: WidgetSettingsView) => ({ ...s, updatedAt: s.updatedAt?.toISOString() ?? null });
const projectParams = z.object({ projectId: uuid });

/** Embedding the Connect widget: tokens issued to the SaaS's server, the origins allowed to use them, the widget's own session. */
export const widgetRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/widget-tokens',
    tag: 'widget',
    summary: 'Issue a short-lived widget token for one project (from your server; the token is in this answer only)',
    auth: 'principal',
    scope: 'widget-tokens:write',
    status: 201,
    body: z.object({
      projectId: uuid,
      hostname: z.string().min(1).max(300).optional().meta({ description: 'The only hostname the customer may connect.', example: 'shop.customer.com' }),
      includeSubdomains: z.boolean().default(false).meta({ description: 'With `hostname`: also the names under it (`customer.com` then covers `shop.customer.com`).' }),
      customerRef: customerRef.optional().meta({ description: 'Your reference for the customer (opaque, at most 200 characters): stored on the domains the widget adds, echoed in their events.' }),
      expiresInSeconds: z.number().int().min(30).max(WIDGET_TOKEN_MAX_SECONDS).default(WIDGET_TOKEN_DEFAULT_SECONDS),
    }),
    response: z.object({ token: z.string().meta({ description: 'Bearer token for the widget: `wt_…`.' }), expiresAt: z.string() }).meta({ id: 'WidgetToken' }),
    async handler({ body, principal, cradle }) {
      const { access } = await cradle.projectService.get(principal, body.projectId);
      const { token, expiresAt } = await cradle.widgetService.issue(access, body);
      return { token, expiresAt: expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects/:projectId/widget',
    tag: 'widget',
    summary: 'The project’s widget settings: the page origins allowed to use its widget tokens',
    auth: 'principal',
    scope: 'projects:read',
    params: projectParams,
    response: settingsSchema,
    async handler({ params, principal, cradle }) {
      const { access } = await cradle.projectService.get(principal, params.projectId);
      return settingsView(await cradle.widgetService.settings(access, params.projectId));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/projects/:projectId/widget',
    tag: 'widget',
    summary: 'Set the page origins allowed to use the project’s widget tokens (exact origins, normalised) and its default service',
    auth: 'principal',
    scope: 'projects:write',
    params: projectParams,
    body: z.object({
      allowedOrigins: z.array(origin).max(MAX_ALLOWED_ORIGINS).optional().meta({ description: 'Exact origins (`https://app.example.com`); https, or http on localhost only. Left out: unchanged.' }),
      defaultServiceId: uuid.nullable().optional().meta({ description: 'A service of this project (404 otherwise), or null to unset. Left out: unchanged.' }),
    }),
    response: settingsSchema,
    async handler({ params, body, principal, cradle }) {
      const { access } = await cradle.projectService.get(principal, params.projectId);
      return settingsView(await cradle.widgetService.updateSettings(access, params.projectId, body));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/widget/session',
    tag: 'widget',
    summary: 'What the widget’s token allows: its organization and project, hostname limit and expiry',
    auth: 'widget',
    response: z
      .object({
        organizationId: z.string(),
        projectId: z.string(),
        project: z.object({ name: z.string() }).meta({ description: 'The project the token belongs to (the widget may name it).' }),
        hostname: z.string().nullable(),
        includeSubdomains: z.boolean(),
        expiresAt: z.string(),
        defaultServiceConfigured: z.boolean().meta({ description: 'True: a verified domain is mapped and goes live on its own. False: it stops at verified until the SaaS maps it.' }),
      })
      .meta({ id: 'WidgetSession' }),
    async handler({ principal, cradle }) {
      const widget = widgetOf(principal);
      const { organizationId, projectId, hostname, includeSubdomains, expiresAt } = widget;
      const { project, defaultServiceConfigured } = await cradle.widgetService.session(widget);
      return { organizationId, projectId, project, hostname, includeSubdomains, expiresAt: expiresAt.toISOString(), defaultServiceConfigured };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/widget/domains',
    tag: 'widget',
    summary: `The domains this widget session may see (to resume): its project’s, within its hostname limit, no other customer’s; newest first, at most ${WIDGET_DOMAINS_LIMIT}`,
    auth: 'widget',
    response: z.object({ data: z.array(domainSchema) }),
    async handler({ principal, cradle }) {
      const widget = widgetOf(principal);
      const domains = await cradle.widgetService.domains(widget);
      return { data: domains.map((d) => viewDomain(cradle.kernel, d, [widget.projectId])) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/widget/dns-credentials',
    tag: 'widget',
    summary: 'Store the customer’s DNS provider credential (verified with the provider first, then encrypted), for this customer’s domains only',
    auth: 'widget',
    status: 201,
    body: createCredentialBody.pick({ provider: true, credentials: true }),
    response: z.object({ id: z.string(), provider: z.string(), label: z.string() }).meta({ id: 'WidgetDnsCredential' }),
    async handler({ body, principal, cradle }) {
      const credential = await cradle.widgetService.storeCredential(widgetOf(principal), body);
      return { id: credential.id, provider: credential.provider, label: credential.label };
    },
  }),
];
