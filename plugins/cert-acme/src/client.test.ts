import { describe, expect, it } from 'vitest';
import { pickChallenge, type Challenges } from './client.ts';

const http: Challenges['http'] = { present: async () => {}, cleanup: async () => {} };
const dns: Challenges['dns'] = { present: async () => {}, cleanup: async () => {} };

describe('pickChallenge', () => {
  it('auto: HTTP-01 when offered and no hostname is a wildcard, else DNS-01', () => {
    expect(pickChallenge(['a.example.com'], { http, dns }, 'auto')).toBe('http-01');
    expect(pickChallenge(['a.example.com'], { dns }, 'auto')).toBe('dns-01');
    expect(pickChallenge(['a.example.com', '*.a.example.com'], { http, dns }, 'auto')).toBe('dns-01');
  });

  it('http-01 and dns-01 allow only that challenge', () => {
    expect(pickChallenge(['a.example.com'], { http, dns }, 'dns-01')).toBe('dns-01');
    expect(pickChallenge(['a.example.com'], { http, dns }, 'http-01')).toBe('http-01');
    expect(() => pickChallenge(['a.example.com'], { dns }, 'http-01')).toThrow(/preferredChallenge is http-01/);
    expect(() => pickChallenge(['a.example.com'], { http }, 'dns-01')).toThrow(/preferredChallenge is dns-01/);
  });

  it('fails with no_challenge, saying why, when nothing fits', () => {
    expect(() => pickChallenge(['*.a.example.com'], { http }, 'auto')).toThrow(expect.objectContaining({ reason: 'no_challenge', hostname: '*.a.example.com' }));
    expect(() => pickChallenge(['*.a.example.com'], { http }, 'auto')).toThrow(/wildcard, which needs DNS-01, and the caller offered http/);
    expect(() => pickChallenge(['a.example.com'], {}, 'auto')).toThrow(/offered no challenges/);
  });
});
