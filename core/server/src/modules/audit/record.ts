import { randomUUID } from 'node:crypto';
import type { EntityMetadata, EntityProperty } from '@mikro-orm/core';
import { currentActor, currentAuditScope, type AuditActor } from './context.ts';
import type { AuditLog } from './entity.ts';
import { IGNORED_FIELDS, isSecretField, REDACTED, targetKindOf } from './policy.ts';

export type Fields = Record<string, unknown>;
export type Verb = 'create' | 'update' | 'delete';
const RECORDED_KINDS = new Set(['scalar', 'm:1', '1:1', 'embedded']);

/** The recordable fields among `keys`: own columns and owning relations, bookkeeping left out, secrets redacted. */
export function fieldsOf(meta: EntityMetadata, source: Fields | undefined, keys: Iterable<string>): Fields {
  const out: Fields = {};
  for (const key of keys) {
    const prop = meta.properties[key] as EntityProperty | undefined;
    if (!prop || !RECORDED_KINDS.has(prop.kind) || IGNORED_FIELDS.has(key)) continue;
    out[key] = isSecretField(meta.className, key, prop.hidden === true) ? REDACTED : plain(source?.[key], prop);
  }
  return out;
}

/** A value as JSON can hold it: relations as their primary key, dates as ISO strings, SQL expressions as a marker. */
function plain(value: unknown, prop: EntityProperty): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  if (prop.kind === 'm:1' || prop.kind === '1:1') {
    const helper = (value as { __helper?: { getSerializedPrimaryKey(): string } }).__helper;
    if (helper) return helper.getSerializedPrimaryKey();
    const id = (value as { id?: unknown }).id;
    return id === undefined ? value : id;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? value : '[expression]';
}

const idOf = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? id : null;
};

/** The organization an entity belongs to: itself, its `organization`, or its project's organization when loaded. */
export function organizationOf(meta: EntityMetadata, entity: Fields, id: string | null): string | null {
  if (meta.className === 'Organization') return id;
  const direct = idOf(entity.organization);
  if (direct) return direct;
  const project = entity.project as { organization?: unknown } | undefined;
  return project && typeof project === 'object' ? idOf(project.organization) : null;
}

/** A sign-in has no principal yet: the session it creates is the act of the user who proved who they are. */
function signInActor(meta: EntityMetadata, verb: Verb, entity: Fields): AuditActor | null {
  if (meta.className !== 'Session' || verb !== 'create') return null;
  const user = entity.user as { id?: string; email?: unknown } | undefined;
  return user?.id ? { kind: 'user', id: user.id, label: typeof user.email === 'string' ? user.email : null } : null;
}

/** One audit row for a change of `entity`, with the actor and origin of the current request (or the system). */
export function changeRecord(meta: EntityMetadata, input: { verb: Verb; entity: Fields; targetId: string | null; before: Fields | null; after: Fields | null }): Partial<AuditLog> {
  const scope = currentAuditScope();
  const actor = currentActor();
  const by = actor.kind === 'anonymous' ? (signInActor(meta, input.verb, input.entity) ?? actor) : actor;
  const targetKind = targetKindOf(meta.className);
  return {
    id: randomUUID(),
    occurredAt: new Date(),
    organizationId: organizationOf(meta, input.entity, input.targetId) ?? scope?.organizationId() ?? null,
    actorKind: by.kind,
    actorId: by.id,
    actorLabel: by.label,
    ip: scope?.ip ?? null,
    userAgent: scope?.userAgent ?? null,
    action: `${targetKind}.${input.verb}`,
    targetKind,
    targetId: input.targetId,
    before: input.before,
    after: input.after,
    requestId: scope?.requestId ?? null,
    outcome: 'success',
    reason: null,
  };
}
