import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workQueue } from '../src/jobs/work.ts';
import { createTestDatabase, waitFor } from './helpers.ts';

// How a queue is worked (jobs/work.ts), on a pg-boss of its own: a backlog is worked off job after job without
// waiting for the polling interval in between, one job or a batch per fetch, each job failing on its own.
describe('queue workers', () => {
  let boss: PgBoss;

  beforeAll(async () => {
    boss = new PgBoss({ connectionString: await createTestDatabase(), schema: 'pgboss' });
    boss.on('error', () => undefined);
    await boss.start();
  });
  afterAll(async () => boss?.stop({ graceful: false }));

  it('works off a backlog without waiting for the next poll after each job', async () => {
    // No NOTIFY and a poll a minute apart: only fetching again right after a job can finish these in time.
    await boss.createQueue('drain-test', { notify: false });
    const sent = [];
    for (let i = 0; i < 6; i++) sent.push(await boss.send('drain-test', { i }));
    const done: number[] = [];
    const ids = await workQueue<{ i: number }>(boss, 'drain-test', { pollingIntervalSeconds: 60, localConcurrency: 2 }, async ({ i }) => {
      done.push(i);
    });
    expect(ids).toHaveLength(2);
    expect((await waitFor(async () => done.length, (n) => n === sent.length, 100, 100))).toBe(sent.length);
    expect([...done].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('takes several jobs per fetch with batchSize and runs them at once, each once; only the one that threw fails', async () => {
    await boss.createQueue('batch-test', { notify: false, retryLimit: 0 });
    const ids: Array<string | null> = [];
    for (let i = 0; i < 3; i++) ids.push(await boss.send('batch-test', { i }));
    const runs: number[] = [];
    let running = 0;
    let most = 0;
    let release!: () => void;
    const allIn = new Promise<void>((resolve) => (release = resolve));
    // One worker: only a batch of all three can have them running at the same time.
    await workQueue<{ i: number }>(boss, 'batch-test', { pollingIntervalSeconds: 0.5, localConcurrency: 1, batchSize: 3 }, async ({ i }) => {
      runs.push(i);
      most = Math.max(most, (running += 1));
      if (running === 3) release();
      await Promise.race([allIn, new Promise((resolve) => setTimeout(resolve, 2000))]);
      running -= 1;
      if (i === 1) throw new Error('this job fails');
    });
    const states = () => Promise.all(ids.map(async (id) => (await boss.getJobById('batch-test', id!))?.state));
    expect(await waitFor(states, (s) => s.every((state) => state === 'completed' || state === 'failed'), 100, 100)).toEqual(['completed', 'failed', 'completed']);
    expect(most).toBe(3);
    expect([...runs].sort()).toEqual([0, 1, 2]);
  });

  it('fails only the job whose handler threw; the others complete', async () => {
    await boss.createQueue('drain-fail-test', { notify: false, retryLimit: 0 });
    const good = await boss.send('drain-fail-test', { fail: false });
    const bad = await boss.send('drain-fail-test', { fail: true });
    await workQueue<{ fail: boolean }>(boss, 'drain-fail-test', { pollingIntervalSeconds: 0.5, localConcurrency: 1 }, async ({ fail }) => {
      if (fail) throw new Error('this job fails');
    });
    const states = () => Promise.all([good, bad].map(async (id) => (await boss.getJobById('drain-fail-test', id!))?.state));
    expect(await waitFor(states, (s) => s.every((state) => state === 'completed' || state === 'failed'), 100, 100)).toEqual(['completed', 'failed']);
  });
});
