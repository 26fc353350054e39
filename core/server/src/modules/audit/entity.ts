import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

/** Who made a change: a console user, an API key, a widget token, an instance operator, the system (jobs), or nobody known. */
export const AUDIT_ACTOR_KINDS = ['user', 'api_key', 'widget', 'operator', 'system', 'anonymous'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];
export const AUDIT_OUTCOMES = ['success', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One audited change or denied attempt. Append-only. `organizationId` is a plain column, not a foreign key: the
 * record of an organization's deletion outlives the organization. `before`/`after` hold the changed fields only,
 * with secret columns replaced by "[redacted]"; denied attempts carry no bodies, only `reason` (the error code).
 */
export const AuditLogSchema = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    occurredAt: p.datetime().onCreate(() => new Date()),
    organizationId: p.uuid().nullable(),
    actorKind: p.enum(AUDIT_ACTOR_KINDS),
    /** User id, API key id, widget token id; null for the system and anonymous callers. */
    actorId: p.string().length(64).nullable(),
    /** Something a person recognises: the user's email, the API key's prefix. Never a secret. */
    actorLabel: p.string().length(254).nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(500).nullable(),
    /** `<target kind>.<create|update|delete>` for changes (`service.update`), `auth.denied` for refusals. */
    action: p.string().length(100),
    targetKind: p.string().length(64),
    targetId: p.string().length(255).nullable(),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
    requestId: p.string().length(100).nullable(),
    outcome: p.enum(AUDIT_OUTCOMES),
    /** For denied attempts: the error code answered (FORBIDDEN, UNAUTHENTICATED…). */
    reason: p.string().length(64).nullable(),
  },
  indexes: [{ properties: ['organizationId', 'occurredAt', 'id'] }, { properties: ['occurredAt'] }, { properties: ['targetKind', 'targetId'] }],
});
export class AuditLog extends AuditLogSchema.class {}
AuditLogSchema.setClass(AuditLog);
