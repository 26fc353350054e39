import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { MAX_ALLOWED_ORIGINS, normalizeOrigin } from '../../modules/widget/origins.ts';
import { WIDGET_TOKEN_DEFAULT_SECONDS, WIDGET_TOKEN_MAX_SECONDS } from '../../modules/widget/service.ts';
import { customerRef } from '../domains/schemas.ts';
import { uuid } from '../schemas.ts';

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
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'WidgetSettings' });
const settingsView = (s: { projectId: string; allowedOrigins: string[]; updatedAt: Date | null }) => ({ ...s, updatedAt: s.updatedAt?.toISOString() ?? null });
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
    summary: 'Set the page origins allowed to use the project’s widget tokens (exact origins, normalised)',
    auth: 'principal',
    scope: 'projects:write',
    params: projectParams,
    body: z.object({
      allowedOrigins: z.array(origin).max(MAX_ALLOWED_ORIGINS).meta({ description: 'Exact origins (`https://app.example.com`); https, or http on localhost only.' }),
    }),
    response: settingsSchema,
    async handler({ params, body, principal, cradle }) {
      const { access } = await cradle.projectService.get(principal, params.projectId);
      return settingsView(await cradle.widgetService.updateSettings(access, params.projectId, body.allowedOrigins));
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
        hostname: z.string().nullable(),
        includeSubdomains: z.boolean(),
        expiresAt: z.string(),
      })
      .meta({ id: 'WidgetSession' }),
    handler({ principal }) {
      if (principal.kind !== 'widget') throw new Error('unreachable: auth "widget" admits widget tokens only');
      const { organizationId, projectId, hostname, includeSubdomains, expiresAt } = principal;
      return { organizationId, projectId, hostname, includeSubdomains, expiresAt: expiresAt.toISOString() };
    },
  }),
];
