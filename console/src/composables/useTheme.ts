import { ref, watchEffect } from 'vue';

export type ThemeChoice = 'light' | 'dark' | 'system';
const KEY = 'portico.theme';

const choice = ref<ThemeChoice>((typeof localStorage !== 'undefined' && (localStorage.getItem(KEY) as ThemeChoice | null)) || 'system');

/** Light, dark or the system's: set on <html data-theme>, remembered per browser. */
export function useTheme() {
  watchEffect(() => {
    if (typeof document === 'undefined') return;
    const dark = choice.value === 'dark' || (choice.value === 'system' && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    localStorage.setItem(KEY, choice.value);
  });
  return { choice };
}
