import type { EntityManager, EventArgs, EventSubscriber, MikroORM } from '@mikro-orm/postgresql';
import type { JobQueue } from '../../jobs/boss.ts';
import { EVENT_CATALOGUE, isEventType, type EventData, type EventType } from './catalogue.ts';
import { PublishedEvent } from './entity.ts';

/** What `publishEvent` takes. `subject` is the resource the event is about. */
export interface PublishInput<T extends EventType = EventType> {
  type: T;
  organizationId: string;
  projectId?: string | null;
  customerRef?: string | null;
  subject: { kind: string; id: string };
  data: EventData<T>;
}

/** An event as consumers see it (the list, the stream, webhooks). `cursor` orders events; pass it back as `after`. */
export interface EventRecord {
  id: string;
  type: EventType;
  occurredAt: string;
  organizationId: string;
  projectId: string | null;
  customerRef: string | null;
  subject: { kind: string; id: string };
  data: Record<string, unknown>;
}

/**
 * Record an event in the outbox, persisted with the caller's next flush and therefore committed or rolled back with
 * the change it reports. When the row is inserted, the outbox subscriber sends the `event.published` job in the same
 * transaction, so durable consumers (webhooks) see exactly the events that committed, at least once.
 * An unknown type or data that does not match the catalogue is a programming error and throws.
 */
export function publishEvent<T extends EventType>(em: EntityManager, input: PublishInput<T>): PublishedEvent {
  if (!isEventType(input.type)) throw new Error(`Event type ${String(input.type)} is not in the catalogue`);
  const parsed = EVENT_CATALOGUE[input.type].data.safeParse(input.data);
  if (!parsed.success) throw new Error(`Event ${input.type} data does not match the catalogue: ${parsed.error.message}`);
  return em.create(PublishedEvent, {
    type: input.type,
    organization: input.organizationId,
    projectId: input.projectId ?? null,
    customerRef: input.customerRef ?? null,
    subjectKind: input.subject.kind,
    subjectId: input.subject.id,
    data: parsed.data as Record<string, unknown>,
  });
}

export function toEventRecord(row: PublishedEvent): EventRecord {
  return {
    id: row.id,
    type: row.type as EventType,
    occurredAt: row.occurredAt.toISOString(),
    organizationId: row.organization.id,
    projectId: row.projectId ?? null,
    customerRef: row.customerRef ?? null,
    subject: { kind: row.subjectKind, id: row.subjectId },
    data: row.data,
  };
}

const attached = new WeakSet<object>();

/**
 * Send `event.published` `{ eventId }` for every event row inserted, inside the inserting transaction (a flush always
 * runs in one: implicit transactions are on). Attached once per ORM, to its event manager, which every fork shares.
 */
export function attachOutbox(orm: MikroORM, jobs: JobQueue): void {
  const events = orm.em.getEventManager();
  if (attached.has(events)) return;
  attached.add(events);
  const subscriber: EventSubscriber<PublishedEvent> = {
    getSubscribedEntities: () => [PublishedEvent],
    async afterCreate({ entity, em }: EventArgs<PublishedEvent>) {
      if (!em.getTransactionContext()) throw new Error('An event was inserted outside a transaction; its job could not commit with it');
      await jobs.send('event.published', { eventId: entity.id }, { em: em as EntityManager });
    },
  };
  events.registerSubscriber(subscriber);
}
