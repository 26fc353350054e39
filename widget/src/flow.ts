import { ApiError, type Domain } from './api.ts';
import { createAutomatic } from './flow/automatic.ts';
import { createCore } from './flow/core.ts';
import { createManual } from './flow/manual.ts';
import { createPolling } from './flow/progress-polling.ts';
import { safeStorage, storageKey, type FlowHost } from './flow/state.ts';

/**
 * The widget's journey as a state machine over the API: enter → detect → (automatic: credential → conflict |
 * consent) | manual → progress → success, with the error, refused, expired and confirm-close states around it.
 * Components only render `state` and call the actions; every server call goes through `api.ts`.
 *
 * The parts live in flow/: state.ts (state and types), core.ts (API client, token-expiry wait, failures),
 * automatic.ts (credential and Domain Connect setup), manual.ts (records) and progress-polling.ts (progress).
 */

export { automaticRoute } from './flow/automatic.ts';
export type { FlowError, FlowHost, Screen } from './flow/state.ts';

/** Statuses in which the manual records are the next thing to do when a domain is resumed. */
const AWAITING_RECORDS = new Set(['pending', 'failed_temporary', 'stalled', 'failed_permanent']);

export function createFlow(host: FlowHost) {
  // The parts call each other late (after all exist), hence the arrow links.
  const core = createCore(host, { stopPolling: () => polling.stopPolling(), start: () => start() });
  const polling = createPolling(core, {
    showConsentPage: (url) => automatic.showConsentPage(url),
    chooseAutomatic: () => automatic.chooseAutomatic(),
    startOver: () => startOver(),
  });
  const manual = createManual(core, { showProgress: polling.showProgress });
  const automatic = createAutomatic(core, { showProgress: polling.showProgress, schedulePoll: polling.schedulePoll, openManual: manual.openManual });
  const { state, api, shared, go, fail, run, remember, forget } = core;
  const startOptions = { domain: '', domainId: '' };

  async function start() {
    if (!host.token()) return;
    shared.stopped = false;
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

  function resume(domain: Domain) {
    state.domain = domain;
    state.hostname = domain.hostname;
    state.input = domain.hostname;
    remember(domain.id);
    if (AWAITING_RECORDS.has(domain.status) && domain.setup.mode === 'manual') void manual.openManual();
    else polling.showProgress();
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

  function retry() {
    const again = state.error?.retry;
    if (!again) return startOver();
    state.error = null;
    return again();
  }

  function startOver() {
    polling.stopPolling();
    forget();
    state.domain = null;
    state.check = null;
    state.steps = null;
    state.error = null;
    state.credentialId = null;
    shared.setupBaseline = null;
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
    shared.stopped = true;
    polling.stopPolling();
    manual.dispose();
  }

  return {
    state,
    startOptions,
    start,
    tokenChanged: core.tokenChanged,
    announce: core.announce,
    submitHostname,
    resume,
    chooseAutomatic: automatic.chooseAutomatic,
    credentialProvider: automatic.credentialProvider,
    automaticProvider: automatic.automaticProvider,
    submitCredential: automatic.submitCredential,
    replaceConflicts: automatic.replaceConflicts,
    reopenConsent: automatic.reopenConsent,
    consentDone: () => polling.showProgress(),
    consentMessage: automatic.consentMessage,
    openManual: manual.openManual,
    addedRecords: manual.addedRecords,
    retry,
    startOver,
    requestClose,
    close,
    cancelClose: () => (state.confirming = false),
    dispose,
  };
}

export type Flow = ReturnType<typeof createFlow>;
