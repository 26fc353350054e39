import { call, client, type Schemas } from './client';

export interface AuditFilters {
  actorKind?: AuditEntry['actor']['kind'];
  action?: string;
  targetKind?: string;
  targetId?: string;
  outcome?: AuditEntry['outcome'];
  from?: string;
  to?: string;
}

/** One page of the organization's audit log, newest first; pass `nextCursor` back as `cursor` for the next. */
export const listAudit = (organizationId: string, filters: AuditFilters = {}, cursor?: string, limit = 50) =>
  call(client.GET('/v1/audit', { params: { query: { organizationId, ...filters, ...(cursor ? { cursor } : {}), limit } } }));

export type AuditEntry = Schemas['AuditEntry'];
export type AuditPage = Awaited<ReturnType<typeof listAudit>>;
