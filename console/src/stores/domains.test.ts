import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import type { DomainListItem, DomainListPage } from '@/api/domains';
import { DEFAULT_FILTERS } from '@/domains/list-query';
import { useDomainsStore } from './domains';
import { useSessionStore } from './session';

// Every call must be set up by the test: an unexpected one fails it (no network).
vi.mock('@/api/domains', () => ({
  listDomains: vi.fn(() => Promise.reject(new Error('unexpected listDomains'))),
  bulkDomains: vi.fn(() => Promise.reject(new Error('unexpected bulkDomains'))),
}));
const api = vi.mocked(await import('@/api/domains'));

const ORG = '00000000-0000-4000-8000-000000000001';
let serial = 0;
function domain(hostname: string, extra: Partial<DomainListItem> = {}): DomainListItem {
  serial++;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    organizationId: ORG,
    projectIds: [],
    hostname,
    status: 'pending',
    statusLabel: 'Pending',
    statusTone: 'warning',
    statusMessage: null,
    method: 'dns-txt',
    instructions: [],
    methodAvailable: true,
    verifiedAt: null,
    lastCheckedAt: null,
    nextCheckAt: null,
    autoRetryCount: 0,
    setup: { mode: 'manual', provider: null, credentialId: null, zone: null, redirectUrl: null },
    customerRef: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    usage: { projects: 0, services: 0 },
    ...extra,
  };
}
const page = (data: DomainListItem[], nextCursor: string | null, total: number, totalIsExact = true): DomainListPage => ({ data, nextCursor, total, totalIsExact });

describe('domains store', () => {
  beforeEach(() => {
    vi.clearAllMocks();
    setActivePinia(createPinia());
    useSessionStore().currentOrganizationId = ORG;
  });

  it('loads as many pages as asked, then appends the next one with its cursor', async () => {
    const [a, b, c] = [domain('a.example'), domain('b.example'), domain('c.example')];
    api.listDomains.mockResolvedValueOnce(page([a], 'p2', 3)).mockResolvedValueOnce(page([b], 'p3', 3));
    const store = useDomainsStore();
    const filters = { q: 'ex', statuses: ['pending' as const], sort: 'hostname' as const };
    await store.load(filters, 2);
    expect(api.listDomains.mock.calls).toEqual([
      [ORG, { q: 'ex', status: 'pending', sort: 'hostname', limit: 50 }],
      [ORG, { q: 'ex', status: 'pending', sort: 'hostname', limit: 50, cursor: 'p2' }],
    ]);
    expect(store.items.map((d) => d.hostname)).toEqual(['a.example', 'b.example']);
    expect([store.pages, store.nextCursor, store.total]).toEqual([2, 'p3', 3]);

    api.listDomains.mockResolvedValueOnce(page([c, b], null, 3));
    await store.loadMore();
    expect(api.listDomains).toHaveBeenLastCalledWith(ORG, { q: 'ex', status: 'pending', sort: 'hostname', limit: 50, cursor: 'p3' });
    expect(store.items.map((d) => d.hostname)).toEqual(['a.example', 'b.example', 'c.example']);
    expect(store.nextCursor).toBeNull();
    await store.loadMore(); // no next page: no call
    expect(api.listDomains).toHaveBeenCalledTimes(3);
  });

  it('drops the answer of an older load that arrives last', async () => {
    let release!: (p: DomainListPage) => void;
    api.listDomains.mockReturnValueOnce(new Promise((resolve) => (release = resolve))).mockResolvedValueOnce(page([domain('new.example')], null, 1));
    const store = useDomainsStore();
    const slow = store.load({ ...DEFAULT_FILTERS, q: 'old' });
    await store.load({ ...DEFAULT_FILTERS, q: 'new' });
    release(page([domain('old.example')], null, 1));
    await slow;
    expect(store.items.map((d) => d.hostname)).toEqual(['new.example']);
    expect(store.filters.q).toBe('new');
  });

  it('selects rows one by one and all on the page', async () => {
    const rows = [domain('a.example'), domain('b.example'), domain('c.example')];
    api.listDomains.mockResolvedValueOnce(page(rows, null, 3));
    const store = useDomainsStore();
    await store.load(DEFAULT_FILTERS);
    store.toggle(rows[1]!.id);
    expect(store.selectedItems.map((d) => d.hostname)).toEqual(['b.example']);
    expect(store.allSelected).toBe(false);
    store.toggleAll();
    expect(store.selectedIds).toHaveLength(3);
    expect(store.allSelected).toBe(true);
    store.toggleAll();
    expect(store.selectedIds).toEqual([]);
    store.toggle(rows[0]!.id);
    store.toggle(rows[0]!.id);
    expect(store.selectedIds).toEqual([]);
  });

  it('bulk delete: deleted rows leave, failed ones stay selected with their hostname and reason', async () => {
    const [a, b, c] = [domain('a.example'), domain('b.example', { usage: { projects: 1, services: 0 } }), domain('c.example')];
    api.listDomains.mockResolvedValueOnce(page([a, b, c], null, 3));
    const store = useDomainsStore();
    await store.load(DEFAULT_FILTERS);
    store.toggle(a.id);
    store.toggle(b.id);
    api.bulkDomains.mockResolvedValueOnce([
      { id: a.id, ok: true, status: 'archived' },
      { id: b.id, ok: false, code: 'DOMAIN_IN_USE', message: 'in use' },
    ]);
    const outcome = await store.runBulk('delete', 'delete 2 domains');
    expect(api.bulkDomains).toHaveBeenCalledWith(ORG, { action: 'delete', domainIds: [a.id, b.id], confirm: 'delete 2 domains' });
    expect(outcome.succeeded.map((r) => r.id)).toEqual([a.id]);
    expect(outcome.failed).toEqual([{ id: b.id, ok: false, code: 'DOMAIN_IN_USE', message: 'in use', hostname: 'b.example' }]);
    expect(store.items.map((d) => d.hostname)).toEqual(['b.example', 'c.example']);
    expect(store.total).toBe(2);
    expect(store.selectedIds).toEqual([b.id]);
  });

  it('bulk verify: rows take their new status; a failure of the whole request leaves everything as it was', async () => {
    const [a, b] = [domain('a.example'), domain('b.example')];
    api.listDomains.mockResolvedValueOnce(page([a, b], null, 2));
    const store = useDomainsStore();
    await store.load(DEFAULT_FILTERS);
    store.toggleAll();
    api.bulkDomains.mockResolvedValueOnce([
      { id: a.id, ok: true, status: 'verifying' },
      { id: b.id, ok: false, code: 'VERIFICATION_RATE_LIMITED', message: 'wait', retryAfterSeconds: 42 },
    ]);
    const outcome = await store.runBulk('verify');
    expect(api.bulkDomains).toHaveBeenCalledWith(ORG, { action: 'verify', domainIds: [a.id, b.id] });
    expect(store.items.map((d) => d.status)).toEqual(['verifying', 'pending']);
    expect(outcome.failed[0]).toMatchObject({ hostname: 'b.example', retryAfterSeconds: 42 });
    expect(store.selectedIds).toEqual([b.id]);

    api.bulkDomains.mockRejectedValueOnce(new Error('offline'));
    await expect(store.runBulk('verify')).rejects.toThrow('offline');
    expect(store.items.map((d) => d.status)).toEqual(['verifying', 'pending']);
    expect(store.selectedIds).toEqual([b.id]);
  });

  it('applies domain events of its organization to loaded rows only', async () => {
    const [a, b] = [domain('a.example'), domain('b.example')];
    api.listDomains.mockResolvedValueOnce(page([a, b], null, 2));
    const store = useDomainsStore();
    await store.load(DEFAULT_FILTERS);
    const event = (id: string, status: string, organizationId = ORG) => ({
      id: `e-${id}-${status}`,
      type: 'domain.verified',
      occurredAt: '2026-01-01T00:00:00.000Z',
      organizationId,
      projectId: null,
      customerRef: null,
      subject: { kind: 'domain', id },
      data: { status, message: `now ${status}` },
    });
    expect(store.applyEvent(event(a.id, 'verified'))).toBe(true);
    expect(store.items[0]).toMatchObject({ status: 'verified', statusMessage: 'now verified' });
    expect(store.applyEvent(event(b.id, 'verified', 'another-org'))).toBe(false);
    expect(store.applyEvent(event('unknown', 'verified'))).toBe(false);
    expect(store.applyEvent(event(b.id, 'not-a-status'))).toBe(false);
    expect(store.applyEvent(event(b.id, 'archived'))).toBe(true);
    expect(store.items.map((d) => d.hostname)).toEqual(['a.example']);
    expect(store.total).toBe(1);
  });

  it('polls the loaded rows again and takes over their status in place', async () => {
    const [a, b] = [domain('a.example'), domain('b.example')];
    api.listDomains.mockResolvedValueOnce(page([a, b], 'more', 60));
    const store = useDomainsStore();
    await store.load(DEFAULT_FILTERS);
    api.listDomains.mockResolvedValueOnce(page([{ ...b, status: 'live' }, a], null, 60));
    await store.refreshStatuses();
    expect(api.listDomains).toHaveBeenLastCalledWith(ORG, { sort: '-createdAt', limit: 50 });
    expect(store.items.map((d) => `${d.hostname}:${d.status}`)).toEqual(['a.example:pending', 'b.example:live']);
    expect(store.nextCursor).toBe('more');
  });

  it('starts again when the organization changes', async () => {
    api.listDomains.mockResolvedValueOnce(page([domain('a.example')], null, 1));
    const store = useDomainsStore();
    await store.load(DEFAULT_FILTERS);
    store.toggleAll();
    useSessionStore().currentOrganizationId = '00000000-0000-4000-8000-0000000000ff';
    await nextTick();
    expect([store.items.length, store.total, store.selectedIds.length, store.pages]).toEqual([0, 0, 0, 0]);
  });
});
