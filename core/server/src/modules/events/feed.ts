import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { EVENTS_CHANNEL, PublishedEvent } from './entity.ts';
import { toEventRecord, type EventRecord } from './publish.ts';
import { sequenceEvents } from './sequencer.ts';

/** Backstop poll: a lost notification or a dropped LISTEN connection only delays events, never loses them. */
const POLL_MS = 2000;
const RECONNECT_MS = 1000;
const PAGE = 500;

export type FeedHandler = (event: EventRecord, seq: string) => void;

/**
 * The process's live view of the outbox: every event committed by any process, in `seq` order, handed to in-process
 * handlers (the live stream). Woken by NOTIFY on `portico_events` (sent on commit by a trigger) and by a poll. It
 * keeps a cursor, so it reads each numbered event once and never skips one; it starts at the end of the outbox.
 */
export class EventFeed {
  #orm: MikroORM;
  #logger: Logger;
  #handlers = new Set<FeedHandler>();
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #cursor = '0';
  #starting: Promise<void> | undefined;
  #pumping = false;
  #again = false;
  #stopped = false;
  #ready = false;

  constructor(deps: { orm: MikroORM; logger: Logger }) {
    this.#orm = deps.orm;
    this.#logger = deps.logger;
  }

  /** The last event handed to handlers: a handler added now receives exactly the events after it. */
  get cursor(): string {
    return this.#cursor;
  }

  /** Start (once) and wait until the feed listens and knows where the outbox ends. */
  async ready(): Promise<void> {
    if (this.#stopped) throw new Error('The event feed is stopped');
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /** Add a handler; returns the function that removes it. Call after `ready()`. */
  subscribe(handler: FeedHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  async #start(): Promise<void> {
    await this.#connect();
    await sequenceEvents(this.#orm);
    const [row] = await this.#orm.em.getConnection().execute<Array<{ max: string | null }>>('select max(seq)::text as max from events');
    this.#cursor = row?.max ?? '0';
    this.#timer = setInterval(() => this.wake(), POLL_MS);
    this.#timer.unref();
    this.#ready = true;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#orm.config.get('clientUrl'), application_name: 'portico-event-feed', keepAlive: true });
    client.on('notification', () => this.wake());
    client.on('error', () => this.#lose(client));
    client.on('end', () => this.#lose(client));
    await client.connect();
    await client.query(`listen ${EVENTS_CHANNEL}`);
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
  }

  #lose(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.#stopped) return;
    this.#logger.warn('event feed lost its LISTEN connection; polling until it is back');
    const retry = () => {
      if (this.#stopped) return;
      this.#connect().then(
        () => this.wake(),
        () => setTimeout(retry, RECONNECT_MS).unref(),
      );
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }

  /** Read what committed since the cursor (coalesces: a wake during a read reads again after it). */
  wake(): void {
    if (this.#stopped || !this.#ready) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    void this.#pump()
      .catch((error: unknown) => this.#logger.warn({ error: (error as Error).message }, 'event feed read failed; retrying at the next poll'))
      .finally(() => {
        this.#pumping = false;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async #pump(): Promise<void> {
    await sequenceEvents(this.#orm);
    for (;;) {
      const em = this.#orm.em.fork();
      const rows = await em.find(PublishedEvent, { seq: { $gt: this.#cursor } }, { orderBy: { seq: 'asc' }, limit: PAGE });
      for (const row of rows) {
        this.#cursor = row.seq!;
        const record = toEventRecord(row);
        for (const handler of this.#handlers) {
          try {
            handler(record, row.seq!);
          } catch (error) {
            this.#logger.warn({ error: (error as Error).message }, 'event feed handler failed');
          }
        }
      }
      if (rows.length < PAGE || this.#stopped) return;
    }
  }
}
