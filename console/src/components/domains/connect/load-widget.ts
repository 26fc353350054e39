/**
 * Loads the Connect widget (`<portico-connect>`) that Portico serves next to the console: same origin, so the
 * console's `script-src 'self'` admits it, and its styles stay in its shadow root. Loaded once, on first use.
 */
export const WIDGET_MODULE_URL = '/widget/portico-connect.mjs';

let loading: Promise<void> | null = null;

export function loadConnectWidget(url: string = WIDGET_MODULE_URL): Promise<void> {
  if (customElements.get('portico-connect')) return Promise.resolve();
  loading ??= import(/* @vite-ignore */ url)
    .then(() => customElements.whenDefined('portico-connect'))
    .then(() => undefined)
    .catch((error: unknown) => {
      loading = null; // a later attempt tries again (the file may have been rebuilt meanwhile)
      throw error;
    });
  return loading;
}
