/**
 * A domain's lifecycle as one explicit transition table: the code, the docs (docs/reference/lifecycle.md is
 * generated from it) and the console all read from here. Each transition names its reason and the message that
 * tells the user what to do next; `{placeholders}` are filled from the event's details. Later capabilities
 * (routing, certificates, edges) add their rows here; nothing else decides what may follow what.
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
  'suspended',
  'taken_over',
  'disabled',
  'archived',
] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/** How the console shows a status and what it means. */
export const STATUS_INFO: Record<DomainStatus, { label: string; tone: 'neutral' | 'progress' | 'success' | 'warning' | 'danger'; meaning: string }> = {
  pending: { label: 'Pending', tone: 'warning', meaning: 'Added; waiting for the ownership record.' },
  verifying: { label: 'Verifying', tone: 'progress', meaning: 'A check is running at the authoritative DNS servers.' },
  verified: { label: 'Verified', tone: 'success', meaning: 'Ownership proven; watched for drift.' },
  failed_temporary: { label: 'Failed (will retry)', tone: 'warning', meaning: 'Not found yet, or the check could not run; retried automatically.' },
  failed_permanent: { label: 'Failed', tone: 'danger', meaning: 'A record exists with the wrong value; fix it, then verify again.' },
  stalled: { label: 'Needs manual verification', tone: 'danger', meaning: 'Automatic retries are used up; verify again after fixing DNS.' },
  propagating: { label: 'Propagating', tone: 'progress', meaning: 'Routing records written; waiting until the authoritative servers show them.' },
  issuing: {
    label: 'Issuing certificate',
    tone: 'progress',
    meaning: 'Reserved: nothing moves a domain here yet (certificate issuance is tracked on the certificate). A domain left here returns to verified after `verification.deployDeadlineMinutes`.',
  },
  cert_failed: { label: 'Certificate failed', tone: 'danger', meaning: 'The certificate could not be obtained.' },
  deploying: { label: 'Deploying', tone: 'progress', meaning: 'Routes are being pushed to the edge.' },
  live: { label: 'Live', tone: 'success', meaning: 'Serving HTTPS; watched for drift and certificate expiry.' },
  drifted: {
    label: 'Drifted',
    tone: 'danger',
    meaning: 'A record that proved ownership was removed or changed. Still served for `verification.driftGraceHours` (default 72) and checked often; verified again as soon as the record is back.',
  },
  suspended: {
    label: 'Suspended (drift)',
    tone: 'danger',
    meaning: 'Drift confirmed past the grace period; routes removed until the record is back. Still checked; verified again as soon as the record is back.',
  },
  taken_over: { label: 'Taken over', tone: 'danger', meaning: 'Another organization proved control of the hostname; nothing is routed. Verify again to reclaim it, or delete it.' },
  disabled: { label: 'Disabled', tone: 'neutral', meaning: 'Turned off by an administrator; nothing is checked or served. Reserved: no API disables a domain yet.' },
  archived: { label: 'Archived', tone: 'neutral', meaning: 'Deleted; kept for its history. The hostname can be claimed again.' },
};

export interface Transition {
  from: DomainStatus | null;
  to: DomainStatus;
  reason: string;
  /** Shown to the user; `{placeholders}` are filled from the event's details. */
  message: string;
}

const CHECKING = 'Checking your DNS records at the authoritative servers.';
const GRACE = 'The domain keeps serving until {graceEndsAt}; restore the record before then, or its routes are removed until it is back.';
const SETUP_FAILED = 'Automatic DNS setup failed: {detail} Add the records shown in the instructions by hand, or fix the credential and try again.';
const SETUP_CONFLICT = 'Records we did not create are in the way: {detail} Remove or change them at your DNS provider, or add the records by hand.';
/** Statuses from which automatic DNS setup may start (the domain is not proven yet, or has drifted). */
export const SETUP_FROM: DomainStatus[] = ['pending', 'failed_temporary', 'failed_permanent', 'stalled', 'drifted', 'suspended'];
/** Statuses in which ownership is proven and a watch check may find the proof gone (drift). */
const PROVEN: DomainStatus[] = ['verified', 'issuing', 'deploying', 'cert_failed', 'live'];
const NOT_OUR_RECORDS = 'This is not a problem with your records; we will try again in {retryIn}, or verify now.';
const rows = (from: Array<DomainStatus | null>, to: DomainStatus, reason: string, message: string): Transition[] =>
  from.map((f) => ({ from: f, to, reason, message }));

export const TRANSITIONS: readonly Transition[] = [
  ...rows([null], 'pending', 'created', 'Add the record shown in the instructions at your DNS provider, then verify.'),
  ...rows(['pending', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating'], 'verifying', 'verification_requested', CHECKING),
  ...rows(['pending', 'failed_temporary'], 'verifying', 'automatic_retry', CHECKING),
  ...rows(SETUP_FROM, 'propagating', 'records_applied', 'We wrote the records at {provider}; waiting until the authoritative DNS servers show them.'),
  ...rows(SETUP_FROM, 'propagating', 'consent_requested', 'Confirm the change at {provider}; we then watch DNS until the records appear.'),
  ...SETUP_FROM.map((from) => ({ from, to: from, reason: 'dns_setup_failed', message: SETUP_FAILED })),
  ...SETUP_FROM.map((from) => ({ from, to: from, reason: 'dns_setup_conflict', message: SETUP_CONFLICT })),
  ...rows(['propagating'], 'pending', 'dns_setup_failed', SETUP_FAILED),
  ...rows(['propagating'], 'verifying', 'records_visible', 'The records are visible at the authoritative DNS servers. ' + CHECKING),
  ...rows(['propagating'], 'pending', 'propagation_timeout', 'The records did not appear at the authoritative DNS servers within {minutes} minutes. {detail} Add them by hand, or try the automatic setup again.'),
  ...rows(['verified', 'cert_failed'], 'deploying', 'routes_deployed', 'Edge {edge} accepted the routes for {hosts}; checking that HTTPS answers with a valid certificate.'),
  ...rows(['deploying'], 'live', 'probe_passed', 'Live: {url} answers through edge {edge} with a valid certificate ({issuer}).'),
  ...rows(['deploying'], 'cert_failed', 'probe_failed', 'HTTPS for {host} still fails after {attempts} checks: {detail} Check that its DNS points at the edge; we try again with the next routing change.'),
  ...rows(['deploying', 'live', 'cert_failed'], 'verified', 'routes_removed', 'No mapping routes this domain any more; it stays verified.'),
  ...rows(['deploying'], 'verified', 'deploy_timed_out', 'The edge did not confirm HTTPS for {hostname} within {minutes} minutes; the routes stay, and the next reconcile deploys and checks again.'),
  ...rows(['issuing'], 'verified', 'issue_timed_out', 'No certificate was obtained for {hostname} within {minutes} minutes; the routes stay, and the next reconcile tries again.'),
  ...rows(['verifying'], 'verified', 'verified', 'Ownership verified.'),
  ...rows(['verifying'], 'failed_temporary', 'record_missing', '{detail} We will check again automatically.'),
  ...rows(['verifying'], 'failed_temporary', 'checker_error', `We could not check your DNS right now ({detail}). ${NOT_OUR_RECORDS}`),
  ...rows(['verifying'], 'failed_temporary', 'check_timed_out', `The check did not finish within {minutes} minutes. ${NOT_OUR_RECORDS}`),
  ...rows(['verifying'], 'failed_permanent', 'record_mismatch', '{detail}'),
  ...rows(['failed_temporary'], 'stalled', 'retries_exhausted', 'We checked {attempts} times without finding the record. Fix the record shown in the instructions, then verify again.'),
  ...rows(PROVEN, 'drifted', 'record_removed', `The ownership record disappeared ({misses} checks in a row). {detail} ${GRACE}`),
  ...rows(PROVEN, 'drifted', 'record_changed', `The ownership record changed ({misses} checks in a row). {detail} ${GRACE}`),
  ...rows(['drifted'], 'suspended', 'drift_grace_expired', 'The ownership record has been missing or wrong for {hours} hours: the routes of this domain are removed until it is back. Restore the record shown in the instructions; we check again regularly, or verify now.'),
  ...rows(['drifted', 'suspended'], 'verified', 'record_restored', 'The ownership record is back; the domain is verified again.'),
  ...rows(['pending', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'drifted', 'suspended', 'live', 'propagating', 'deploying', 'cert_failed'], 'disabled', 'disabled', 'Disabled by {actor}. Nothing is checked or served until it is enabled.'),
  ...rows(['disabled'], 'pending', 'enabled', 'Enabled again: verify to resume.'),
  ...rows(
    ['pending', 'verifying', 'verified', 'failed_temporary', 'failed_permanent', 'stalled', 'propagating', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended', 'disabled'],
    'archived',
    'deleted',
    'Deleted by {actor}. The hostname can be added again.',
  ),
  // Hostname claims (domains/claims.ts): the organization that proves control last holds the hostname.
  ...rows(['verified', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended'], 'taken_over', 'taken_over', 'Another organization proved control of {hostname} with its own verification record; this domain no longer routes and its mappings were removed. If the hostname is yours, publish the record shown in the instructions and verify again to reclaim it.'),
  ...rows(['taken_over'], 'verifying', 'verification_requested', CHECKING),
  ...rows(['taken_over'], 'archived', 'deleted', 'Deleted by {actor}. The hostname can be added again.'),
  ...DOMAIN_STATUSES.filter((s) => s !== 'archived').map((from) => ({
    from,
    to: from,
    reason: 'routes_claimed_separately',
    message: 'Routes for {hosts} were removed: {hostname} is now verified as a domain of its own, which this domain does not cover. To route it from here, add {hostname} as a domain and verify it.',
  })),
];

/** Statuses from which a person may request a verification. */
export const VERIFIABLE: ReadonlySet<DomainStatus> = new Set(
  TRANSITIONS.filter((t) => t.reason === 'verification_requested').map((t) => t.from as DomainStatus),
);

/**
 * Statuses in which the domain's ownership proof is watched (`nextCheckAt` is always set): every status where it is
 * proven, and drifted/suspended, so the domain comes back as soon as the record does.
 */
export const WATCHED: ReadonlySet<DomainStatus> = new Set([...PROVEN, 'drifted', 'suspended']);

/** Watched statuses in which "verify now" runs the watch check at once, without a status change (a drifted domain keeps serving). */
export const RECHECKABLE: ReadonlySet<DomainStatus> = new Set(['drifted', 'suspended']);

/** Statuses retried automatically while `nextCheckAt` is due (each retry moves them to `verifying`). */
export const AUTO_RETRIED: ReadonlySet<DomainStatus> = new Set(
  TRANSITIONS.filter((t) => t.reason === 'automatic_retry').map((t) => t.from as DomainStatus),
);

/**
 * Statuses in which a domain holds its hostname: ownership proven, routes allowed. At most one domain per hostname
 * is in one of these (the partial unique index `domains_claimed_hostname_unique` in entity.ts lists the same
 * statuses); pending and failed claims never block anyone.
 */
export const CLAIM_HELD: ReadonlySet<DomainStatus> = new Set(['verified', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted', 'suspended']);

/**
 * Statuses in which a domain may carry mappings and its routes are served: ownership is proven (only verified
 * domains route), or drifted and still inside its grace period. `suspended` (drift past the grace period) is not
 * routable: its routes leave the table until the record is back.
 */
export const ROUTABLE: ReadonlySet<DomainStatus> = new Set(['verified', 'issuing', 'cert_failed', 'deploying', 'live', 'drifted']);

/** The transition for `from → to` with `reason`, or undefined when the table does not allow it. */
export function findTransition(from: DomainStatus | null, to: DomainStatus, reason: string): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.to === to && t.reason === reason);
}

/** Fill `{name}` placeholders of a transition message. */
export function renderMessage(template: string, details: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(details[key] ?? '')).trim();
}

/** A Mermaid state diagram of the table (docs/reference/lifecycle.md). */
export function lifecycleDiagram(): string {
  const seen = new Set<string>();
  const lines = ['stateDiagram-v2'];
  for (const t of TRANSITIONS) {
    const key = `${t.from}>${t.to}`;
    const reasons = TRANSITIONS.filter((u) => u.from === t.from && u.to === t.to).map((u) => u.reason);
    if (seen.has(key) || t.to === 'archived' || t.to === 'disabled') continue;
    seen.add(key);
    lines.push(`  ${t.from ?? '[*]'} --> ${t.to}: ${[...new Set(reasons)].join(', ')}`);
  }
  lines.push('  note right of archived: any status except archived → archived (deleted)');
  lines.push('  note right of disabled: most statuses → disabled; disabled → pending (enabled)');
  return lines.join('\n');
}
