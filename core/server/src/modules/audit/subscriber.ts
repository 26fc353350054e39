import type { ChangeSet, EntityMetadata, EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import { AuditLog } from './entity.ts';
import { isAudited, IGNORED_FIELDS } from './policy.ts';
import { changeRecord, fieldsOf, type Fields, type Verb } from './record.ts';

/**
 * Records every create, update and delete of an audited entity as an `audit_log` row, inside the same flush (so
 * the same transaction): a change and its record commit or roll back together. The actor comes from the request's
 * audit scope; outside a request (jobs) it is the system. `nativeUpdate`/`nativeDelete` are recorded by the
 * audited entity manager (entity-manager.ts); raw SQL is not recorded.
 */
export class AuditSubscriber implements EventSubscriber {
  onFlush({ em, uow }: FlushEventArgs): void {
    const records: AuditLog[] = [];
    for (const cs of uow.getChangeSets()) {
      if (!isAudited(cs.meta.className)) continue;
      const change = describe(cs);
      if (!change) continue;
      const entity = { ...(cs.originalEntity as Fields | undefined), ...(cs.entity as Fields) };
      records.push(em.create(AuditLog, changeRecord(cs.meta as EntityMetadata, { ...change, entity, targetId: cs.getSerializedPrimaryKey() }) as AuditLog));
    }
    for (const record of records) uow.computeChangeSet(record);
  }
}

function describe(cs: ChangeSet<object>): { verb: Verb; before: Fields | null; after: Fields | null } | null {
  const meta = cs.meta as EntityMetadata;
  const all = Object.keys(meta.properties);
  switch (cs.type) {
    case 'create':
      return { verb: 'create', before: null, after: fieldsOf(meta, cs.entity as Fields, all) };
    case 'delete':
    case 'delete_early':
      return { verb: 'delete', before: fieldsOf(meta, (cs.originalEntity as Fields | undefined) ?? (cs.entity as Fields), all), after: null };
    default: {
      const after = fieldsOf(meta, cs.payload as Fields, Object.keys(cs.payload).filter((key) => !IGNORED_FIELDS.has(key)));
      if (Object.keys(after).length === 0) return null;
      return { verb: 'update', before: fieldsOf(meta, cs.originalEntity as Fields | undefined, Object.keys(after)), after };
    }
  }
}
