import type { FlowCore } from './core.ts';

/** The manual setup: the records to add, then "I have added them" (waiting out a verification rate limit). */
export function createManual(core: FlowCore, links: { showProgress: () => void }) {
  const { host, state, api, go, run, ensureDomain, loadProviders } = core;
  let waitTimer: ReturnType<typeof setInterval> | undefined;

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
        links.showProgress();
      },
      (e) => {
        if (e.code === 'VERIFICATION_RATE_LIMITED') {
          waitThenVerify(e.retryAfterSeconds ?? 30);
          return true;
        }
        if (e.code === 'DOMAIN_NOT_VERIFIABLE') {
          links.showProgress();
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

  function dispose() {
    clearInterval(waitTimer);
  }

  return { openManual, addedRecords, dispose };
}
