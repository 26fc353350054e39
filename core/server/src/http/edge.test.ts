import type { Context } from 'koa';
import { describe, expect, it, vi } from 'vitest';
import { edgeEndpoints } from './edge.ts';

// /metrics is unauthenticated and every scrape reads gauges from the database: scrapes arriving together share
// one read, so a burst of requests cannot multiply the queries.
describe('GET /metrics', () => {
  it('serves concurrent scrapes from one registry read, and reads again afterwards', async () => {
    const waiting: Array<(text: string) => void> = [];
    const release = (text: string) => waiting.splice(0).forEach((resolve) => resolve(text));
    const read = vi.fn(() => new Promise<string>((resolve) => waiting.push(resolve)));
    const deps = {
      metrics: { registry: { contentType: 'text/plain; version=0.0.4', metrics: read }, askAnswers: {} },
      config: { edgeApi: {} },
    } as unknown as Parameters<typeof edgeEndpoints>[0];
    const edge = edgeEndpoints(deps);
    const ctx = () => ({ path: '/metrics', method: 'GET', set: () => undefined }) as unknown as Context & { body: unknown };
    const contexts = [ctx(), ctx(), ctx(), ctx(), ctx()];
    const served = contexts.map((c) => edge(c, async () => undefined));
    release('portico_domains 1\n');
    await Promise.all(served);
    expect(read).toHaveBeenCalledTimes(1);
    expect(contexts.map((c) => c.body)).toEqual(Array(5).fill('portico_domains 1\n'));

    const later = ctx();
    const next = edge(later, async () => undefined);
    release('portico_domains 2\n');
    await next;
    expect(read).toHaveBeenCalledTimes(2);
    expect(later.body).toBe('portico_domains 2\n');
  });
});
