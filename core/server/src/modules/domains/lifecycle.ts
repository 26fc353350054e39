/**
 * A domain's lifecycle as one explicit transition table: the code, the docs and the console read from it.
 * Each transition names its reason and the message that tells the user what to do next. Later capabilities
 * (routing, certificates, drift) add rows here; nothing else decides what may follow what.
 */
export const DOMAIN_STATUSES = [
  'pending',
  'verifying',
  'verified',
  'failed_temporary',
  'failed_permanent',
  'stalled',
  'propagating',
  'issuing',
  'cert_failed',
  'deploying',
  'live',
  'drifted',
  'disabled',
  'archived',
] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

export interface Transition {
  from: DomainStatus | null;
  to: DomainStatus;
  reason: string;
  /** Shown to the user; `{placeholders}` are filled from the event's details. */
  message: string;
}

export const TRANSITIONS: readonly Transition[] = [
  { from: null, to: 'pending', reason: 'created', message: 'Add the record shown below at your DNS provider, then request verification.' },
  { from: 'pending', to: 'verifying', reason: 'verification_requested', message: 'Checking your DNS records at the authoritative servers.' },
  { from: 'failed_temporary', to: 'verifying', reason: 'verification_requested', message: 'Checking your DNS records at the authoritative servers.' },
  { from: 'failed_permanent', to: 'verifying', reason: 'verification_requested', message: 'Checking your DNS records at the authoritative servers.' },
  { from: 'verifying', to: 'verified', reason: 'verified', message: 'Ownership verified.' },
  { from: 'verifying', to: 'failed_temporary', reason: 'record_missing', message: '{detail}' },
  { from: 'verifying', to: 'failed_temporary', reason: 'checker_error', message: '{detail}' },
  { from: 'verifying', to: 'failed_permanent', reason: 'record_mismatch', message: '{detail}' },
];

/** Statuses from which a verification may be requested. */
export const VERIFIABLE: ReadonlySet<DomainStatus> = new Set(
  TRANSITIONS.filter((t) => t.to === 'verifying').map((t) => t.from as DomainStatus),
);

/** The transition for `from → to` with `reason`, or undefined when the table does not allow it. */
export function findTransition(from: DomainStatus | null, to: DomainStatus, reason: string): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.to === to && t.reason === reason);
}

/** Fill `{name}` placeholders of a transition message. */
export function renderMessage(template: string, details: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(details[key] ?? ''));
}
