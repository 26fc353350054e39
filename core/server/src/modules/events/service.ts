import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { Access } from '../organizations/access.ts';
import type { EventType } from './catalogue.ts';
import { EventFeed, type FeedHandler } from './feed.ts';
import { PublishedEvent } from './entity.ts';
import { attachOutbox, publishEvent, toEventRecord, type EventRecord } from './publish.ts';
import { sequenceEvents } from './sequencer.ts';

export interface EventFilter {
  /** Only events of one of these types (all when empty). */
  types?: EventType[];
  /** Only events of this project (its own resources and the domains assigned to it). */
  projectId?: string;
}

export interface EventPage {
  events: Array<EventRecord & { cursor: string }>;
  /** Pass as `after` for the next page; null when the page is empty (ask again later with the same `after`). */
  nextCursor: string | null;
}

interface Row {
  id: string;
  seq: string;
  type: string;
  occurred_at: Date;
  organization_id: string;
  project_id: string | null;
  customer_ref: string | null;
  subject_kind: string;
  subject_id: string;
  data: Record<string, unknown>;
}

/** A list parameter: the driver would expand an array into `?, ?`; every value here is a UUID or a catalogue type (no commas). */
const LIST = "string_to_array(?, ',')";

/** The SQL condition for what `access` may see plus `filter` (the same rule for the list and the stream). */
function scopeSql(access: Access, filter: EventFilter): { sql: string; params: unknown[] } {
  const parts = ['organization_id = ?'];
  const params: unknown[] = [access.organizationId];
  const projectCondition = (ids: string[]) => {
    parts.push(`(project_id = any(${LIST}::uuid[]) or (subject_kind = 'domain' and subject_id in (select domain_id::text from project_domains where project_id = any(${LIST}::uuid[]))))`);
    params.push(ids.join(','), ids.join(','));
  };
  // Project-limited callers see their projects' resources and the domains assigned to them, nothing org-wide.
  if (access.projectIds !== null) projectCondition(access.projectIds);
  if (filter.projectId) projectCondition([filter.projectId]);
  if (filter.types?.length) {
    parts.push(`type = any(${LIST})`);
    params.push(filter.types.join(','));
  }
  return { sql: parts.join(' and '), params };
}

function toRecord(row: Row): EventRecord & { cursor: string } {
  return {
    id: row.id,
    type: row.type as EventType,
    occurredAt: new Date(row.occurred_at).toISOString(),
    organizationId: row.organization_id,
    projectId: row.project_id,
    customerRef: row.customer_ref,
    subject: { kind: row.subject_kind, id: row.subject_id },
    data: row.data,
    cursor: row.seq,
  };
}

export function createEventService({ orm, jobs, config, logger }: { orm: MikroORM; jobs: JobQueue; config: PorticoConfig; logger: Logger }) {
  attachOutbox(orm, jobs);
  const feed = new EventFeed({ orm, logger });
  const streams = new Map<string, number>();

  async function page(access: Access, filter: EventFilter, after: string, limit: number, upTo?: string): Promise<EventPage> {
    const scope = scopeSql(access, filter);
    const bound = upTo === undefined ? '' : ' and seq <= ?::bigint';
    const rows = await orm.em.getConnection().execute<Row[]>(
      `select id, seq::text as seq, type, occurred_at, organization_id, project_id, customer_ref, subject_kind, subject_id, data
         from events where seq > ?::bigint${bound} and ${scope.sql} order by events.seq limit ?`,
      [after, ...(upTo === undefined ? [] : [upTo]), ...scope.params, limit],
    );
    const events = rows.map(toRecord);
    return { events, nextCursor: events.at(-1)?.cursor ?? null };
  }

  return {
    /** Record an event in the caller's unit of work (see publishEvent). */
    publish: publishEvent,

    /**
     * Events `access` may see after the cursor `after` ('0': from the oldest kept), oldest first. Committed events
     * are numbered first, so a page reflects everything committed before the call.
     */
    /** The cursor of the newest event `access` may see ('0' when there is none): following from it skips history. */
    async latestCursor(access: Access, filter: EventFilter): Promise<string> {
      await sequenceEvents(orm);
      const scope = scopeSql(access, filter);
      const rows = await orm.em.getConnection().execute<Array<{ seq: string | null }>>(`select max(seq)::text as seq from events where seq is not null and ${scope.sql}`, scope.params);
      return rows[0]?.seq ?? '0';
    },

    async list(access: Access, filter: EventFilter, after = '0', limit = 100): Promise<EventPage> {
      await sequenceEvents(orm);
      return page(access, filter, after, limit);
    },

    /** One event by id, as consumers see it (the `event.published` job carries only the id); null once pruned. */
    async get(eventId: string): Promise<EventRecord | null> {
      const row = await orm.em.fork().findOne(PublishedEvent, { id: eventId });
      return row ? toEventRecord(row) : null;
    },

    /** Is `record` (from the live feed) one `access` may see with `filter`? */
    async visible(access: Access, filter: EventFilter, record: EventRecord): Promise<boolean> {
      if (record.organizationId !== access.organizationId) return false;
      if (filter.types?.length && !filter.types.includes(record.type)) return false;
      for (const ids of [access.projectIds, filter.projectId ? [filter.projectId] : null]) {
        if (ids === null) continue;
        if (record.projectId && ids.includes(record.projectId)) continue;
        if (record.subject.kind !== 'domain') return false;
        const rows = await orm.em
          .getConnection()
          .execute<unknown[]>(`select 1 from project_domains where domain_id::text = ? and project_id = any(${LIST}::uuid[]) limit 1`, [record.subject.id, ids.join(',')]);
        if (rows.length === 0) return false;
      }
      return true;
    },

    /** Events after `after` up to `upTo` (inclusive), every page: what a resumed stream missed. */
    async *between(access: Access, filter: EventFilter, after: string, upTo: string): AsyncGenerator<EventRecord & { cursor: string }> {
      let cursor = after;
      for (;;) {
        const result = await page(access, filter, cursor, 500, upTo);
        yield* result.events;
        if (result.events.length < 500) return;
        cursor = result.nextCursor!;
      }
    },

    /**
     * Receive every event committed from now on, by any process, in order (in-process consumers: the live stream).
     * Resolves with the cursor the handler starts after, and the function that unsubscribes.
     */
    async onPublished(handler: FeedHandler): Promise<{ cursor: string; unsubscribe: () => void }> {
      await feed.ready();
      return { cursor: feed.cursor, unsubscribe: feed.subscribe(handler) };
    },

    /** Count a live stream against the principal's limit; returns its release, or null when the limit is reached. */
    claimStream(key: string): (() => void) | null {
      const open = streams.get(key) ?? 0;
      if (open >= config.events.maxStreamsPerPrincipal) return null;
      streams.set(key, open + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (streams.get(key) ?? 1) - 1;
        if (left > 0) streams.set(key, left);
        else streams.delete(key);
      };
    },

    /** Delete events older than `events.retentionDays` (the daily `events.prune` job). */
    async prune(now = new Date()): Promise<number> {
      const before = new Date(now.getTime() - config.events.retentionDays * 86_400_000);
      const rows = await orm.em.getConnection().execute<unknown[]>('delete from events where occurred_at < ? returning id', [before]);
      if (rows.length > 0) logger.info({ deleted: rows.length, before }, 'old events deleted');
      return rows.length;
    },

    async stop(): Promise<void> {
      await feed.stop();
    },
  };
}
export type EventService = ReturnType<typeof createEventService>;
