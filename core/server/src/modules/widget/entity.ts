import { defineEntity, p } from '@mikro-orm/core';
import { baseColumns } from '../../db/columns.ts';
import { ApiKey } from '../api-keys/entity.ts';
import { Organization } from '../organizations/entity.ts';
import { Project } from '../projects/entity.ts';
import { Service } from '../routing/service.entity.ts';
import { User } from '../users/entity.ts';

/**
 * A short-lived token the SaaS's server hands to the Connect widget in its page. Only the SHA-256 of the token is
 * stored (it carries 256 bits of randomness); it stops working at `expiresAt`.
 */
export const WidgetTokenSchema = defineEntity({
  name: 'WidgetToken',
  tableName: 'widget_tokens',
  properties: {
    ...baseColumns,
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    project: () => p.manyToOne(Project).deleteRule('cascade'),
    tokenHash: p.string().length(64).unique().hidden(),
    /** When set, the only hostname the widget may connect (and, with `includeSubdomains`, the names under it). */
    hostname: p.string().length(253).nullable(),
    includeSubdomains: p.boolean().default(false),
    /** The SaaS's own reference for its customer: stored on the domains the widget adds and echoed in their events. */
    customerRef: p.string().length(200).nullable(),
    expiresAt: p.datetime().index(),
    /** Who asked for it: an API key or a console user. */
    apiKey: () => p.manyToOne(ApiKey).nullable().deleteRule('set null'),
    createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
  },
});
export class WidgetToken extends WidgetTokenSchema.class {}
WidgetTokenSchema.setClass(WidgetToken);

/** A project's widget settings: the page origins allowed to run the widget with the project's tokens, and its default service. */
export const ProjectWidgetSettingsSchema = defineEntity({
  name: 'ProjectWidgetSettings',
  tableName: 'project_widget_settings',
  properties: {
    ...baseColumns,
    project: () => p.oneToOne(Project).owner().deleteRule('cascade'),
    /** Normalised origins (`https://app.example.com`, scheme + host + port when not the default). */
    allowedOrigins: p.array().default([]),
    /**
     * The service every domain added through the widget is mapped to (the domain itself, path `/`) once verified,
     * so it goes live with no step by the SaaS. Unset: such domains stop at `verified`. Cleared when the service is deleted.
     */
    defaultService: () => p.manyToOne(Service).nullable().deleteRule('set null'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'project_widget_settings_allowed_origins_index', properties: ['allowedOrigins'], type: 'gin' }],
});
export class ProjectWidgetSettings extends ProjectWidgetSettingsSchema.class {}
ProjectWidgetSettingsSchema.setClass(ProjectWidgetSettings);
