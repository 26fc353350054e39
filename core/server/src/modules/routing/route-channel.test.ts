import { describe, expect, it } from 'vitest';
import { parseRouteChange } from './route-channel.ts';

describe('parseRouteChange', () => {
  it('reads the ids the triggers send, probes, and the older host lists', () => {
    expect(parseRouteChange('{"service":"s1"}')).toEqual({ kind: 'service', id: 's1' });
    expect(parseRouteChange('{"domain":"d1"}')).toEqual({ kind: 'domain', id: 'd1' });
    expect(parseRouteChange('{"mapping":"m1"}')).toEqual({ kind: 'mapping', id: 'm1' });
    expect(parseRouteChange('{"mapping":"m1","was":"old.example.com"}')).toEqual({ kind: 'mapping', id: 'm1', was: 'old.example.com' });
    expect(parseRouteChange('{"probe":"p:1"}')).toEqual({ kind: 'probe', token: 'p:1' });
    expect(parseRouteChange('{"hosts":["a.test","b.test"]}')).toEqual({ kind: 'hosts', hosts: ['a.test', 'b.test'] });
  });

  it('answers undefined (reload everything) for anything else', () => {
    for (const payload of ['', 'not json', 'null', '42', '{}', '{"hosts":[1]}', '{"service":7}']) expect(parseRouteChange(payload), payload).toBeUndefined();
  });
});
