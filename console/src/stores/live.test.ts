import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type Schemas } from '@/api/client';
import * as api from '@/api/events';
import { LIMITED_BACKOFF_MS, POLL_INTERVAL_MS, useLiveStore, type LiveEvent } from './live';

vi.mock('@/api/events', () => ({
  latestEventCursor: vi.fn(() => Promise.reject(new Error('latestEventCursor not set up'))),
  listEvents: vi.fn(() => Promise.reject(new Error('listEvents not set up'))),
  readEventStream: vi.fn(() => Promise.reject(new Error('readEventStream not set up'))),
}));

const ORG = '00000000-0000-4000-8000-000000000001';
const event = (id: string, type: Schemas['EventType'] = 'domain.live'): LiveEvent & { type: Schemas['EventType'] } => ({
  id,
  type,
  occurredAt: '2026-12-07T06:00:00.000Z',
  organizationId: ORG,
  projectId: null,
  customerRef: null,
  subject: { kind: 'domain', id: 'd1' },
  data: { hostname: 'shop.example.com' },
});

type StreamCall = { options: api.StreamOptions; end: () => void; fail: (error: unknown) => void };

/** readEventStream as a controllable fake: each call is recorded and ends when the test says. */
function fakeStreams(): StreamCall[] {
  const calls: StreamCall[] = [];
  vi.mocked(api.readEventStream).mockImplementation(
    (_org, options) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ options, end: resolve, fail: reject });
        options.signal.addEventListener('abort', () => resolve());
      }),
  );
  return calls;
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('live store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    useLiveStore().stop();
    vi.useRealTimers();
    vi.clearAllMocks();
  });

  it('starts the stream after the end of the feed and publishes each streamed event once', async () => {
    vi.mocked(api.latestEventCursor).mockResolvedValue('41');
    const streams = fakeStreams();
    const live = useLiveStore();
    const seen: string[] = [];
    live.subscribe((e) => seen.push(`${e.type}:${e.id}`));

    live.start(ORG);
    await flush();
    expect(api.latestEventCursor).toHaveBeenCalledWith(ORG);
    expect(streams).toHaveLength(1);
    expect(streams[0]!.options.after).toBe('41');
    expect(live.mode).toBe('off');

    streams[0]!.options.onOpen?.();
    expect(live.mode).toBe('stream');
    streams[0]!.options.onMessage({ id: '42', event: 'domain.live', data: JSON.stringify(event('e42')) });
    streams[0]!.options.onMessage({ id: '42', event: 'domain.live', data: JSON.stringify(event('e42')) });
    streams[0]!.options.onMessage({ event: 'message', data: 'not json' });
    expect(seen).toEqual(['domain.live:e42']);
    expect(api.listEvents).not.toHaveBeenCalled();
  });

  it('falls back to polling after the stream fails, and returns to the stream when it opens again', async () => {
    vi.mocked(api.latestEventCursor).mockResolvedValue('10');
    const streams = fakeStreams();
    vi.mocked(api.listEvents)
      .mockResolvedValueOnce({ data: [{ ...event('e11', 'domain.drifted'), cursor: '11' }], nextCursor: '11' })
      .mockResolvedValue({ data: [], nextCursor: '11' });
    const live = useLiveStore();
    const seen: string[] = [];
    live.subscribe((e) => seen.push(e.id));

    live.start(ORG);
    await flush();
    streams[0]!.fail(new ApiError('EVENT_STREAM_LIMIT', 'At most 5 streams', 429));
    await flush();
    expect(live.mode).toBe('polling');
    expect(api.listEvents).toHaveBeenCalledWith(ORG, '10', 100);
    expect(seen).toEqual(['e11']);

    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
    expect(api.listEvents).toHaveBeenLastCalledWith(ORG, '11', 100);

    // The stream is retried later (a 429 waits longer than other failures) and resumes after the polled cursor.
    expect(streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(LIMITED_BACKOFF_MS);
    const reopened = streams.at(-1)!;
    expect(streams.length).toBeGreaterThan(1);
    expect(reopened.options.after).toBe('11');
    reopened.options.onOpen?.();
    expect(live.mode).toBe('stream');
    const polls = vi.mocked(api.listEvents).mock.calls.length;
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);
    expect(vi.mocked(api.listEvents).mock.calls.length).toBe(polls);
  });

  it('stops everything on stop(): the stream is aborted, no polling, mode off', async () => {
    vi.mocked(api.latestEventCursor).mockResolvedValue('0');
    const streams = fakeStreams();
    const live = useLiveStore();
    const seen: string[] = [];
    live.subscribe((e) => seen.push(e.id));
    live.start(ORG);
    await flush();
    streams[0]!.options.onOpen?.();
    live.stop();
    expect(streams[0]!.options.signal.aborted).toBe(true);
    expect(live.mode).toBe('off');
    streams[0]!.options.onMessage({ id: '1', event: 'domain.live', data: JSON.stringify(event('late')) });
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 20);
    expect(seen).toEqual([]);
    expect(api.listEvents).not.toHaveBeenCalled();
    expect(streams).toHaveLength(1);
  });

  it('gives up when the session ended (401) and switches connections when the organization changes', async () => {
    vi.mocked(api.latestEventCursor).mockResolvedValue('5');
    const streams = fakeStreams();
    const live = useLiveStore();
    live.start(ORG);
    live.start(ORG);
    await flush();
    expect(streams).toHaveLength(1);

    const other = '00000000-0000-4000-8000-000000000002';
    live.start(other);
    await flush();
    expect(streams[0]!.options.signal.aborted).toBe(true);
    expect(streams).toHaveLength(2);
    streams[1]!.fail(new ApiError('UNAUTHENTICATED', 'Sign in', 401));
    await flush();
    expect(live.mode).toBe('off');
    await vi.advanceTimersByTimeAsync(300_000);
    expect(streams).toHaveLength(2);
    expect(api.listEvents).not.toHaveBeenCalled();
  });

  it('keeps other subscribers informed when one throws, and unsubscribes', () => {
    const live = useLiveStore();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    live.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const off = live.subscribe((e) => seen.push(e.id));
    live.publish(event('a'));
    off();
    live.publish(event('b'));
    expect(seen).toEqual(['a']);
    expect(errors).toHaveBeenCalledTimes(2);
  });
});
