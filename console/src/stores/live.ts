import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '@/api/client';
import * as api from '@/api/events';

/** One event as Portico publishes it (GET /v1/events, the events stream, webhooks). */
export interface LiveEvent {
  id: string;
  type: string;
  occurredAt: string;
  organizationId: string;
  projectId: string | null;
  customerRef: string | null;
  subject: { kind: string; id: string };
  data: Record<string, unknown>;
}

export type LiveHandler = (event: LiveEvent) => void;

/** How often the fallback polls `GET /v1/events`. */
export const POLL_INTERVAL_MS = 10_000;
/** The stream is retried after 3 s, then twice as long each time, up to this. */
const MAX_BACKOFF_MS = 120_000;
const FIRST_BACKOFF_MS = 3_000;
/** Too many streams open for this user (other tabs): wait at least this long (or the server's Retry-After). */
export const LIMITED_BACKOFF_MS = 15_000;
/** No byte for this long (the server sends a heartbeat every 15 s by default): a buffering proxy or a dead link. */
export const STREAM_IDLE_MS = 45_000;
const POLL_PAGE = 100;
const SEEN_LIMIT = 500;

interface Connection {
  organizationId: string;
  /** The cursor of the last event handed on; null until the end of the feed is known. */
  cursor: string | null;
  stream: AbortController | null;
  failures: number;
  polling: boolean;
  timers: Set<ReturnType<typeof setTimeout>>;
  seen: Set<string>;
}

function isLiveEvent(value: unknown): value is LiveEvent {
  const event = value as Partial<LiveEvent> | null;
  return typeof event?.id === 'string' && typeof event.type === 'string' && typeof event.subject === 'object' && event.subject !== null;
}

/** The session ended, the organization is out of reach, or the caller may not read its events: stop trying. */
const isFinal = (error: unknown): boolean => error instanceof ApiError && (error.status === 401 || error.status === 403 || error.status === 404);

/**
 * Live updates for the current organization: the events stream while it holds, polling `GET /v1/events` every 10 s
 * while it does not (the stream is retried with backoff meanwhile). Both start at the end of the feed: opening the
 * console never replays history. Every event goes to `publish`, once (an event seen by both paths is passed on
 * once); stores subscribe to react to changes without reloading the page. App.vue starts it for the organization
 * on screen and stops it on sign-out.
 */
export const useLiveStore = defineStore('live', () => {
  const mode = ref<'off' | 'stream' | 'polling'>('off');
  const handlers = new Set<LiveHandler>();
  let current: Connection | null = null;

  function subscribe(handler: LiveHandler): () => void {
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  function publish(event: LiveEvent): void {
    for (const handler of [...handlers]) {
      try {
        handler(event);
      } catch (error) {
        // One subscriber's bug must not stop the others from hearing the event.
        console.error(error);
      }
    }
  }

  const active = (connection: Connection) => current === connection;

  function later(connection: Connection, ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      connection.timers.delete(timer);
      if (active(connection)) run();
    }, ms);
    connection.timers.add(timer);
  }

  function hand(connection: Connection, event: LiveEvent): void {
    if (connection.seen.has(event.id)) return;
    if (connection.seen.size >= SEEN_LIMIT) connection.seen.clear();
    connection.seen.add(event.id);
    publish(event);
  }

  function receive(connection: Connection, message: api.SseMessage): void {
    if (!active(connection)) return;
    if (message.id) connection.cursor = message.id;
    let event: unknown;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (isLiveEvent(event)) hand(connection, event);
  }

  function finish(connection: Connection): void {
    if (!active(connection)) return;
    stop();
  }

  function openStream(connection: Connection): void {
    const controller = new AbortController();
    connection.stream = controller;
    api
      .readEventStream(connection.organizationId, {
        ...(connection.cursor ? { after: connection.cursor } : {}),
        signal: controller.signal,
        idleTimeoutMs: STREAM_IDLE_MS,
        onOpen: () => {
          if (!active(connection)) return;
          connection.failures = 0;
          connection.polling = false;
          mode.value = 'stream';
        },
        onMessage: (message) => receive(connection, message),
      })
      .then(
        () => streamEnded(connection, controller, null),
        (error: unknown) => streamEnded(connection, controller, error),
      );
  }

  function streamEnded(connection: Connection, controller: AbortController, error: unknown): void {
    if (!active(connection) || controller.signal.aborted || connection.stream !== controller) return;
    connection.stream = null;
    if (isFinal(error)) return finish(connection);
    connection.failures += 1;
    const limited = error instanceof ApiError && error.code === 'EVENT_STREAM_LIMIT';
    const backoff = Math.min(FIRST_BACKOFF_MS * 2 ** (connection.failures - 1), MAX_BACKOFF_MS);
    const wait = limited ? Math.max((error.retryAfterSeconds ?? 0) * 1000, LIMITED_BACKOFF_MS, backoff) : backoff;
    startPolling(connection);
    later(connection, wait, () => openStream(connection));
  }

  async function pollOnce(connection: Connection): Promise<void> {
    if (connection.cursor === null) {
      connection.cursor = await api.latestEventCursor(connection.organizationId);
      return;
    }
    for (;;) {
      const page = await api.listEvents(connection.organizationId, connection.cursor, POLL_PAGE);
      if (!active(connection)) return;
      for (const event of page.data) hand(connection, event);
      connection.cursor = page.nextCursor ?? connection.cursor;
      if (page.data.length < POLL_PAGE) return;
    }
  }

  function startPolling(connection: Connection): void {
    if (connection.polling) return;
    connection.polling = true;
    mode.value = 'polling';
    const tick = async () => {
      if (!connection.polling) return;
      try {
        await pollOnce(connection);
      } catch (error) {
        if (isFinal(error)) return finish(connection);
      }
      if (active(connection) && connection.polling) later(connection, POLL_INTERVAL_MS, () => void tick());
    };
    void tick();
  }

  async function begin(connection: Connection): Promise<void> {
    try {
      connection.cursor = await api.latestEventCursor(connection.organizationId);
    } catch (error) {
      if (isFinal(error)) return finish(connection);
      // Unknown end of the feed: the stream without a cursor starts at its live end all the same.
    }
    if (active(connection)) openStream(connection);
  }

  /** Follows `organizationId` (again: nothing changes; another one: the previous one stops first). */
  function start(organizationId: string): void {
    if (current?.organizationId === organizationId) return;
    stop();
    const connection: Connection = { organizationId, cursor: null, stream: null, failures: 0, polling: false, timers: new Set(), seen: new Set() };
    current = connection;
    void begin(connection);
  }

  function stop(): void {
    const connection = current;
    current = null;
    mode.value = 'off';
    if (!connection) return;
    connection.polling = false;
    connection.stream?.abort();
    for (const timer of connection.timers) clearTimeout(timer);
    connection.timers.clear();
  }

  return { mode, subscribe, publish, start, stop };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLiveStore, import.meta.hot));
