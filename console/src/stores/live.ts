import { acceptHMRUpdate, defineStore } from 'pinia';
import { ref } from 'vue';

/** One event as Portico publishes it (GET /v1/events, the events stream, webhooks). */
export interface LiveEvent {
  id: string;
  type: string;
  occurredAt: string;
  organizationId: string;
  projectId: string | null;
  customerRef: string | null;
  subject: { kind: string; id: string };
  data: Record<string, unknown>;
}

export type LiveHandler = (event: LiveEvent) => void;

/**
 * Live updates for the current organization: the events stream while it holds, polling when it does not.
 * Stores subscribe to react to changes (a domain's status, a delivery) without reloading the page.
 * (Placeholder: the stream and polling are not wired yet; `subscribe` already works.)
 */
export const useLiveStore = defineStore('live', () => {
  const mode = ref<'off' | 'stream' | 'polling'>('off');
  const handlers = new Set<LiveHandler>();

  function subscribe(handler: LiveHandler): () => void {
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  function publish(event: LiveEvent): void {
    for (const handler of handlers) handler(event);
  }

  function start(_organizationId: string): void {
    mode.value = 'off';
  }

  function stop(): void {
    mode.value = 'off';
  }

  return { mode, subscribe, publish, start, stop };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useLiveStore, import.meta.hot));
