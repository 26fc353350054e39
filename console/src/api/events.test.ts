import { describe, expect, it } from 'vitest';
import { SseParser } from './events';

const feedAll = (parser: SseParser, chunks: string[]) => chunks.flatMap((chunk) => parser.feed(chunk));

describe('SseParser', () => {
  it('reads the stream Portico sends: retry, comments, then id/event/data messages', () => {
    const parser = new SseParser();
    const messages = parser.feed('retry: 3000\n: connected\n\nid: 42\nevent: domain.verified\ndata: {"id":"e1"}\n\n: heartbeat\n\n');
    expect(messages).toEqual([{ id: '42', event: 'domain.verified', data: '{"id":"e1"}' }]);
    expect(parser.lastEventId).toBe('42');
    expect(parser.retryMs).toBe(3000);
  });

  it('puts messages together from chunks split anywhere, even inside a line or a CRLF', () => {
    const text = 'id: 7\r\nevent: domain.live\r\ndata: {"a":1}\r\n\r\nid: 8\r\nevent: domain.drifted\r\ndata: x\r\n\r\n';
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
      expect(feedAll(new SseParser(), chunks)).toEqual([
        { id: '7', event: 'domain.live', data: '{"a":1}' },
        { id: '8', event: 'domain.drifted', data: 'x' },
      ]);
    }
  });

  it('joins multi-line data with newlines and keeps a partial message until its blank line', () => {
    const parser = new SseParser();
    expect(parser.feed('data: first\ndata:second\ndata:  third')).toEqual([]);
    expect(parser.feed('\n\n')).toEqual([{ event: 'message', data: 'first\nsecond\n third' }]);
  });

  it('ignores comments and unknown fields, skips messages without data and accepts bare CR line ends', () => {
    const parser = new SseParser();
    const messages = parser.feed(': just a comment\r\rfoo: bar\revent: x\r\rid: 9\revent: y\rdata\r\r');
    expect(messages).toEqual([{ id: '9', event: 'y', data: '' }]);
    expect(parser.lastEventId).toBe('9');
  });

  it('remembers an id from a message without data, refuses ids with NUL and non-numeric retry', () => {
    const parser = new SseParser();
    expect(parser.feed('id: 5\n\nid: bad\0id\nretry: soon\ndata: z\n\n')).toEqual([{ event: 'message', data: 'z' }]);
    expect(parser.lastEventId).toBe('5');
    expect(parser.retryMs).toBeUndefined();
  });
});
