import type { DomainStatus } from './api.ts';

export type StepId = 'records' | 'ownership' | 'certificate' | 'live';
export type StepState = 'done' | 'current' | 'waiting' | 'failed';
export const STEPS: readonly StepId[] = ['records', 'ownership', 'certificate', 'live'];

/**
 * Where a domain stands, as the widget tells it: the four steps with their state, and whether the journey ended
 * (live: success; verified without a default service: the SaaS finishes; a failure: the error screen).
 */
export interface Progress {
  steps: Record<StepId, StepState>;
  outcome: 'running' | 'live' | 'verified-only' | 'failed';
}

/** The index of the step a status is at, and whether that step failed. */
const AT: Record<DomainStatus, { step: number; failed?: boolean }> = {
  pending: { step: 0 },
  propagating: { step: 0 },
  failed_temporary: { step: 0 },
  verifying: { step: 1 },
  failed_permanent: { step: 1, failed: true },
  stalled: { step: 1, failed: true },
  taken_over: { step: 1, failed: true },
  drifted: { step: 1, failed: true },
  suspended: { step: 1, failed: true },
  disabled: { step: 0, failed: true },
  archived: { step: 0, failed: true },
  verified: { step: 2 },
  issuing: { step: 2 },
  deploying: { step: 2 },
  cert_failed: { step: 2, failed: true },
  live: { step: 4 },
};

export function progressOf(status: DomainStatus, defaultServiceConfigured: boolean): Progress {
  const at = AT[status] ?? { step: 0 };
  const steps = {} as Record<StepId, StepState>;
  STEPS.forEach((id, index) => {
    steps[id] = index < at.step ? 'done' : index > at.step ? 'waiting' : at.failed ? 'failed' : 'current';
  });
  let outcome: Progress['outcome'] = 'running';
  if (status === 'live') outcome = 'live';
  else if (at.failed) outcome = 'failed';
  else if (status === 'verified' && !defaultServiceConfigured) outcome = 'verified-only';
  return { steps, outcome };
}
