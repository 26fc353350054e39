import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE } from '../src/modules/events/catalogue.ts';
import { domainEventType } from '../src/modules/events/domain-events.ts';
import { renderEventsDoc } from '../src/modules/events/events-doc.ts';
import { TRANSITIONS } from '../src/modules/domains/lifecycle.ts';

describe('event catalogue', () => {
  it('is documented exactly in docs/reference/events.md (run `npm run docs:generate` after changing it)', () => {
    const doc = readFileSync(new URL('../../../docs/reference/events.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderEventsDoc());
  });

  it('describes every type and gives every data field a description', () => {
    for (const [type, definition] of Object.entries(EVENT_CATALOGUE)) {
      expect(type, type).toMatch(/^[a-z]+\.[a-z_]+$/);
      expect(definition.description.length, type).toBeGreaterThan(10);
    }
  });

  it('maps domain moves to the catalogue: every domain event type some transition publishes', () => {
    const published = new Set(TRANSITIONS.map((t) => domainEventType(t.from, t.to, t.reason)).filter(Boolean));
    const domainTypes = Object.keys(EVENT_CATALOGUE).filter((t) => t.startsWith('domain.'));
    expect([...published].sort()).toEqual(domainTypes.sort());
    expect(domainEventType('verifying', 'verified', 'verified')).toBe('domain.verified');
    expect(domainEventType('verifying', 'failed_temporary', 'record_missing')).toBe('domain.verification_failed');
    expect(domainEventType('pending', 'verifying', 'verification_requested')).toBeUndefined();
    expect(domainEventType('drifted', 'drifted', 'dns_setup_failed')).toBeUndefined();
  });
});
