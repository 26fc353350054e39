import { onBeforeUnmount, onMounted } from 'vue';

/**
 * Runs `tick` every `ms` while the page is visible (and once when it becomes visible again), from mount to
 * unmount: the fallback that keeps a page current when no live event says what changed.
 */
export function useVisibleInterval(tick: () => void, ms: number): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const onVisibility = () => {
    if (document.visibilityState === 'visible') tick();
  };
  onMounted(() => {
    timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') tick();
    }, ms);
    document.addEventListener('visibilitychange', onVisibility);
  });
  onBeforeUnmount(() => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });
}
