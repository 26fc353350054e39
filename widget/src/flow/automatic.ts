import type { DomainCheck, Domain, Provider } from '../api.ts';
import type { FlowCore } from './core.ts';

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

export interface AutomaticLinks {
  showProgress: () => void;
  schedulePoll: (delay?: number) => void;
  openManual: () => Promise<void>;
}

/** The automatic setup: a stored or new provider credential (plan, conflicts, apply) or Domain Connect consent. */
export function createAutomatic(core: FlowCore, links: AutomaticLinks) {
  const { host, state, api, shared, go, run, ensureDomain, loadProviders } = core;
  let consentPopup: Window | null = null;

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
    if (!check || !route) return links.openManual();
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
    shared.setupBaseline = new Set((await api.events(domain.id)).data.map((e) => e.id));
    const started = await api.setup(domain.id, body);
    state.domain = started;
    if (body.provider) return started;
    links.showProgress();
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
    links.schedulePoll(0);
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
    if (state.screen === 'consent') links.showProgress();
  }

  return { automaticProvider, chooseAutomatic, credentialProvider, submitCredential, replaceConflicts, showConsentPage, reopenConsent, consentMessage };
}
