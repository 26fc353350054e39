import type { DeleteOptions, EntityData, EntityMetadata, EntityName, FilterQuery, UpdateOptions } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog } from './entity.ts';
import { IGNORED_FIELDS, isAudited, REDACTED } from './policy.ts';
import { changeRecord, fieldsOf, type Fields } from './record.ts';

/**
 * The entity manager the application uses: `nativeUpdate` and `nativeDelete` bypass the unit of work (so the
 * flush subscriber never sees them), and are recorded here instead. The rows are read first, then changed, then
 * recorded — all through this entity manager, so inside the caller's transaction when there is one. An update that
 * touches only bookkeeping fields (last use, last seen) is neither read nor recorded.
 */
export class AuditedEntityManager extends EntityManager {
  override async nativeUpdate<Entity extends object>(entityName: EntityName<Entity>, where: FilterQuery<NoInfer<Entity>>, data: EntityData<Entity>, options?: UpdateOptions<Entity>): Promise<number> {
    const meta = this.getMetadata(entityName) as EntityMetadata;
    const changed = Object.keys(data).filter((key) => !IGNORED_FIELDS.has(key));
    if (!isAudited(meta.className) || changed.length === 0) return super.nativeUpdate(entityName, where, data, options);
    const rows = await this.rowsOf(entityName, where);
    const count = await super.nativeUpdate(entityName, where, data, options);
    const after = fieldsOf(meta, data as Fields, changed);
    const records = [];
    for (const row of rows) {
      // Only the fields this row really changes (a bulk update also matches rows that already hold the value).
      const before = fieldsOf(meta, row, Object.keys(after));
      const keys = Object.keys(after).filter((key) => after[key] === REDACTED || JSON.stringify(before[key]) !== JSON.stringify(after[key]));
      if (keys.length === 0) continue;
      const pick = (from: Fields) => Object.fromEntries(keys.map((key) => [key, from[key]]));
      records.push(changeRecord(meta, { verb: 'update', entity: row, targetId: idOf(meta, row), before: pick(before), after: pick(after) }));
    }
    if (records.length) await this.record(records);
    return count;
  }

  override async nativeDelete<Entity extends object>(entityName: EntityName<Entity>, where: FilterQuery<NoInfer<Entity>>, options?: DeleteOptions<Entity>): Promise<number> {
    const meta = this.getMetadata(entityName) as EntityMetadata;
    if (!isAudited(meta.className)) return super.nativeDelete(entityName, where, options);
    const rows = await this.rowsOf(entityName, where);
    const count = await super.nativeDelete(entityName, where, options);
    if (rows.length) {
      await this.record(rows.map((row) => changeRecord(meta, { verb: 'delete', entity: row, targetId: idOf(meta, row), before: fieldsOf(meta, row, Object.keys(meta.properties)), after: null })));
    }
    return count;
  }

  private async rowsOf<Entity extends object>(entityName: EntityName<Entity>, where: FilterQuery<NoInfer<Entity>>): Promise<Fields[]> {
    // Read without touching the identity map: the caller's loaded entities stay as they were.
    const rows = await this.find(entityName, where, { disableIdentityMap: true, filters: false } as never);
    return rows as unknown as Fields[];
  }

  private async record(rows: Partial<AuditLog>[]): Promise<void> {
    await this.insertMany(AuditLog, rows as never);
  }
}

const idOf = (meta: EntityMetadata, row: Fields): string | null => {
  const values = meta.primaryKeys.map((key) => row[key]);
  if (values.some((v) => v === undefined || v === null)) return null;
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
};
