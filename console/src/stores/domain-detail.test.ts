import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { ApiError } from '@/api/client';
import * as api from '@/api/domains';
import type { Domain, DomainEvent } from '@/api/domains';
import { secondsUntil } from '@/components/domains/detail/retry-countdown';
import { POLL_INTERVAL_MS, useDomainDetailStore } from './domain-detail';
import { useLiveStore, type LiveEvent } from './live';
import { useSessionStore } from './session';

// Every api call fails unless a test sets it up: the store never reaches the network.
vi.mock('@/api/domains', () => {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return {
    getDomain: unexpected('getDomain'),
    getDomainEvents: unexpected('getDomainEvents'),
    getDomainUsage: unexpected('getDomainUsage'),
    getDomainCertificates: unexpected('getDomainCertificates'),
    getDnsDiff: unexpected('getDnsDiff'),
    getDnsPlan: unexpected('getDnsPlan'),
    startDnsSetup: unexpected('startDnsSetup'),
    requestDomainCertificates: unexpected('requestDomainCertificates'),
    verifyDomain: unexpected('verifyDomain'),
    deleteDomain: unexpected('deleteDomain'),
  };
});
vi.mock('@/api/dns', () => ({ listDnsCredentials: vi.fn(() => Promise.reject(new Error('unexpected call: listDnsCredentials'))) }));

const ID = '0b6f4bb0-58c5-4d55-9a39-6f1d2f0f3c11';
const domain = (status: Domain['status'], updatedAt = '2026-12-07T06:00:00.000Z'): Domain =>
  ({ id: ID, organizationId: 'org-1', hostname: 'shop.console.portico.test', status, updatedAt, projectIds: [] }) as unknown as Domain;
const event = (id: string, toStatus: DomainEvent['toStatus']): DomainEvent =>
  ({ id, fromStatus: null, toStatus, reason: 'created', message: '', details: null, createdAt: '2026-12-07T06:00:00.000Z' }) as DomainEvent;
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await nextTick();
};

/** Opens the domain with every part answered (`status` as the domain's status). */
async function opened(status: Domain['status']) {
  vi.mocked(api.getDomain).mockResolvedValue(domain(status));
  vi.mocked(api.getDomainEvents).mockResolvedValue([event('e1', 'pending'), event('e2', 'verifying')]);
  vi.mocked(api.getDomainUsage).mockResolvedValue({ count: 0, projects: [], services: 0 });
  vi.mocked(api.getDomainCertificates).mockResolvedValue([]);
  vi.mocked(api.getDnsDiff).mockResolvedValue({ zone: 'console.portico.test', inSync: false, records: [] });
  const store = useDomainDetailStore();
  store.open(ID);
  await flush();
  return store;
}

describe('domain detail store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.clearAllMocks();
    useSessionStore().currentOrganizationId = 'org-1';
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads every part of the domain, its history newest first', async () => {
    const store = await opened('pending');
    expect(api.getDomain).toHaveBeenCalledWith(ID);
    expect(store.domain.state).toBe('ready');
    expect(store.events.data?.map((e) => e.id)).toEqual(['e2', 'e1']);
    expect(store.certificates.state).toBe('empty');
    expect(store.diff.data?.zone).toBe('console.portico.test');
  });

  it('shows a foreign or unknown id as not found', async () => {
    vi.mocked(api.getDomain).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDomainEvents).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDomainUsage).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDomainCertificates).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    vi.mocked(api.getDnsDiff).mockRejectedValue(new ApiError('NOT_FOUND', 'Domain not found.', 404));
    const store = useDomainDetailStore();
    store.open(ID);
    await flush();
    expect(store.domain.state).toBe('not-found');
  });

  it('counts down from the Retry-After of a rate-limited "verify now", then lets it be asked again', async () => {
    vi.useFakeTimers();
    const store = await opened('failed_temporary');
    vi.mocked(api.verifyDomain).mockRejectedValueOnce(new ApiError('VERIFICATION_RATE_LIMITED', 'Please wait 5 seconds.', 429, { retryAfterSeconds: 5 }, 5));
    await expect(store.verify()).rejects.toMatchObject({ code: 'VERIFICATION_RATE_LIMITED' });
    expect(store.verifyWaitSeconds).toBe(5);
    vi.advanceTimersByTime(2_000);
    expect(store.verifyWaitSeconds).toBe(3);
    vi.advanceTimersByTime(3_000);
    expect(store.verifyWaitSeconds).toBe(0);
    expect(vi.getTimerCount()).toBe(0); // the countdown stopped ticking
  });

  it('does not count down after other refusals', async () => {
    const store = await opened('pending');
    vi.mocked(api.verifyDomain).mockRejectedValueOnce(new ApiError('DOMAIN_NOT_VERIFIABLE', 'No.', 409));
    await expect(store.verify()).rejects.toMatchObject({ code: 'DOMAIN_NOT_VERIFIABLE' });
    expect(store.verifyWaitSeconds).toBe(0);
  });

  it('computes the seconds left, never below zero', () => {
    expect(secondsUntil(null, 1_000)).toBe(0);
    expect(secondsUntil(10_000, 1_000)).toBe(9);
    expect(secondsUntil(10_000, 9_001)).toBe(1);
    expect(secondsUntil(10_000, 12_000)).toBe(0);
  });

  it('takes the answer of "verify now" and reloads the history when the status moved', async () => {
    vi.useFakeTimers();
    const store = await opened('pending');
    vi.mocked(api.verifyDomain).mockResolvedValueOnce(domain('verifying', '2026-12-07T06:01:00.000Z'));
    await store.verify();
    await flush();
    expect(store.status).toBe('verifying');
    expect(api.getDomainEvents).toHaveBeenCalledTimes(2);
    expect(api.getDnsDiff).toHaveBeenCalledTimes(2);
  });

  it('polls every 10 s while the status changes by itself and the page is visible, and stops when told', async () => {
    vi.useFakeTimers();
    const store = await opened('verifying');
    const stop = store.follow();
    vi.mocked(api.getDomain).mockClear();
    vi.advanceTimersByTime(POLL_INTERVAL_MS);
    expect(api.getDomain).toHaveBeenCalledTimes(1);

    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    vi.advanceTimersByTime(POLL_INTERVAL_MS);
    expect(api.getDomain).toHaveBeenCalledTimes(1);
    visibility.mockRestore();

    stop();
    vi.advanceTimersByTime(POLL_INTERVAL_MS * 3);
    expect(api.getDomain).toHaveBeenCalledTimes(1);
  });

  it('does not poll a settled domain', async () => {
    vi.useFakeTimers();
    const store = await opened('live');
    const stop = store.follow();
    vi.mocked(api.getDomain).mockClear();
    vi.advanceTimersByTime(POLL_INTERVAL_MS * 3);
    expect(api.getDomain).not.toHaveBeenCalled();
    stop();
  });

  it('reloads on live events about this domain, and only those', async () => {
    const store = await opened('live');
    const stop = store.follow();
    vi.mocked(api.getDomain).mockClear();
    vi.mocked(api.getDomainCertificates).mockClear();
    const live = useLiveStore();
    const base = { occurredAt: '', organizationId: 'org-1', projectId: null, customerRef: null, data: {} };
    live.publish({ ...base, id: 'x1', type: 'domain.verified', subject: { kind: 'domain', id: 'another' } } as LiveEvent);
    expect(api.getDomain).not.toHaveBeenCalled();
    live.publish({ ...base, id: 'x2', type: 'certificate.issued', subject: { kind: 'certificate', id: 'c1' }, data: { domainId: ID } } as LiveEvent);
    expect(api.getDomain).toHaveBeenCalledTimes(1);
    expect(api.getDomainCertificates).toHaveBeenCalledTimes(1);
    stop();
    live.publish({ ...base, id: 'x3', type: 'domain.drifted', subject: { kind: 'domain', id: ID } } as LiveEvent);
    expect(api.getDomain).toHaveBeenCalledTimes(1);
  });

  it('deletes with the typed hostname as confirmation', async () => {
    const store = await opened('pending');
    vi.mocked(api.deleteDomain).mockResolvedValueOnce({ id: ID, hostname: 'shop.console.portico.test', status: 'archived', usage: { count: 0, projects: [] } });
    const stop = store.follow();
    await store.remove('shop.console.portico.test');
    expect(api.deleteDomain).toHaveBeenCalledWith(ID, 'shop.console.portico.test');
    // Its own deletion event asks nothing more about it.
    vi.mocked(api.getDomain).mockClear();
    useLiveStore().publish({ id: 'x4', type: 'domain.deleted', occurredAt: '', organizationId: 'org-1', projectId: null, customerRef: null, subject: { kind: 'domain', id: ID }, data: {} });
    expect(api.getDomain).not.toHaveBeenCalled();
    stop();
  });

  it('forgets the domain when another organization is chosen', async () => {
    const store = await opened('pending');
    useSessionStore().currentOrganizationId = 'org-2';
    await nextTick();
    expect(store.domainId).toBeNull();
    expect(store.domain.data).toBeUndefined();
  });
});
