/**
 * Fetching the challenge URL: a GET connected to the checked address only, redirects within the same scheme,
 * host and port, with a deadline and a size cap. The kernel's pinned fetch (the one its public-only fetch
 * service uses) with the verifier's user agent; `check.ts` turns the outcome into a result.
 */
import { fetchPinned as kernelFetchPinned, type PinnedFetchOptions, type PinnedFetchOutcome } from '@portico/kernel';

export type FetchOptions = PinnedFetchOptions;
export type FetchOutcome = PinnedFetchOutcome;

export function fetchPinned(options: FetchOptions): Promise<FetchOutcome> {
  return kernelFetchPinned({ userAgent: 'Portico-Verifier/0.1', accept: 'text/plain, */*', ...options });
}
