import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, checksOf, type Answer } from './fixtures/sequence-verifier.ts';
import { waitFor } from './helpers.ts';
import { startHarness, type Harness } from './verification-harness.ts';

// What goes live stays live: a live domain whose checks answer verified, checker errors and single misses is never
// demoted; a record that is really gone drifts it, and its routes stay in the route table (the edges keep serving)
// until the grace period is over. The route table is reloaded from the database after each step, so what it holds
// is read, not waited for.
describe('drift with a grace period: routes stay until it is over', () => {
  let h: Harness;
  let projectId: string;
  let serviceId: string;
  const MINUTE = 60_000;

  beforeAll(async () => {
    h = await startHarness({ driftThreshold: 2, driftGraceHours: 72 });
    projectId = h.owner.projectId;
    serviceId = (await h.api.post(`/v1/projects/${projectId}/services`, { name: 'app', upstreamHost: 'app.internal', upstreamPort: 8080 }).expect(201)).body.id;
  });
  afterAll(async () => h?.portico.stop());

  /** The routes the route table serves for `host`, after reloading it from the database. */
  const served = async (host: string) => {
    const { routeTable } = h.portico.container.cradle;
    await routeTable.reload([host]);
    return routeTable.routesFor(host).length;
  };

  /** A live domain with one mapping (no edge is configured, so `live` is set as the edge's probe would). */
  async function liveDomain(label: string, ...answers: Answer[]) {
    const domain = await h.addVerified(label, ...answers);
    await h.api.post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: domain.id }).expect(201);
    await h.update(domain.id, { status: 'live' });
    expect(await served(domain.hostname)).toBe(1);
    return domain;
  }

  it('keeps a live domain live through 12 watch cycles of verified answers, checker errors and single misses', async () => {
    const cycles: Answer[] = ['verified', 'error', 'missing', 'error', 'missing', 'verified', 'error', 'error', 'missing', 'verified', 'missing', 'error'];
    const domain = await liveDomain('steady', ...cycles);
    for (const [i, expected] of cycles.entries()) {
      const d = await h.watchCycle(domain.id);
      expect(d.status, `cycle ${i + 1} (${expected})`).toBe('live');
      expect(d.nextCheckAt).not.toBeNull();
      expect(await served(domain.hostname)).toBe(1);
    }
    expect(checksOf(domain.hostname)).toBeGreaterThanOrEqual(cycles.length + 1);
    expect((await h.reasons(domain.id)).filter((r) => r.startsWith('drifted'))).toEqual([]);
  });

  it('drifts when the record is really gone, keeps serving through the grace period, then removes the routes', async () => {
    const domain = await liveDomain('removed', 'verified');
    answer(domain.hostname, 'missing'); // the customer removed the record
    expect((await h.watchCycle(domain.id)).status).toBe('live');
    expect((await h.watchCycle(domain.id)).status).toBe('drifted');
    expect(await served(domain.hostname)).toBe(1); // the team is told (event), the site keeps working
    // Served, but its ownership is in doubt: no new routes until the record is back.
    const more = await h.api.post(`/v1/projects/${projectId}/mappings`, { serviceId, domainId: domain.id, subdomain: 'more' });
    expect([more.status, more.body.error?.code]).toEqual([409, 'DOMAIN_NOT_ROUTABLE']);

    // Still drifted and served after more misses; "verify now" checks it in place and never takes it offline.
    expect((await h.watchCycle(domain.id)).status).toBe('drifted');
    const calls = checksOf(domain.hostname);
    const now = await h.verifyNow(domain.id);
    expect([now.status, now.body.status]).toEqual([202, 'drifted']);
    await waitFor(() => h.read(domain.id), (d) => checksOf(d.hostname) > calls && d.nextCheckAt !== null && new Date(d.nextCheckAt).getTime() < Date.now() + 10 * MINUTE);
    expect((await h.read(domain.id)).status).toBe('drifted');
    expect(await served(domain.hostname)).toBe(1);

    const { verificationService } = h.portico.container.cradle;
    await verificationService.sweepDeadlines(new Date(Date.now() + 71 * 60 * MINUTE));
    expect((await h.read(domain.id)).status).toBe('drifted');
    expect(await served(domain.hostname)).toBe(1);

    await verificationService.sweepDeadlines(new Date(Date.now() + 73 * 60 * MINUTE));
    expect((await h.read(domain.id)).status).toBe('suspended');
    expect(await served(domain.hostname)).toBe(0);
    expect((await h.watchCycle(domain.id)).status).toBe('suspended');

    // The record is back: verified again at once, and routed again.
    answer(domain.hostname, 'verified');
    expect((await h.watchCycle(domain.id)).status).toBe('verified');
    expect(await served(domain.hostname)).toBe(1);
    expect((await h.reasons(domain.id)).slice(-3)).toEqual(['drifted:record_removed', 'suspended:drift_grace_expired', 'verified:record_restored']);
  });

  it('restores a drifted domain at the first check that finds the record, without losing its routes', async () => {
    const domain = await liveDomain('back-soon', 'missing', 'missing', 'verified');
    await h.watchCycle(domain.id);
    expect((await h.watchCycle(domain.id)).status).toBe('drifted');
    expect(await served(domain.hostname)).toBe(1);
    expect((await h.watchCycle(domain.id)).status).toBe('verified');
    expect(await served(domain.hostname)).toBe(1);
  });
});
