import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiError } from '@/api/client';
import { listDnsCredentials } from '@/api/dns';
import * as api from '@/api/domains';
import { createRetryCountdown } from '@/components/domains/detail/retry-countdown';
import { CHANGING } from '@/components/domains/detail/status-sets';
import { useResource } from '@/composables/useResource';
import type { DomainStatus } from '@/domains/status';
import { useLiveStore, type LiveEvent } from '@/stores/live';
import { useSessionStore } from '@/stores/session';

/** How often the domain is asked again while its status changes by itself (live events come sooner). */
export const POLL_INTERVAL_MS = 10_000;
/** After an action, the domain is asked again this soon (a few times while its check runs). */
export const FOLLOW_UP_MS = 2_000;
const FOLLOW_UPS = 5;

/**
 * One domain as its detail page shows it: the domain, its history (newest first), certificates, DNS diff, usage,
 * stored credentials and a dry-run plan for automatic setup; the actions on it; and the "verify now" wait the
 * server asked for (429 VERIFICATION_RATE_LIMITED → `verifyWaitSeconds` counts down to zero).
 * `follow()` keeps it current: live events about the domain, polling while its status changes by itself.
 */
export const useDomainDetailStore = defineStore('domain-detail', () => {
  const session = useSessionStore();
  const live = useLiveStore();
  const domainId = ref<string | null>(null);
  const id = (): string => {
    if (!domainId.value) throw new Error('no domain is open');
    return domainId.value;
  };

  const domain = useResource(() => api.getDomain(id()), { immediate: false });
  const events = useResource(async () => (await api.getDomainEvents(id())).slice().reverse(), { immediate: false, isEmpty: (list) => list.length === 0 });
  const certificates = useResource(() => api.getDomainCertificates(id()), { immediate: false, isEmpty: (list) => list.length === 0 });
  const diff = useResource(() => api.getDnsDiff(id()), { immediate: false });
  const usage = useResource(() => api.getDomainUsage(id()), { immediate: false });
  const credentials = useResource(
    async () => (await Promise.all((domain.data.value?.projectIds ?? []).map((projectId) => listDnsCredentials(projectId)))).flat(),
    { immediate: false, isEmpty: (list) => list.length === 0 },
  );
  const planQuery = ref<{ credentialId: string; adopt: boolean } | null>(null);
  const plan = useResource(() => api.getDnsPlan(id(), { credentialId: planQuery.value!.credentialId, adopt: planQuery.value!.adopt ? 'true' : 'false' }), { immediate: false });
  const resources = [domain, events, certificates, diff, usage, credentials, plan];

  const status = computed<DomainStatus | null>(() => domain.data.value?.status ?? null);

  // --- "Verify now" and the wait the server asks for ---
  const countdown = createRetryCountdown();
  const verifyWaitSeconds = countdown.secondsLeft;
  const verifying = ref(false);
  const removing = ref(false);

  async function verify(): Promise<void> {
    const target = id();
    verifying.value = true;
    try {
      const next = await api.verifyDomain(target);
      if (domainId.value !== target) return;
      domain.data.value = next;
      followUp();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'VERIFICATION_RATE_LIMITED') countdown.start(error.retryAfterSeconds ?? 60);
      throw error;
    } finally {
      verifying.value = false;
    }
  }

  // --- Automatic setup, certificates, delete ---
  function loadPlan(credentialId: string, adopt: boolean): Promise<void> {
    planQuery.value = { credentialId, adopt };
    return plan.reload();
  }

  async function setUpAutomatically(): Promise<void> {
    if (!planQuery.value) throw new Error('load a plan first');
    domain.data.value = await api.startDnsSetup(id(), planQuery.value);
    followUp();
  }

  async function renewCertificates(hostname?: string) {
    const answer = await api.requestDomainCertificates(id(), hostname);
    void certificates.reload();
    return answer.orders;
  }

  /** Deletes the open domain; from then on nothing more is asked about it (its own deletion event included). */
  async function remove(confirm?: string) {
    const target = id();
    removing.value = true;
    try {
      const answer = await api.deleteDomain(target, confirm);
      if (domainId.value === target) {
        stopAsking();
        domainId.value = null;
      }
      return answer;
    } finally {
      removing.value = false;
    }
  }

  // --- Staying current ---
  let followUpTimer: ReturnType<typeof setTimeout> | null = null;
  let followUpsLeft = 0;

  /** Asks again shortly after an action, a few times while the domain's check runs. */
  function followUp(): void {
    followUpsLeft = FOLLOW_UPS;
    scheduleFollowUp();
  }

  function scheduleFollowUp(): void {
    if (followUpTimer) clearTimeout(followUpTimer);
    followUpTimer = setTimeout(async () => {
      followUpTimer = null;
      if (!domainId.value) return;
      await domain.reload();
      followUpsLeft -= 1;
      if (followUpsLeft > 0 && (status.value === 'verifying' || status.value === 'propagating')) scheduleFollowUp();
    }, FOLLOW_UP_MS);
  }

  // Whatever moved the domain (a poll, an event, an action), its history, certificates and records moved with it.
  watch(
    () => (domain.data.value ? `${domain.data.value.id} ${domain.data.value.status} ${domain.data.value.updatedAt}` : null),
    (next, previous) => {
      if (!next || !previous || next.split(' ')[0] !== previous.split(' ')[0]) return;
      void events.reload();
      void certificates.reload();
      void diff.reload();
    },
  );

  function isAbout(event: LiveEvent): boolean {
    return !removing.value && !!domainId.value && (event.subject.id === domainId.value || event.data.domainId === domainId.value);
  }

  function stopAsking(): void {
    if (followUpTimer) clearTimeout(followUpTimer);
    followUpTimer = null;
  }

  /** Follows the open domain until the returned function is called: live events, and polling while it changes. */
  function follow(): () => void {
    const unsubscribe = live.subscribe((event) => {
      if (!isAbout(event)) return;
      void domain.reload();
      void events.reload();
      void certificates.reload();
    });
    const visible = () => typeof document === 'undefined' || document.visibilityState === 'visible';
    const timer = setInterval(() => {
      if (domainId.value && status.value && CHANGING.has(status.value) && visible()) void domain.reload();
    }, POLL_INTERVAL_MS);
    const onVisible = () => {
      if (visible() && domainId.value) void domain.reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      unsubscribe();
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      stopAsking();
    };
  }

  function reset(): void {
    for (const resource of resources) {
      resource.data.value = undefined;
      resource.error.value = null;
    }
    planQuery.value = null;
    countdown.stop();
  }

  /** Shows `next`: everything of another domain is dropped first, then every part loads. */
  function open(next: string): void {
    if (domainId.value !== next) reset();
    domainId.value = next;
    void domain.reload();
    void events.reload();
    void usage.reload();
    void certificates.reload();
    void diff.reload();
  }

  // Another organization on screen: nothing of this one stays (unless it is the open domain's own organization,
  // chosen because the domain was opened from a link).
  watch(
    () => session.currentOrganizationId,
    (organizationId) => {
      if (organizationId && organizationId === domain.data.value?.organizationId) return;
      reset();
      domainId.value = null;
    },
  );

  return {
    domainId,
    domain,
    events,
    certificates,
    diff,
    usage,
    credentials,
    plan,
    planQuery,
    status,
    verifying,
    removing,
    verifyWaitSeconds,
    open,
    follow,
    verify,
    loadPlan,
    setUpAutomatically,
    renewCertificates,
    remove,
    reset,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDomainDetailStore, import.meta.hot));
