import { ApiError, type Domain, type DomainEvent } from '../api.ts';
import type { MessageKey } from '../i18n/index.ts';
import { progressOf, STEPS } from '../progress.ts';
import type { FlowCore } from './core.ts';

const POLL_MS = 2500;
const SETUP_FAILURES = new Set(['dns_setup_failed', 'dns_setup_conflict']);

export interface PollingLinks {
  showConsentPage: (url: string | null) => void;
  chooseAutomatic: () => unknown;
  startOver: () => void;
}

/**
 * The progress screen: polls the domain and its events while progress or consent is shown, announces step changes,
 * and turns the outcome into success, verified-only or an error (with the right retry).
 */
export function createPolling(core: FlowCore, links: PollingLinks) {
  const { host, state, api, shared, announce, forget, go, fail, run } = core;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;

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
    if (shared.stopped) return;
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
        fail(error, links.startOver);
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
      links.showConsentPage(domain.setup.redirectUrl);
      if (domain.status !== 'propagating' && domain.status !== 'pending') state.screen = 'progress';
    }
    if (previous && state.screen === 'progress') {
      const changed = STEPS.find((s) => previous[s] !== progress.steps[s] && progress.steps[s] !== 'waiting');
      if (changed) announce(host.t('progress.announce', { step: host.t(`progress.${changed}`), state: host.t(`progress.${progress.steps[changed]}`) }));
    }
    const baseline = shared.setupBaseline;
    const failure = baseline && state.events.find((e) => !baseline.has(e.id) && SETUP_FAILURES.has(e.reason));
    if (failure) {
      shared.setupBaseline = null;
      state.error = {
        title: failure.reason === 'dns_setup_conflict' ? 'error.conflict' : 'error.setupFailed',
        message: failure.message,
        retry: () => links.chooseAutomatic(),
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
    shared.setupBaseline = null;
    go('progress');
    schedulePoll(0);
  }

  return { showProgress, stopPolling, schedulePoll };
}
