import type { FilterQuery, MikroORM } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';
import { AppError } from '../../errors/app-error.ts';
import { requireRole, type Access } from '../organizations/access.ts';
import { AuditLog, type AuditActorKind } from './entity.ts';

export interface AuditQuery {
  actorKind?: AuditActorKind;
  actorId?: string;
  action?: string;
  targetKind?: string;
  targetId?: string;
  outcome?: 'success' | 'denied';
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

/** Cursor: the last row's time and id, so the next page starts strictly after it (newest first). */
const encodeCursor = (row: AuditLog): string => Buffer.from(`${row.occurredAt.toISOString()}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) {
    throw new AppError('VALIDATION_FAILED', 'Invalid query: cursor is not one this API returned', { issues: [{ in: 'query', path: 'cursor', message: 'unknown cursor' }] });
  }
  return { at: date, id };
}

export interface AuditPage {
  data: AuditLog[];
  nextCursor: string | null;
}

export function createAuditService({ orm, config }: { orm: MikroORM; config: Pick<PorticoConfig, 'audit'> }) {
  async function page(base: FilterQuery<AuditLog>, query: AuditQuery): Promise<AuditPage> {
    const where: FilterQuery<AuditLog> & Record<string, unknown> = { ...(base as object) };
    const and: FilterQuery<AuditLog>[] = [];
    if (query.actorKind) where.actorKind = query.actorKind;
    if (query.actorId) where.actorId = query.actorId;
    if (query.action) where.action = query.action;
    if (query.targetKind) where.targetKind = query.targetKind;
    if (query.targetId) where.targetId = query.targetId;
    if (query.outcome) where.outcome = query.outcome;
    if (query.from) and.push({ occurredAt: { $gte: query.from } });
    if (query.to) and.push({ occurredAt: { $lt: query.to } });
    if (query.cursor) {
      const { at, id } = decodeCursor(query.cursor);
      and.push({ $or: [{ occurredAt: { $lt: at } }, { occurredAt: at, id: { $lt: id } }] });
    }
    if (and.length) where.$and = and;
    const rows = await orm.em.find(AuditLog, where, { orderBy: { occurredAt: 'desc', id: 'desc' }, limit: query.limit + 1 });
    const data = rows.slice(0, query.limit);
    return { data, nextCursor: rows.length > query.limit ? encodeCursor(data.at(-1)!) : null };
  }

  return {
    /** One page of an organization's audit log, newest first (owner or admin). */
    async list(access: Access, query: AuditQuery): Promise<AuditPage> {
      requireRole(access, 'admin');
      // The log is organization-wide: a caller limited to some projects (a project-bound key) may not read it.
      if (access.projectIds !== null) throw new AppError('FORBIDDEN', 'The audit log needs the admin role on the whole organization.', { requiredRole: 'admin', role: access.role });
      return page({ organizationId: access.organizationId }, query);
    },

    /**
     * One page of the whole installation's log, for instance operators: every organization's entries and those
     * that name none (sign-ins, refused attempts without a proven organization). `organizationId` narrows it.
     */
    listAll(query: AuditQuery & { organizationId?: string }): Promise<AuditPage> {
      return page(query.organizationId ? { organizationId: query.organizationId } : {}, query);
    },

    /** Delete rows older than the retention (`audit.retentionDays`); returns how many went. Run daily. */
    async purge(now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - config.audit.retentionDays * 86_400_000);
      return orm.em.fork().nativeDelete(AuditLog, { occurredAt: { $lt: cutoff } });
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
