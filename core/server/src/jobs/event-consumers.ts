import type { Logger } from 'pino';
import type { Cradle } from '../container.ts';

/** One durable consumer of `event.published`: idempotent per event, so a retried job re-runs it harmlessly. */
export interface EventConsumer {
  name: string;
  consume(eventId: string): Promise<unknown>;
}

/**
 * Every durable consumer of the outbox, in order. pg-boss gives a job to one worker only, so the one
 * `event.published` worker calls them all (dispatchEvent); add a consumer here, never a second worker.
 */
export function eventConsumers({ webhookService, notificationService }: Pick<Cradle, 'webhookService' | 'notificationService'>): EventConsumer[] {
  return [
    { name: 'webhooks', consume: (eventId) => webhookService.fanOut(eventId) },
    { name: 'notifications', consume: (eventId) => notificationService.fanOut(eventId) },
  ];
}

/**
 * Run every consumer for one event. A failing consumer does not keep the others from running; afterwards the job
 * fails (and pg-boss retries it) when any did, and consumers that succeeded already skip what they did.
 */
export async function dispatchEvent(eventId: string, consumers: EventConsumer[], logger: Pick<Logger, 'warn'>): Promise<void> {
  const failed: Array<{ name: string; error: unknown }> = [];
  for (const consumer of consumers) {
    try {
      await consumer.consume(eventId);
    } catch (error) {
      logger.warn({ eventId, consumer: consumer.name, err: error }, `event consumer ${consumer.name} failed; the job is retried`);
      failed.push({ name: consumer.name, error });
    }
  }
  if (failed.length > 0) {
    throw new AggregateError(failed.map((f) => f.error), `event ${eventId}: consumer(s) ${failed.map((f) => f.name).join(', ')} failed`);
  }
}
