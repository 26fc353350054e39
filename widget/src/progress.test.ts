import { describe, expect, it } from 'vitest';
import { progressOf } from './progress.ts';

describe('progress steps from a domain status', () => {
  it('walks records → ownership → certificate → live', () => {
    expect(progressOf('pending', true).steps).toEqual({ records: 'current', ownership: 'waiting', certificate: 'waiting', live: 'waiting' });
    expect(progressOf('verifying', true).steps).toEqual({ records: 'done', ownership: 'current', certificate: 'waiting', live: 'waiting' });
    expect(progressOf('deploying', true).steps).toEqual({ records: 'done', ownership: 'done', certificate: 'current', live: 'waiting' });
    expect(progressOf('live', true)).toEqual({ steps: { records: 'done', ownership: 'done', certificate: 'done', live: 'done' }, outcome: 'live' });
  });

  it('ends honestly at verified when the project has no default service', () => {
    expect(progressOf('verified', false).outcome).toBe('verified-only');
    expect(progressOf('verified', true).outcome).toBe('running');
  });

  it('marks the step that failed', () => {
    expect(progressOf('failed_permanent', true)).toMatchObject({ outcome: 'failed', steps: { records: 'done', ownership: 'failed' } });
    expect(progressOf('cert_failed', true)).toMatchObject({ outcome: 'failed', steps: { ownership: 'done', certificate: 'failed', live: 'waiting' } });
    expect(progressOf('failed_temporary', true).outcome).toBe('running');
  });
});
