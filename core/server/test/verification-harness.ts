import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Domain } from '../src/modules/domains/entity.ts';
import { createOrganizationWithUser, sessionCaller, type Caller } from './factories.ts';
import { answer, checksOf, type Answer } from './fixtures/sequence-verifier.ts';
import { signIn, startTestPortico, waitFor, type TestPortico } from './helpers.ts';

const SEQUENCE = fileURLToPath(new URL('./fixtures/sequence-verifier.ts', import.meta.url));
const MINUTE = 60_000;

export interface DomainView {
  id: string;
  hostname: string;
  status: string;
  statusMessage: string | null;
  nextCheckAt: string | null;
  lastCheckedAt: string | null;
  autoRetryCount: number;
  instructions: unknown[];
  methodAvailable: boolean;
}
export interface EventView {
  fromStatus: string | null;
  toStatus: string;
  reason: string;
  message: string;
  details: Record<string, unknown> | null;
}

/**
 * A Portico whose verification method (`sequence`) answers what each test queues, with an organization, a project
 * and an owner signed in. Time is moved without sleeping: a check is made due by moving `nextCheckAt` into the
 * past and running the sweep the cron would run; deadlines are applied by running their sweep at a later `now`.
 */
export async function startHarness(verification: Record<string, unknown> = {}) {
  const portico: TestPortico = await startTestPortico({ verification: { defaultMethod: 'sequence', ...verification }, plugins: [{ package: SEQUENCE }] });
  const owner = await createOrganizationWithUser(portico, { role: 'owner' });
  const api: Caller = sessionCaller(await signIn(portico, owner.email, owner.password));
  const { orm, verificationService } = portico.container.cradle;
  let n = 0;

  const read = async (id: string): Promise<DomainView> => (await api.get(`/v1/domains/${id}`).expect(200)).body;
  const events = async (id: string): Promise<EventView[]> => (await api.get(`/v1/domains/${id}/events`).expect(200)).body.data;
  const reasons = async (id: string) => (await events(id)).map((e) => `${e.toStatus}:${e.reason}`);
  const settled = (id: string) => waitFor(() => read(id), (d) => d.status !== 'verifying');
  const update = (id: string, fields: Partial<Pick<Domain, 'status' | 'statusChangedAt' | 'nextCheckAt' | 'lastManualCheckAt' | 'method'>>) =>
    orm.em.fork().nativeUpdate(Domain, { id }, fields);

  /** Add a domain (to the owner's project) whose checks answer `answers` (in order; the last repeats). */
  async function add(label: string, ...answers: Answer[]): Promise<DomainView> {
    const hostname = `${label}-${++n}.lifecycle.example.com`;
    answer(hostname, ...answers);
    const res = await api.post(`/v1/organizations/${owner.organizationId}/domains`, { hostname, projectId: owner.projectId });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** "Verify now", past the per-domain rate limit. */
  async function verifyNow(id: string) {
    await update(id, { lastManualCheckAt: new Date(Date.now() - 60 * MINUTE) });
    return api.post(`/v1/domains/${id}/verify`);
  }

  /** Add a domain, verify it (its first answer must be `verified`) and return it. */
  async function addVerified(label: string, ...answers: Answer[]): Promise<DomainView> {
    const domain = await add(label, 'verified', ...answers);
    expect((await verifyNow(domain.id)).status).toBe(202);
    const verified = await settled(domain.id);
    expect(verified.status).toBe('verified');
    return verified;
  }

  /** One automatic retry: make it due, dispatch, wait until the check has settled. */
  async function retryCycle(id: string): Promise<DomainView> {
    const before = await read(id);
    await update(id, { nextCheckAt: new Date(Date.now() - 1000) });
    await verificationService.dispatchDue(); // (or the cron's sweep, if it ran first)
    return waitFor(() => read(id), (d) => d.status !== 'verifying' && d.lastCheckedAt !== before.lastCheckedAt);
  }

  /** One watch check: make it due, dispatch, wait until a new check has been recorded (`lastCheckedAt` moves). */
  async function watchCycle(id: string): Promise<DomainView> {
    const before = await read(id);
    const calls = checksOf(before.hostname);
    await update(id, { nextCheckAt: new Date(Date.now() - 1000) });
    await verificationService.dispatchDue(); // (or the cron's sweep, if it ran first)
    const after = await waitFor(() => read(id), (d) => checksOf(d.hostname) > calls && d.lastCheckedAt !== before.lastCheckedAt);
    expect(after.lastCheckedAt).not.toBe(before.lastCheckedAt);
    return after;
  }

  return { portico, owner, api, read, events, reasons, settled, update, add, addVerified, verifyNow, retryCycle, watchCycle };
}
export type Harness = Awaited<ReturnType<typeof startHarness>>;
