/**
 * Portico's events for the console's live updates: pages of `GET /v1/events` (polling, and finding where the feed
 * ends) and the server-sent events stream `GET /v1/events/stream`, read with fetch and a small parser because its
 * messages are named by event type (an EventSource's `onmessage` would see none of them).
 */
import { ApiError, call, client } from './client';

export type EventsPage = Awaited<ReturnType<typeof listEvents>>;
/** One event as `GET /v1/events` lists it (with its `cursor`). */
export type PorticoEvent = EventsPage['data'][number];

/** Events after `after` (a cursor), oldest first; `nextCursor` is where the next call starts. */
export const listEvents = (organizationId: string, after?: string, limit = 100) =>
  call(client.GET('/v1/events', { params: { query: { organizationId, ...(after ? { after } : {}), limit } } }));

/**
 * The cursor of the newest event the caller may see ("0" for an empty feed), so live updates start at the current
 * end instead of replaying history (`after=latest` answers no events, only that cursor).
 */
export async function latestEventCursor(organizationId: string): Promise<string> {
  const answer = await call(client.GET('/v1/events', { params: { query: { organizationId, after: 'latest' } } }));
  return answer.nextCursor ?? '0';
}

/** One message of a server-sent event stream. */
export interface SseMessage {
  /** The `id:` field (the event's cursor), when the message had one. */
  id?: string;
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The `data:` lines joined by newlines. */
  data: string;
}

/**
 * Incremental parser of `text/event-stream` (the WHATWG rules): feed it text as it arrives, in chunks of any size
 * (split mid-line or mid-CRLF), and it returns the complete messages. Comment lines (`:`) and unknown fields are
 * ignored, `data:` lines join with `\n`, one space after the colon is dropped, a blank line dispatches, and a
 * message without data is not dispatched (its `id` still becomes `lastEventId`).
 */
export class SseParser {
  #buffer = '';
  #skipLeadingLf = false;
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  /** The last `id:` seen (what a reconnect resumes after). */
  lastEventId: string | undefined;
  /** The last valid `retry:` value (milliseconds the server asks to wait before reconnecting). */
  retryMs: number | undefined;

  feed(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = this.#buffer + chunk;
    if (this.#skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.#skipLeadingLf = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (char !== '\n' && char !== '\r') continue;
      this.#line(text.slice(start, i), out);
      if (char === '\r') {
        if (i + 1 < text.length) {
          if (text[i + 1] === '\n') i++;
        } else this.#skipLeadingLf = true;
      }
      start = i + 1;
    }
    this.#buffer = text.slice(start);
    return out;
  }

  #line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.#id !== undefined) this.lastEventId = this.#id;
      if (this.#data.length > 0) out.push({ ...(this.#id !== undefined ? { id: this.#id } : {}), event: this.#event || 'message', data: this.#data.join('\n') });
      this.#data = [];
      this.#event = '';
      this.#id = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

export interface StreamOptions {
  /** Resume after this cursor (sent as `after` and `Last-Event-ID`). */
  after?: string;
  signal: AbortSignal;
  /** Called once the server answered 200 with an event stream. */
  onOpen?: () => void;
  onMessage: (message: SseMessage) => void;
  /** Fail when no byte (not even a heartbeat) arrives for this long: a buffering proxy or a dead connection. */
  idleTimeoutMs?: number;
}

/**
 * Reads the organization's live event stream until it ends (resolves) or fails (rejects: an `ApiError` with the
 * server's code, e.g. 429 `EVENT_STREAM_LIMIT`, or `NETWORK`). Aborting `signal` ends it quietly.
 */
export async function readEventStream(organizationId: string, options: StreamOptions): Promise<void> {
  const request = client.GET('/v1/events/stream', {
    params: { query: { organizationId, ...(options.after ? { after: options.after } : {}) } },
    headers: { accept: 'text/event-stream', ...(options.after ? { 'last-event-id': options.after } : {}) },
    parseAs: 'stream',
    signal: options.signal,
  });
  const body = (await call(request)) as ReadableStream<Uint8Array> | null;
  const { response } = await request;
  if (!body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await body?.cancel().catch(() => undefined);
    throw new ApiError('NETWORK', 'The events stream answered something other than an event stream.', response.status);
  }
  options.onOpen?.();
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let idle: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const armIdle = () => {
    clearTimeout(idle);
    if (options.idleTimeoutMs === undefined) return;
    idle = setTimeout(() => {
      stalled = true;
      void reader.cancel().catch(() => undefined);
    }, options.idleTimeoutMs);
  };
  const onAbort = () => void reader.cancel().catch(() => undefined);
  options.signal.addEventListener('abort', onAbort);
  try {
    armIdle();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      armIdle();
      for (const message of parser.feed(decoder.decode(value, { stream: true }))) options.onMessage(message);
    }
  } catch (error) {
    if (options.signal.aborted) return;
    throw error instanceof ApiError ? error : new ApiError('NETWORK', (error as Error).message || 'The events stream broke.', 0);
  } finally {
    clearTimeout(idle);
    options.signal.removeEventListener('abort', onAbort);
  }
  if (stalled && !options.signal.aborted) throw new ApiError('NETWORK', 'The events stream went silent (a proxy may be buffering it).', 0);
}
