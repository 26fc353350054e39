import { computed, ref, shallowRef, type Ref } from 'vue';
import { ApiError } from '@/api/client';

/** The state of anything a page loads: every page shows each of them (see components/ui/PageState.vue). */
export type ResourceState = 'loading' | 'ready' | 'empty' | 'error' | 'forbidden' | 'not-found';

export interface Resource<T> {
  data: Ref<T | undefined>;
  state: Ref<ResourceState>;
  error: Ref<ApiError | null>;
  /** Loads again; the data shown stays until the new answer arrives (no flash of the loading state). */
  reload: () => Promise<void>;
}

/**
 * Runs `load` and tracks its state: loading → ready, empty (when `isEmpty` says so), forbidden (403), not-found
 * (404) or error. Errors are kept as `ApiError` for the page to show with their code.
 */
export function useResource<T>(load: () => Promise<T>, options: { isEmpty?: (data: T) => boolean; immediate?: boolean } = {}): Resource<T> {
  const data = shallowRef<T | undefined>(undefined) as Ref<T | undefined>;
  const error = ref<ApiError | null>(null) as Ref<ApiError | null>;
  const loading = ref(false);
  let generation = 0;

  const state = computed<ResourceState>(() => {
    if (error.value) {
      if (error.value.forbidden) return 'forbidden';
      if (error.value.status === 404) return 'not-found';
      return 'error';
    }
    if (data.value === undefined) return 'loading';
    return options.isEmpty?.(data.value) ? 'empty' : 'ready';
  });

  async function reload(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    try {
      const next = await load();
      if (mine !== generation) return;
      data.value = next;
      error.value = null;
    } catch (caught) {
      if (mine !== generation) return;
      error.value = caught instanceof ApiError ? caught : new ApiError('INTERNAL', (caught as Error).message, 0);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  if (options.immediate !== false) void reload();
  return { data, state: state as unknown as Ref<ResourceState>, error, reload };
}
