import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import * as api from '@/api/domains';
import type { BulkAction, DomainBulkResult, DomainListItem } from '@/api/domains';
import { DEFAULT_FILTERS, PAGE_SIZE, toApiQuery, type DomainFilters } from '@/domains/list-query';
import { isDomainStatus } from '@/domains/status';
import type { LiveEvent } from '@/stores/live';
import { useSessionStore } from '@/stores/session';

/** What one bulk action did: the server's result per domain, with the hostname the row had. */
export interface BulkOutcome {
  action: BulkAction;
  succeeded: DomainBulkResult[];
  failed: Array<DomainBulkResult & { hostname: string }>;
}

/**
 * The domain list of the current organization: the loaded keyset pages for one set of filters, the rows selected for
 * bulk actions, and live status changes. Only loaded pages are held (Load more appends the next one); a new set of
 * filters or another organization starts again from the first page.
 */
export const useDomainsStore = defineStore('domains', () => {
  const session = useSessionStore();
  const items = shallowRef<DomainListItem[]>([]);
  const total = ref(0);
  /** False when the server stopped counting at its cap: `total` is then a lower bound. */
  const totalIsExact = ref(true);
  const nextCursor = ref<string | null>(null);
  const pages = ref(0);
  const filters = ref<DomainFilters>({ ...DEFAULT_FILTERS });
  const loadingMore = ref(false);
  const selectedIds = ref<string[]>([]);
  let generation = 0;

  const selected = computed(() => new Set(selectedIds.value));
  const selectedItems = computed(() => items.value.filter((d) => selected.value.has(d.id)));
  const allSelected = computed(() => items.value.length > 0 && items.value.every((d) => selected.value.has(d.id)));

  function organizationId(): string {
    const id = session.currentOrganizationId;
    if (!id) throw new Error('no organization chosen');
    return id;
  }

  function reset(): void {
    generation++;
    items.value = [];
    total.value = 0;
    totalIsExact.value = true;
    nextCursor.value = null;
    pages.value = 0;
    selectedIds.value = [];
  }

  /**
   * Loads the first `pageCount` pages for `next` filters (the URL may ask for several after a reload). The rows of
   * an earlier call that answers late are dropped.
   */
  async function load(next: DomainFilters, pageCount = 1): Promise<void> {
    const mine = ++generation;
    const org = organizationId();
    const rows: DomainListItem[] = [];
    let cursor: string | null = null;
    let loaded = 0;
    let count: number;
    let exact: boolean;
    do {
      const page = await api.listDomains(org, toApiQuery(next, cursor));
      if (mine !== generation) return;
      rows.push(...page.data);
      cursor = page.nextCursor;
      count = page.total;
      exact = page.totalIsExact;
      loaded++;
    } while (cursor && loaded < pageCount);
    filters.value = { ...next, statuses: [...next.statuses] };
    items.value = rows;
    total.value = count;
    totalIsExact.value = exact;
    nextCursor.value = cursor;
    pages.value = loaded;
    const present = new Set(rows.map((d) => d.id));
    selectedIds.value = selectedIds.value.filter((id) => present.has(id));
  }

  /** Appends the next page (nothing when there is none or one is loading). */
  async function loadMore(): Promise<void> {
    if (!nextCursor.value || loadingMore.value) return;
    const mine = generation;
    loadingMore.value = true;
    try {
      const page = await api.listDomains(organizationId(), toApiQuery(filters.value, nextCursor.value));
      if (mine !== generation) return;
      const known = new Set(items.value.map((d) => d.id));
      items.value = [...items.value, ...page.data.filter((d) => !known.has(d.id))];
      nextCursor.value = page.nextCursor;
      total.value = page.total;
      totalIsExact.value = page.totalIsExact;
      pages.value++;
    } finally {
      loadingMore.value = false;
    }
  }

  /**
   * Polling fallback for changes no event announces: reads the loaded rows again (as one request, up to the
   * server's page limit) and takes over their status; rows keep their place so nothing jumps under the pointer.
   */
  async function refreshStatuses(): Promise<void> {
    if (items.value.length === 0) return;
    const mine = generation;
    const page = await api.listDomains(organizationId(), { ...toApiQuery(filters.value), limit: Math.min(Math.max(items.value.length, PAGE_SIZE), 200) });
    if (mine !== generation) return;
    const fresh = new Map(page.data.map((d) => [d.id, d]));
    items.value = items.value.map((d) => fresh.get(d.id) ?? d);
    total.value = page.total;
    totalIsExact.value = page.totalIsExact;
  }

  /** A domain event (`domain.verified`, `domain.deleted`, …): its row takes the new status, or leaves when deleted. */
  function applyEvent(event: LiveEvent): boolean {
    if (event.subject?.kind !== 'domain' || event.organizationId !== session.currentOrganizationId) return false;
    const status = event.data?.status;
    if (!isDomainStatus(status)) return false;
    const index = items.value.findIndex((d) => d.id === event.subject.id);
    if (index < 0) return false;
    if (status === 'archived') {
      removeRows([event.subject.id]);
      return true;
    }
    const message = typeof event.data.message === 'string' ? event.data.message : null;
    const next = [...items.value];
    next[index] = { ...next[index]!, status, statusMessage: message ?? next[index]!.statusMessage };
    items.value = next;
    return true;
  }

  function removeRows(ids: string[]): void {
    const gone = new Set(ids);
    const before = items.value.length;
    items.value = items.value.filter((d) => !gone.has(d.id));
    total.value = Math.max(0, total.value - (before - items.value.length));
    selectedIds.value = selectedIds.value.filter((id) => !gone.has(id));
  }

  function toggle(id: string, on = !selected.value.has(id)): void {
    selectedIds.value = on ? [...new Set([...selectedIds.value, id])] : selectedIds.value.filter((s) => s !== id);
  }

  /** Selects every loaded row, or clears the selection when all are selected already. */
  function toggleAll(on = !allSelected.value): void {
    selectedIds.value = on ? items.value.map((d) => d.id) : [];
  }

  function clearSelection(): void {
    selectedIds.value = [];
  }

  /**
   * Runs a bulk action on the selected rows. Deleted rows leave the list, verified ones take their new status;
   * failed rows stay selected so the user can act on them again.
   */
  async function runBulk(action: BulkAction, confirm?: string): Promise<BulkOutcome> {
    const targets = selectedItems.value;
    if (targets.length === 0) return { action, succeeded: [], failed: [] };
    const results = await api.bulkDomains(organizationId(), { action, domainIds: targets.map((d) => d.id), ...(confirm ? { confirm } : {}) });
    const hostnames = new Map(targets.map((d) => [d.id, d.hostname]));
    const succeeded = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok).map((r) => ({ ...r, hostname: hostnames.get(r.id) ?? r.id }));
    if (action === 'delete') removeRows(succeeded.map((r) => r.id));
    else {
      const statuses = new Map(succeeded.map((r) => [r.id, r.status]));
      items.value = items.value.map((d) => {
        const status = statuses.get(d.id);
        return status ? { ...d, status } : d;
      });
    }
    selectedIds.value = failed.map((r) => r.id).filter((id) => items.value.some((d) => d.id === id));
    return { action, succeeded, failed };
  }

  watch(
    () => session.currentOrganizationId,
    () => reset(),
  );

  return { items, total, totalIsExact, nextCursor, pages, filters, loadingMore, selectedIds, selected, selectedItems, allSelected, load, loadMore, refreshStatuses, applyEvent, toggle, toggleAll, clearSelection, runBulk, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDomainsStore, import.meta.hot));
