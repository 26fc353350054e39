import { isIP } from 'node:net';
import { AppError } from '../../errors/app-error.ts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalise a user-entered hostname: IDN → A-label (WHATWG URL does UTS #46 processing), lower case, no
 * trailing dot; then validate labels, total length, and refuse IP literals and single-label names.
 */
export function normalizeHostname(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '');
  let hostname: string;
  try {
    if (!trimmed || /[/:?#@\s\\]/.test(trimmed)) throw new Error('not a bare hostname');
    hostname = new URL(`http://${trimmed}`).hostname;
  } catch {
    throw new AppError('HOSTNAME_INVALID', `"${input}" is not a valid hostname.`, { hostname: input });
  }
  const labels = hostname.split('.');
  const problem =
    isIP(hostname) || hostname.startsWith('[') ? 'IP addresses cannot be used; enter a hostname.'
    : hostname.length > 253 ? 'A hostname is at most 253 characters.'
    : labels.length < 2 ? 'Enter a full hostname such as shop.example.com.'
    : labels.some((l) => !LABEL.test(l)) ? 'Each label is 1–63 letters, digits or hyphens, not starting or ending with a hyphen.'
    : /^\d+$/.test(labels.at(-1)!) ? 'The top-level label cannot be numeric.'
    : undefined;
  if (problem) throw new AppError('HOSTNAME_INVALID', problem, { hostname: input });
  return hostname;
}
