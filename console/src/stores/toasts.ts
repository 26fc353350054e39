import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';

export type ToastTone = 'info' | 'success' | 'warning' | 'danger';

export interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
  /** A console path the toast links to (a domain, a webhook…). */
  link?: string;
}

/** Short messages in the corner: results of the user's own actions and live events. Each leaves by itself. */
export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let next = 1;

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  function show(message: string, tone: ToastTone = 'info', options: { link?: string; timeoutMs?: number } = {}): number {
    const id = next++;
    toasts.value = [...toasts.value.slice(-4), { id, tone, message, ...(options.link ? { link: options.link } : {}) }];
    const timeout = options.timeoutMs ?? (tone === 'danger' ? 10_000 : 5_000);
    if (timeout > 0) setTimeout(() => dismiss(id), timeout);
    return id;
  }

  return { toasts, show, dismiss };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useToastsStore, import.meta.hot));
