import { ApiError, createClient, type Client, type Domain, type Provider } from '../api.ts';
import type { MessageKey } from '../i18n/index.ts';
import { createState, safeStorage, storageKey, type FlowHost, type Screen } from './state.ts';

/** What the core needs from the parts composed around it (called late, once everything exists). */
export interface CoreLinks {
  stopPolling: () => void;
  start: () => Promise<void>;
}

/**
 * The parts every step shares: the state, the API client (whose 401s wait for a fresh token), screen changes,
 * failures, the busy-guarded action runner, and the domain remembered for resuming.
 */
export function createCore(host: FlowHost, links: CoreLinks) {
  const state = createState();
  let waiters: (() => void)[] = [];
  const shared = {
    /** Events present before a setup started; a setup failure is a new event not in it. */
    setupBaseline: null as Set<string> | null,
    /** Set once the widget is gone: no poll is scheduled any more. */
    stopped: false,
  };

  const api: Client = createClient({
    apiBase: host.apiBase,
    token: host.token,
    onUnauthorized: () => {
      if (!state.expired) {
        state.expired = true;
        host.emit('portico:token-expired', { domainId: state.domain?.id ?? null });
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  });

  /** A fresh token was handed in: lift the overlay and send the requests that waited for it. */
  function tokenChanged() {
    if (!host.token()) return;
    if (state.screen === 'loading' && !state.session && !state.expired) {
      void links.start();
      return;
    }
    state.expired = false;
    const ready = waiters;
    waiters = [];
    ready.forEach((resolve) => resolve());
  }

  function announce(text: string) {
    // Changing the text, even to the same words, makes screen readers read it again.
    state.announcement = '';
    queueMicrotask(() => (state.announcement = text));
  }

  const remember = (id: string) => state.session && safeStorage()?.setItem(storageKey(state.session.projectId), id);
  const forget = () => state.session && safeStorage()?.removeItem(storageKey(state.session.projectId));

  function go(screen: Screen) {
    if (screen !== 'progress' && screen !== 'consent') links.stopPolling();
    state.screen = screen;
  }

  /** Shows a failure: the origin refusal and network errors have their own words, everything else the server's. */
  function fail(error: unknown, retry?: () => unknown, title: MessageKey = 'error.heading') {
    const e = error instanceof ApiError ? error : new ApiError(0, 'INTERNAL', error instanceof Error ? error.message : String(error));
    if (e.code === 'WIDGET_ORIGIN_REFUSED') {
      state.refusedOrigin = typeof e.details?.origin === 'string' ? e.details.origin : globalThis.location?.origin ?? '';
      go('refused');
    } else {
      state.error = { title, message: e.code === 'NETWORK' ? host.t('error.network') : e.message || host.t('error.unknown', { code: e.code }), retry };
      go('error');
    }
    host.emit('portico:error', { code: e.code, message: e.message });
  }

  /** Runs one user action with the busy flag set; `onError` may handle a failure itself (return true). */
  async function run(action: () => Promise<void>, onError?: (e: ApiError) => boolean) {
    if (state.busy) return;
    state.busy = true;
    try {
      await action();
    } catch (error) {
      if (!(error instanceof ApiError && onError?.(error))) fail(error, () => run(action, onError));
    } finally {
      state.busy = false;
    }
  }

  async function ensureDomain(): Promise<Domain> {
    if (state.domain && state.domain.hostname === state.hostname) return state.domain;
    const existing = state.check?.existing;
    const domain = existing ? await api.domain(existing.id) : await api.createDomain(state.session!.organizationId, state.hostname);
    state.domain = domain;
    remember(domain.id);
    return domain;
  }

  async function loadProviders(): Promise<Provider[]> {
    state.providers ??= (await api.providers()).data;
    return state.providers;
  }

  return { host, state, api, shared, tokenChanged, announce, remember, forget, go, fail, run, ensureDomain, loadProviders };
}

export type FlowCore = ReturnType<typeof createCore>;
