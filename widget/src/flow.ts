import { reactive } from 'vue';
import { ApiError, createClient, type Client, type DnsDiff, type Domain, type DomainCheck, type DomainEvent, type PlanChange, type Provider, type WidgetSession } from './api.ts';
import type { MessageKey } from './i18n/index.ts';
import { progressOf, STEPS, type StepId, type StepState } from './progress.ts';

/**
 * The widget's journey as a state machine over the API: enter → detect → (automatic: credential → conflict |
 * consent) | manual → progress → success, with the error, refused, expired and confirm-close states around it.
 * Components only render `state` and call the actions; every server call goes through `api.ts`.
 */

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

const POLL_MS = 2500;
/** Statuses in which the manual records are the next thing to do when a domain is resumed. */
const AWAITING_RECORDS = new Set(['pending', 'failed_temporary', 'stalled', 'failed_permanent']);
const SETUP_FAILURES = new Set(['dns_setup_failed', 'dns_setup_conflict']);

/**
 * How a check's domain can be set up automatically: through the provider's API (a credential is stored or can be
 * given now) or through Domain Connect (the owner agrees at the provider); null when only manual setup is possible.
 */
export function automaticRoute(check: DomainCheck | null): 'api' | 'domain-connect' | null {
  const reason = check?.automatic.reason;
  if (reason === 'ready' || reason === 'needs_credential') return 'api';
  if (reason === 'consent') return 'domain-connect';
  return null;
}

function storageKey(projectId: string) {
  return `portico-connect:${projectId}`;
}

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function createFlow(host: FlowHost) {
  const state = reactive({
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

  let waiters: (() => void)[] = [];
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let waitTimer: ReturnType<typeof setInterval> | undefined;
  let setupBaseline: Set<string> | null = null;
  let consentPopup: Window | null = null;
  let stopped = false;

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
      void start();
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
    if (screen !== 'progress' && screen !== 'consent') stopPolling();
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

  async function start() {
    if (!host.token()) return;
    stopped = false;
    go('loading');
    try {
      state.session = await api.session();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'NETWORK' && (await api.reachable())) {
        fail(new ApiError(403, 'WIDGET_ORIGIN_REFUSED', 'This page’s origin is not allowed to use the widget.', { origin: globalThis.location?.origin }));
      } else fail(error, start);
      return;
    }
    const initial = startOptions.domainId || safeStorage()?.getItem(storageKey(state.session.projectId));
    if (initial) {
      try {
        resume(await api.domain(initial));
        return;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) {
          fail(error, start);
          return;
        }
        forget();
      }
    }
    if (startOptions.domain && !state.input) state.input = startOptions.domain;
    go('enter');
    api.domains().then(
      ({ data }) => (state.resumable = data.filter((d) => d.status !== 'live' && d.status !== 'archived').slice(0, 3)),
      () => undefined,
    );
  }

  const startOptions = { domain: '', domainId: '' };

  function resume(domain: Domain) {
    state.domain = domain;
    state.hostname = domain.hostname;
    state.input = domain.hostname;
    remember(domain.id);
    if (AWAITING_RECORDS.has(domain.status) && domain.setup.mode === 'manual') void openManual();
    else showProgress();
  }

  function submitHostname() {
    const hostname = state.input.trim();
    state.inputError = '';
    if (!hostname) {
      state.inputError = host.t('enter.empty');
      return;
    }
    return run(
      async () => {
        const check = await api.check(hostname);
        state.check = check;
        state.hostname = check.hostname;
        if (state.domain && state.domain.hostname !== check.hostname) state.domain = null;
        if (check.existing) {
          resume(await api.domain(check.existing.id));
          return;
        }
        if (!check.available) {
          state.inputError = host.t('enter.taken', { hostname: check.hostname });
          return;
        }
        if (check.automatic.reason === 'zone_not_found') {
          state.inputError = host.t('enter.zoneNotFound', { hostname: check.hostname });
          return;
        }
        go('detect');
      },
      (e) => {
        if (e.code === 'HOSTNAME_INVALID' || e.code === 'VALIDATION_FAILED') state.inputError = host.t('enter.invalid', { hostname });
        else if (e.code === 'HOSTNAME_TAKEN') state.inputError = host.t('enter.taken', { hostname });
        else if (e.code === 'DNS_ZONE_NOT_FOUND') state.inputError = host.t('enter.zoneNotFound', { hostname });
        else if (e.code === 'WIDGET_HOSTNAME_REFUSED') {
          const allowed = String(e.details?.allowed ?? state.session?.hostname ?? '');
          state.inputError = host.t(state.session?.includeSubdomains ? 'enter.refusedSubdomains' : 'enter.refused', { allowed });
        } else return false;
        return true;
      },
    );
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

  /** The provider the automatic route goes through (a Domain Connect detection may be a candidate only). */
  function automaticProvider() {
    const check = state.check;
    if (!check) return null;
    const wanted = automaticRoute(check);
    return [check.provider, ...check.candidates].find((c) => c.setup === wanted) ?? check.provider;
  }

  function chooseAutomatic(popup?: Window | null) {
    const check = state.check;
    const route = automaticRoute(check);
    if (!check || !route) return openManual();
    return run(async () => {
      if (route === 'domain-connect') return startConsent(popup ?? null);
      const credential = state.credentialId ?? check.automatic.credentials[0]?.id;
      if (credential) {
        await planAndApply(credential);
        return;
      }
      await loadProviders();
      state.credentialError = '';
      go('credential');
    });
  }

  function credentialProvider(): Provider | null {
    const name = automaticProvider()?.provider;
    return state.providers?.find((p) => p.provider === name) ?? null;
  }

  function submitCredential(values: Record<string, unknown>) {
    const provider = credentialProvider();
    if (!provider) return;
    state.credentialError = '';
    state.credentialDetail = '';
    return run(
      async () => {
        const stored = await api.storeCredential(provider.provider, values);
        state.credentialId = stored.id;
        await planAndApply(stored.id);
      },
      (e) => {
        if (e.code === 'DNS_CREDENTIAL_REJECTED') {
          state.credentialError = host.t('credential.rejected', { provider: provider.displayName });
          state.credentialDetail = e.message;
        }
        else if (e.code === 'DNS_CREDENTIALS_INVALID' || e.code === 'VALIDATION_FAILED') state.credentialError = host.t('credential.invalid', { message: e.message });
        else return false;
        return true;
      },
    );
  }

  async function planAndApply(credentialId: string) {
    state.credentialId = credentialId;
    const domain = await ensureDomain();
    const plan = await api.plan(domain.id, credentialId);
    state.conflicts = plan.changes.filter((c) => c.action === 'conflict');
    if (state.conflicts.length > 0) {
      go('conflict');
      return;
    }
    await applySetup({ credentialId, adopt: false });
  }

  function replaceConflicts() {
    if (!state.credentialId) return;
    const credentialId = state.credentialId;
    return run(async () => {
      await applySetup({ credentialId, adopt: true });
    });
  }

  async function applySetup(body: { credentialId?: string; provider?: string; adopt?: boolean }): Promise<Domain> {
    const domain = await ensureDomain();
    setupBaseline = new Set((await api.events(domain.id)).data.map((e) => e.id));
    const started = await api.setup(domain.id, body);
    state.domain = started;
    if (body.provider) return started;
    showProgress();
    return started;
  }

  async function startConsent(popup: Window | null) {
    const provider = automaticProvider();
    consentPopup = popup;
    state.consentUrl = null;
    try {
      const started = await applySetup({ provider: provider?.provider });
      // The consent page's address comes from the setup job: at once, or with a later poll (applyDomain).
      showConsentPage(started.setup.redirectUrl);
    } catch (error) {
      popup?.close();
      throw error;
    }
    state.consentBlocked = !popup;
    go('consent');
    schedulePoll(0);
  }

  /** Points the popup opened on the click at the provider's consent page; without one, a link is shown instead. */
  function showConsentPage(url: string | null) {
    if (!url || url === state.consentUrl) return;
    state.consentUrl = url;
    if (consentPopup && !consentPopup.closed) consentPopup.location.href = url;
    else state.consentBlocked = true;
  }

  /** Opens the consent page again in a popup from this click; false when the browser refused one. */
  function reopenConsent(): boolean {
    if (!state.consentUrl) return false;
    consentPopup = window.open(state.consentUrl, 'portico-consent', 'popup,width=640,height=760');
    state.consentBlocked = !consentPopup;
    return !!consentPopup;
  }

  function consentMessage(event: MessageEvent) {
    let apiOrigin: string;
    try {
      apiOrigin = new URL(host.apiBase()).origin;
    } catch {
      return;
    }
    if (event.origin !== apiOrigin || (event.data as { type?: string } | null)?.type !== 'portico:consent-done') return;
    if (state.screen === 'consent') showProgress();
  }

  function openManual() {
    return run(async () => {
      const domain = await ensureDomain();
      state.manualError = '';
      const [diff] = await Promise.allSettled([api.diff(domain.id), loadProviders()]);
      state.diff = diff.status === 'fulfilled' ? diff.value : null;
      go('manual');
    });
  }

  function addedRecords() {
    const domain = state.domain;
    if (!domain || state.verifyWait > 0) return;
    state.manualError = '';
    return run(
      async () => {
        state.domain = await api.verify(domain.id);
        showProgress();
      },
      (e) => {
        if (e.code === 'VERIFICATION_RATE_LIMITED') {
          waitThenVerify(e.retryAfterSeconds ?? 30);
          return true;
        }
        if (e.code === 'DOMAIN_NOT_VERIFIABLE') {
          showProgress();
          return true;
        }
        if (e.code === 'VERIFY_METHOD_UNAVAILABLE') {
          state.manualError = host.t('manual.unavailable', { message: e.message });
          return true;
        }
        return false;
      },
    );
  }

  function waitThenVerify(seconds: number) {
    clearInterval(waitTimer);
    state.verifyWait = Math.ceil(seconds);
    waitTimer = setInterval(() => {
      state.verifyWait -= 1;
      if (state.verifyWait > 0) return;
      clearInterval(waitTimer);
      if (state.screen === 'manual') void addedRecords();
    }, 1000);
  }

  function showProgress() {
    go('progress');
    if (state.domain) applyDomain(state.domain, state.events);
    schedulePoll(0);
  }

  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = undefined;
  }

  function schedulePoll(delay = POLL_MS) {
    stopPolling();
    if (stopped) return;
    pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    const id = state.domain?.id;
    if (!id || (state.screen !== 'progress' && state.screen !== 'consent')) return;
    try {
      const [domain, events] = await Promise.all([api.domain(id), api.events(id)]);
      if (state.domain?.id !== id) return;
      applyDomain(domain, events.data);
    } catch (error) {
      // A dropped poll is tried again; only a domain that went away ends the journey.
      if (error instanceof ApiError && (error.status === 404 || error.code === 'WIDGET_ORIGIN_REFUSED')) {
        forget();
        fail(error, startOver);
        return;
      }
    }
    if (state.screen === 'progress' || state.screen === 'consent') schedulePoll();
  }

  function applyDomain(domain: Domain, events: DomainEvent[]) {
    state.domain = domain;
    state.events = [...events].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const progress = progressOf(domain.status, state.session?.defaultServiceConfigured ?? false);
    const previous = state.steps;
    state.steps = progress.steps;
    if (state.screen === 'consent') {
      showConsentPage(domain.setup.redirectUrl);
      if (domain.status !== 'propagating' && domain.status !== 'pending') state.screen = 'progress';
    }
    if (previous && state.screen === 'progress') {
      const changed = STEPS.find((s) => previous[s] !== progress.steps[s] && progress.steps[s] !== 'waiting');
      if (changed) announce(host.t('progress.announce', { step: host.t(`progress.${changed}`), state: host.t(`progress.${progress.steps[changed]}`) }));
    }
    const failure = setupBaseline && state.events.find((e) => !setupBaseline!.has(e.id) && SETUP_FAILURES.has(e.reason));
    if (failure) {
      setupBaseline = null;
      state.error = {
        title: failure.reason === 'dns_setup_conflict' ? 'error.conflict' : 'error.setupFailed',
        message: failure.message,
        retry: () => chooseAutomatic(),
      };
      go('error');
      host.emit('portico:error', { code: failure.reason.toUpperCase(), message: failure.message });
      return;
    }
    if (progress.outcome === 'live') {
      go('success');
      forget();
      host.emit('portico:connected', { domainId: domain.id, hostname: domain.hostname, url: `https://${domain.hostname}`, status: domain.status });
    } else if (progress.outcome === 'verified-only') {
      go('verified');
      host.emit('portico:connected', { domainId: domain.id, hostname: domain.hostname, url: `https://${domain.hostname}`, status: domain.status });
    } else if (progress.outcome === 'failed') {
      const title: MessageKey = domain.status === 'cert_failed' ? 'error.certificate' : domain.status === 'failed_permanent' || domain.status === 'stalled' ? 'error.verification' : 'error.status';
      state.error = {
        title,
        message: domain.statusMessage ?? domain.statusLabel,
        retry: domain.status === 'cert_failed' ? () => showProgress() : () => run(verifyAgain),
      };
      go('error');
      host.emit('portico:error', { code: domain.status.toUpperCase(), message: state.error.message });
    }
  }

  async function verifyAgain() {
    const domain = state.domain;
    if (!domain) return;
    try {
      state.domain = await api.verify(domain.id);
    } catch (error) {
      if (!(error instanceof ApiError) || (error.code !== 'VERIFICATION_RATE_LIMITED' && error.code !== 'DOMAIN_NOT_VERIFIABLE')) throw error;
    }
    state.steps = null;
    setupBaseline = null;
    go('progress');
    schedulePoll(0);
  }

  function retry() {
    const again = state.error?.retry;
    if (!again) return startOver();
    state.error = null;
    return again();
  }

  function startOver() {
    stopPolling();
    forget();
    state.domain = null;
    state.check = null;
    state.steps = null;
    state.error = null;
    state.credentialId = null;
    setupBaseline = null;
    go(state.session ? 'enter' : 'loading');
    if (!state.session) void start();
  }

  /** Leaving mid-journey asks first; before a domain is chosen or after the end it just closes. */
  function requestClose() {
    const mid = ['detect', 'credential', 'conflict', 'consent', 'manual', 'progress', 'error'].includes(state.screen) && !!state.hostname;
    if (mid) state.confirming = true;
    else close();
  }

  function close() {
    state.confirming = false;
    host.emit('portico:close', { domainId: state.domain?.id ?? null, status: state.domain?.status ?? null });
  }

  function dispose() {
    stopped = true;
    stopPolling();
    clearInterval(waitTimer);
  }

  return {
    state,
    startOptions,
    start,
    tokenChanged,
    announce,
    submitHostname,
    resume,
    chooseAutomatic,
    credentialProvider,
    automaticProvider,
    submitCredential,
    replaceConflicts,
    reopenConsent,
    consentDone: () => showProgress(),
    consentMessage,
    openManual,
    addedRecords,
    retry,
    startOver,
    requestClose,
    close,
    cancelClose: () => (state.confirming = false),
    dispose,
  };
}

export type Flow = ReturnType<typeof createFlow>;
