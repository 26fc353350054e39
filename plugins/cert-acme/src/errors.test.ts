import { describe, expect, it } from 'vitest';
import { ACME_FAILURE_REASONS, AcmeIssueError, fromProblem, fromTransport } from './errors.ts';

const problem = (type: string, detail = 'detail from the CA') => ({ type: `urn:ietf:params:acme:error:${type}`, detail });

describe('fromProblem', () => {
  it.each([
    ['caa', 'caa', /CAA/],
    ['rateLimited', 'rate_limited', /rate limit/],
    ['unauthorized', 'challenge_failed', /did not get the expected answer/],
    ['incorrectResponse', 'challenge_failed', /expected answer/],
    ['connection', 'challenge_unreachable', /could not connect/],
    ['tls', 'challenge_unreachable', /could not connect/],
    ['dns', 'dns', /could not resolve/],
    ['rejectedIdentifier', 'rejected_identifier', /will not issue/],
    ['externalAccountRequired', 'account', /external account binding/],
    ['serverInternal', 'ca_error', /serverInternal/],
  ])('maps %s to %s with an actionable message and the CA detail', (type, reason, message) => {
    const error = fromProblem(problem(type), { hostname: 'shop.example.com' });
    expect(error).toBeInstanceOf(AcmeIssueError);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('(CA said: detail from the CA)');
    expect(error.problemType).toBe(`urn:ietf:params:acme:error:${type}`);
    expect(ACME_FAILURE_REASONS).toContain(error.reason);
  });

  it('treats a connection problem for a name that does not resolve as dns', () => {
    expect(fromProblem(problem('connection', 'could not resolve URL "http://x.example.com"')).reason).toBe('dns');
  });

  it('names the TXT record for a failed DNS-01 challenge and the URL for HTTP-01', () => {
    const dns = fromProblem(problem('unauthorized'), { challenge: { hostname: '*.shop.example.com', type: 'dns-01', where: '_acme-challenge.shop.example.com' } });
    expect(dns.message).toContain('TXT record at _acme-challenge.shop.example.com');
    expect(dns.hostname).toBe('*.shop.example.com');
    const http = fromProblem(problem('unauthorized'), { challenge: { hostname: 'a.example.com', type: 'http-01', where: 'http://a.example.com/.well-known/acme-challenge/t' } });
    expect(http.message).toContain('http://a.example.com/.well-known/acme-challenge/t');
  });

  it('keeps Retry-After for rate limits and marks what is worth retrying', () => {
    const limited = fromProblem(problem('rateLimited'), { retryAfterSeconds: 3600 });
    expect(limited).toMatchObject({ retryable: true, retryAfterSeconds: 3600 });
    expect(limited.message).toContain('Retry after 3600 s');
    expect(fromProblem(problem('caa')).retryable).toBe(false);
    expect(fromProblem(problem('unauthorized')).retryable).toBe(false);
  });

  it('maps a problem without a type to ca_error', () => {
    expect(fromProblem({}).reason).toBe('ca_error');
  });
});

describe('fromTransport', () => {
  it('tells an untrusted directory certificate from an unreachable directory', () => {
    const tls = fromTransport(Object.assign(new Error('self-signed'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'https://ca.test/dir');
    expect(tls).toMatchObject({ reason: 'directory' });
    expect(tls?.message).toContain('caBundlePem');
    const refused = fromTransport(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'https://ca.test/dir');
    expect(refused).toMatchObject({ reason: 'directory' });
    expect(refused?.message).toContain('could not be reached');
  });

  it('leaves other errors alone', () => {
    expect(fromTransport(new Error('no code'), 'https://ca.test/dir')).toBeUndefined();
    expect(fromTransport(Object.assign(new Error('x'), { code: 'ENOENT' }), 'https://ca.test/dir')).toBeUndefined();
  });
});
