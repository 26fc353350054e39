import { randomBytes } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Organization } from '../organizations/entity.ts';

/** The channel an insert into the outbox notifies (the payload is empty: listeners read from their cursor). */
export const EVENTS_CHANNEL = 'portico_events';

/** A UUID version 7: the creation time in milliseconds, then randomness, so ids sort roughly by time. */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The event outbox: one row per published event, written in the transaction of the change it reports (so a change
 * that rolls back leaves no event). `seq`, the cursor, is not taken at insert: transactions commit in another order
 * than they insert, and a reader paging by an insert-time number could skip a row that commits late. The sequencer
 * (sequencer.ts) numbers committed rows instead, one batch at a time under a lock, so numbered rows always form a
 * gap-free prefix. An insert NOTIFYs `portico_events` on commit (a trigger), which wakes every process's live feed.
 */
export const PublishedEventSchema = defineEntity({
  name: 'PublishedEvent',
  tableName: 'events',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    /** Position in the committed order (from the `events_seq` sequence); null until the sequencer numbers the row. */
    seq: p.bigint('string').nullable().unique(),
    /** A type of the catalogue (catalogue.ts). */
    type: p.string().length(64),
    occurredAt: p.datetime().onCreate(() => new Date()),
    organization: () => p.manyToOne(Organization).deleteRule('cascade'),
    /** The project the subject belongs to; null for organization-level subjects and domains (which may serve several projects). */
    projectId: p.uuid().nullable(),
    customerRef: p.string().length(200).nullable(),
    subjectKind: p.string().length(32),
    subjectId: p.string().length(64),
    data: p.json<Record<string, unknown>>(),
  },
  indexes: [
    { name: 'events_organization_seq_index', properties: ['organization', 'seq'] },
    { name: 'events_occurred_at_index', properties: ['occurredAt'] },
    // What the sequencer still has to number.
    { name: 'events_unsequenced_index', expression: 'create index "events_unsequenced_index" on "events" ("id") where "seq" is null' },
  ],
  // Wakes every process's live feed (feed.ts); NOTIFY is delivered on commit and never for a rollback.
  triggers: [{ name: 'events_notify', timing: 'after', events: ['insert'], forEach: 'statement', body: `perform pg_notify('${EVENTS_CHANNEL}', ''); return null;` }],
});
export class PublishedEvent extends PublishedEventSchema.class {}
PublishedEventSchema.setClass(PublishedEvent);
