import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { AUDIT_ACTOR_KINDS, AUDIT_OUTCOMES, type AuditLog } from '../../modules/audit/entity.ts';
import { uuid } from '../schemas.ts';

const auditEntrySchema = z
  .object({
    id: z.string(),
    occurredAt: z.string(),
    organizationId: z.string().nullable(),
    actor: z.object({
      kind: z.enum(AUDIT_ACTOR_KINDS),
      id: z.string().nullable(),
      label: z.string().nullable().meta({ description: "The user's email, the API key's prefix (pk_…), the widget's page origin." }),
    }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    action: z.string().meta({ example: 'service.update', description: '`<target kind>.<create|update|delete>`, or `auth.denied`.' }),
    target: z.object({ kind: z.string(), id: z.string().nullable() }),
    before: z.record(z.string(), z.unknown()).nullable().meta({ description: 'The changed fields before (all fields for a delete); secrets read "[redacted]".' }),
    after: z.record(z.string(), z.unknown()).nullable().meta({ description: 'The changed fields after (all fields for a create).' }),
    requestId: z.string().nullable(),
    outcome: z.enum(AUDIT_OUTCOMES),
    reason: z.string().nullable().meta({ description: 'For a denied attempt: the error code answered.' }),
  })
  .meta({ id: 'AuditEntry' });

const view = (row: AuditLog) => ({
  id: row.id,
  occurredAt: row.occurredAt.toISOString(),
  organizationId: row.organizationId ?? null,
  actor: { kind: row.actorKind, id: row.actorId ?? null, label: row.actorLabel ?? null },
  ip: row.ip ?? null,
  userAgent: row.userAgent ?? null,
  action: row.action,
  target: { kind: row.targetKind, id: row.targetId ?? null },
  before: row.before ?? null,
  after: row.after ?? null,
  requestId: row.requestId ?? null,
  outcome: row.outcome,
  reason: row.reason ?? null,
});

const isoTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

const filters = z.object({
  actorKind: z.enum(AUDIT_ACTOR_KINDS).optional(),
  actorId: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  targetKind: z.string().max(64).optional(),
  targetId: z.string().max(255).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: isoTime.optional().meta({ description: 'Entries at or after this time (ISO 8601, e.g. 2026-12-01T00:00:00Z).' }),
  to: isoTime.optional().meta({ description: 'Entries before this time (ISO 8601).' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const auditQuery = filters.extend({ organizationId: uuid });
const auditPage = z.object({ data: z.array(auditEntrySchema), nextCursor: z.string().nullable() });

/** The audit log: who changed what, from where, and refused attempts. */
export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/audit',
    tag: 'audit',
    summary: "An organization's audit log, newest first (owner or admin; keys need audit:read)",
    auth: 'principal',
    scope: 'audit:read',
    query: auditQuery,
    response: auditPage,
    async handler({ query, principal, cradle }) {
      const { organizationId, ...filters } = query;
      const access = await cradle.accessService.forOrganization(principal, organizationId);
      const page = await cradle.auditService.list(access, filters);
      return { data: page.data.map(view), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/operator/audit',
    tag: 'operator',
    summary: "The whole installation's audit log, newest first (instance operators): entries of every organization and those naming none",
    auth: 'session',
    query: filters.extend({ organizationId: uuid.optional() }),
    response: auditPage,
    async handler({ query, principal, cradle }) {
      await cradle.accessService.requireOperator(principal);
      const page = await cradle.auditService.listAll(query);
      return { data: page.data.map(view), nextCursor: page.nextCursor };
    },
  }),
];
