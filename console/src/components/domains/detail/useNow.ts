import { onBeforeUnmount, onMounted, ref } from 'vue';

/** The current time, moving on every `everyMs` while the component is mounted (relative times stay right). */
export function useNow(everyMs = 15_000) {
  const now = ref(new Date());
  let timer: ReturnType<typeof setInterval> | null = null;
  onMounted(() => {
    timer = setInterval(() => (now.value = new Date()), everyMs);
  });
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer);
  });
  return now;
}

/**
 * A moment known to be past (created, checked, an event) read against a clock that ticks only now and then: never
 * later than `now`, so a fresh event reads "now", not "in 5 seconds".
 */
export function pastOrNow(value: string, now: Date): Date {
  return new Date(Math.min(new Date(value).getTime(), now.getTime()));
}
