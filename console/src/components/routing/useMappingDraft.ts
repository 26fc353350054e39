import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import type { ApiError } from '@/api/client';
import type { Availability, MappingPreview } from '@/api/routing';
import { useRoutingStore } from '@/stores/routing';
import { inputOf, type MappingDraft } from './draft';
import { asApiError } from './issues';

/** How long the editor waits after the last keystroke before it asks the server. */
export const DRAFT_DEBOUNCE_MS = 350;

/**
 * The live side of the mapping editor: after typing settles, the availability check (as soon as a domain is picked)
 * and the preview (once a service is picked too). Answers to older drafts are dropped. When editing, the mapping's
 * own host and base path do not count as taken.
 */
export function useMappingDraft(draft: Ref<MappingDraft>, editingId: string | null = null) {
  const store = useRoutingStore();
  const preview = ref<MappingPreview | null>(null);
  const availability = ref<Availability | null>(null);
  const pending = ref(false);
  const error = ref<ApiError | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  const ownConflict = (a: Availability): Availability =>
    editingId && a.conflict?.mappingId === editingId && a.issues.length === 0 ? { ...a, available: true, conflict: null } : a;

  async function run(): Promise<void> {
    const mine = ++generation;
    const current = draft.value;
    if (!current.domainId) {
      preview.value = null;
      availability.value = null;
      pending.value = false;
      return;
    }
    const input = inputOf(current);
    try {
      const [checked, previewed] = await Promise.all([
        store.check({ domainId: input.domainId, ...(input.subdomain ? { subdomain: input.subdomain } : {}), basePath: input.basePath ?? '/' }),
        current.serviceId ? store.preview(input) : Promise.resolve(null),
      ]);
      if (mine !== generation) return;
      availability.value = ownConflict(checked);
      preview.value = previewed;
      error.value = null;
    } catch (caught) {
      if (mine !== generation) return;
      error.value = asApiError(caught);
    } finally {
      if (mine === generation) pending.value = false;
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    pending.value = true;
    timer = setTimeout(() => void run(), DRAFT_DEBOUNCE_MS);
  }

  /** Shows what a refused save said (409 MAPPING_CONFLICT details) until the draft changes. */
  function showConflict(details: { conflict?: Availability['conflict']; suggestions?: Availability['suggestions'] } | null, host: string, basePath: string): void {
    availability.value = { available: false, host, basePath, conflict: details?.conflict ?? null, suggestions: details?.suggestions ?? { basePaths: [], subdomains: [] }, issues: [] };
  }

  watch(draft, schedule, { deep: true, immediate: true });
  onBeforeUnmount(() => {
    clearTimeout(timer);
    generation++;
  });

  return { preview, availability, pending, error, showConflict, refresh: run };
}
