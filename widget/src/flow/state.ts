import { reactive } from 'vue';
import type { DnsDiff, Domain, DomainCheck, DomainEvent, PlanChange, Provider, WidgetSession } from '../api.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { StepId, StepState } from '../progress.ts';

/** The journey's screens; components render the one in `state.screen`. */
export type Screen = 'loading' | 'enter' | 'detect' | 'credential' | 'conflict' | 'consent' | 'manual' | 'progress' | 'success' | 'verified' | 'error' | 'refused';

export interface FlowError {
  title: MessageKey;
  message: string;
  /** Runs the failed step again (handling its own failures); absent when only "set it up myself" or "start over" help. */
  retry?: () => unknown;
}

export interface FlowHost {
  token: () => string;
  apiBase: () => string;
  emit: (name: 'portico:connected' | 'portico:error' | 'portico:close' | 'portico:token-expired', detail: Record<string, unknown>) => void;
  /** Message texts for announcements (the aria-live region), in the widget's locale. */
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
}

export function createState() {
  return reactive({
    screen: 'loading' as Screen,
    busy: false,
    session: null as WidgetSession | null,
    input: '',
    inputError: '',
    check: null as DomainCheck | null,
    hostname: '',
    domain: null as Domain | null,
    events: [] as DomainEvent[],
    steps: null as Record<StepId, StepState> | null,
    providers: null as Provider[] | null,
    credentialError: '',
    /** The provider's own words about a refused credential (shown under the widget's explanation). */
    credentialDetail: '',
    conflicts: [] as PlanChange[],
    credentialId: null as string | null,
    consentUrl: null as string | null,
    consentBlocked: false,
    diff: null as DnsDiff | null,
    verifyWait: 0,
    manualError: '',
    error: null as FlowError | null,
    expired: false,
    confirming: false,
    refusedOrigin: '',
    resumable: [] as Domain[],
    announcement: '',
  });
}

export type FlowState = ReturnType<typeof createState>;

export function storageKey(projectId: string) {
  return `portico-connect:${projectId}`;
}

export function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
