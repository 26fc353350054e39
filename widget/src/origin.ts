/**
 * The origin this script was loaded from: the default `api-base`, since Portico serves the widget itself. Read while
 * the script runs (a classic script's `document.currentScript`, a module's `import.meta.url`), else the page's.
 */
function scriptOrigin(): string {
  try {
    const current = document.currentScript as HTMLScriptElement | null;
    if (current?.src) return new URL(current.src).origin;
  } catch {
    // fall through
  }
  try {
    const url = new URL(import.meta.url);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // fall through
  }
  return globalThis.location?.origin ?? '';
}

export const loadedFrom = scriptOrigin();
