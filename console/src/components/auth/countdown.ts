import { computed, onBeforeUnmount, ref, type Ref } from 'vue';

/**
 * Seconds left of a wait the server asked for (Retry-After): `start(seconds)` begins it, `left` counts down to 0
 * once a second, `waiting` is true until then. Stops itself when the component unmounts.
 */
export function useCountdown(): { left: Ref<number>; waiting: Ref<boolean>; start: (seconds: number | null) => void } {
  const left = ref(0);
  let timer: ReturnType<typeof setInterval> | undefined;

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  function start(seconds: number | null): void {
    stop();
    left.value = Math.max(0, Math.ceil(seconds ?? 0));
    if (left.value === 0) return;
    timer = setInterval(() => {
      left.value = Math.max(0, left.value - 1);
      if (left.value === 0) stop();
    }, 1000);
  }

  onBeforeUnmount(stop);
  return { left, waiting: computed(() => left.value > 0) as unknown as Ref<boolean>, start };
}
