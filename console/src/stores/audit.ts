import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref, watch } from 'vue';
import * as api from '@/api/audit';
import type { AuditEntry, AuditFilters } from '@/api/audit';
import { useSessionStore } from './session';

const PAGE_SIZE = 50;

/** The current organization's audit log, newest first, page by page (keyset cursor), under the chosen filters. */
export const useAuditStore = defineStore('audit', () => {
  const session = useSessionStore();
  const entries = ref<AuditEntry[]>([]);
  const nextCursor = ref<string | null>(null);
  const filters = ref<AuditFilters>({});
  let generation = 0;

  function organizationId(): string {
    if (!session.currentOrganizationId) throw new Error('no organization is chosen');
    return session.currentOrganizationId;
  }

  /** The first page under `next` filters (empty values dropped). */
  async function load(next: AuditFilters = filters.value): Promise<AuditEntry[]> {
    const cleaned = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined && v !== '')) as AuditFilters;
    const mine = ++generation;
    const page = await api.listAudit(organizationId(), cleaned, undefined, PAGE_SIZE);
    if (mine === generation) {
      filters.value = cleaned;
      entries.value = page.data;
      nextCursor.value = page.nextCursor;
    }
    return entries.value;
  }

  async function loadMore(): Promise<void> {
    if (!nextCursor.value) return;
    const mine = generation;
    const page = await api.listAudit(organizationId(), filters.value, nextCursor.value, PAGE_SIZE);
    if (mine !== generation) return;
    const known = new Set(entries.value.map((e) => e.id));
    entries.value = [...entries.value, ...page.data.filter((e) => !known.has(e.id))];
    nextCursor.value = page.nextCursor;
  }

  function reset(): void {
    generation++;
    entries.value = [];
    nextCursor.value = null;
    filters.value = {};
  }
  watch(() => session.currentOrganizationId, reset);

  return { entries, nextCursor, filters, load, loadMore, reset };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAuditStore, import.meta.hot));
