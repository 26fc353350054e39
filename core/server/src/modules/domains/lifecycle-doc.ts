import { DOMAIN_STATUSES, STATUS_INFO, TRANSITIONS, lifecycleDiagram } from './lifecycle.ts';

/** docs/reference/lifecycle.md, rendered from the transition table (`npm run docs:generate`; a test compares). */
export function renderLifecycleDoc(): string {
  const statuses = DOMAIN_STATUSES.map((s) => `| \`${s}\` | ${STATUS_INFO[s].label} | ${STATUS_INFO[s].meaning} |`);
  const transitions = TRANSITIONS.map((t) => `| ${t.from ? `\`${t.from}\`` : '(new)'} | \`${t.to}\` | \`${t.reason}\` | ${t.message} |`);
  return [
    '# Domain lifecycle',
    '',
    'Generated from the transition table in `core/server/src/modules/domains/lifecycle.ts` by `npm run docs:generate`;',
    'a test fails when the two differ. Every transition is stored as an event (`GET /v1/domains/:id/events`) with its',
    'reason, its details and the message below, placeholders filled in.',
    '',
    '```mermaid',
    lifecycleDiagram(),
    '```',
    '',
    '## Statuses',
    '',
    '| status | label | meaning |',
    '|---|---|---|',
    ...statuses,
    '',
    '## Transitions',
    '',
    '| from | to | reason | message |',
    '|---|---|---|---|',
    ...transitions,
    '',
    '## Checks and retries',
    '',
    '- **Verify now** (`POST /v1/domains/:id/verify`) is limited per domain by the organization’s',
    '  `verificationRateLimitPerMinute` (default 1): too soon answers 429 `VERIFICATION_RATE_LIMITED` with `Retry-After`.',
    '  A request while a check is running returns the running check (idempotent).',
    '- **Automatic retries**: a `pending` or `failed_temporary` domain is checked again every',
    '  `autoRetryIntervalHours` (default 6) up to `maxAutoRetries` (default 10) times, then it is `stalled`.',
    '  `failed_permanent` (a wrong value) is never retried automatically.',
    '- **Concurrency**: at most `maxConcurrentVerifications` (default 5) checks run at once per organization; the rest wait in the queue.',
    '- **Watch**: a `verified` (later `live`) domain is checked every `verification.watchIntervalMinutes` (default 60).',
    '  A miss is confirmed `verification.missRecheckMinutes` later; after `verification.driftThreshold` (default 2)',
    '  confirmed misses in a row it becomes `drifted`. A checker error (timeout, SERVFAIL) never counts as a miss.',
    '',
  ].join('\n');
}
