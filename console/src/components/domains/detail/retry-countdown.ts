import { computed, ref } from 'vue';

/** Seconds left until `retryAt` (epoch ms) at `now`, never negative; 0 when nothing is waited for. */
export function secondsUntil(retryAt: number | null, now: number): number {
  return retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));
}

/**
 * A wait the server asked for (Retry-After), measured against the clock so it stays right however late the timer
 * fires: `start(seconds)` begins it, `secondsLeft` counts down to 0 once a second, `stop()` drops it. It lives as
 * long as its owner (a store keeps it across page visits), not a component.
 */
export function createRetryCountdown() {
  const retryAt = ref<number | null>(null);
  const now = ref(Date.now());
  const secondsLeft = computed(() => secondsUntil(retryAt.value, now.value));
  let ticker: ReturnType<typeof setInterval> | null = null;

  function stop(): void {
    if (ticker) clearInterval(ticker);
    ticker = null;
    retryAt.value = null;
  }

  function start(seconds: number): void {
    stop();
    now.value = Date.now();
    retryAt.value = now.value + seconds * 1000;
    ticker = setInterval(() => {
      now.value = Date.now();
      if (secondsLeft.value === 0) stop();
    }, 1000);
  }

  return { secondsLeft, start, stop };
}
