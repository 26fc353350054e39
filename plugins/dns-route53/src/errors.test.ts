import { describe, expect, it } from 'vitest';
import { classify, DEFAULT_RETRY_AFTER_SECONDS, Route53Error } from './errors.ts';

/** An error shaped as the SDK throws for an answer (name = Route 53's code, $metadata.httpStatusCode). */
const answered = (name: string, status: number, message = `${name} happened`) =>
  Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, requestId: 'req-1' } });

describe('classify', () => {
  it.each([
    ['InvalidClientTokenId', 403, 'auth'],
    ['SignatureDoesNotMatch', 403, 'auth'],
    ['UnrecognizedClientException', 400, 'auth'],
    ['ExpiredToken', 403, 'auth'],
    ['SomethingElse', 403, 'auth'],
    ['AccessDenied', 403, 'permission'],
    ['AccessDeniedException', 400, 'permission'],
    ['NoSuchHostedZone', 404, 'not_found'],
    ['NoSuchChange', 404, 'not_found'],
    ['Throttling', 400, 'rate_limit'],
    ['PriorRequestNotComplete', 400, 'rate_limit'],
    ['Unknown', 429, 'rate_limit'],
    ['InvalidInput', 400, 'validation'],
    ['InvalidDomainName', 400, 'validation'],
    ['Unknown', 400, 'validation'],
    ['InternalFailure', 500, 'transient'],
    ['ServiceUnavailable', 503, 'transient'],
  ] as const)('%s (%i) is %s', (name, status, kind) => {
    const error = classify('GetHostedZone Z1', answered(name, status));
    expect(error).toBeInstanceOf(Route53Error);
    expect(error).toMatchObject({ kind, status });
  });

  it.each([
    ["[Tried to create resource record set [name='a.example.com.', type='A'] but it already exists]", 'conflict'],
    ['[RRSet of type CNAME with DNS name a.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.]', 'conflict'],
    ['[RRSet of type TXT with DNS name a.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com.]', 'conflict'],
    ["[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '1.2.3']", 'validation'],
    ["[Tried to delete resource record set [name='a.example.com.', type='TXT'] but the values provided do not match the current values]", 'conflict'],
    ['[RRSet with DNS name a.example.org. is not permitted in zone example.com.]', 'validation'],
    ["[Invalid Resource Record: 'FATAL problem: DomainLabelEmpty encountered with 'a..example.com' (type='CNAME')]", 'validation'],
  ])('InvalidChangeBatch %s is %s', (message, kind) => {
    expect(classify('ChangeResourceRecordSets example.com', answered('InvalidChangeBatch', 400, message))).toMatchObject({ kind, providerCode: 'InvalidChangeBatch' });
  });

  it('names the call, the code, Route 53\'s text and its request id', () => {
    const error = classify('GetHostedZone Z1', answered('NoSuchHostedZone', 404, 'No hosted zone found with ID: Z1')) as Route53Error;
    expect(error.message).toBe('Route 53 GetHostedZone Z1: NoSuchHostedZone: No hosted zone found with ID: Z1');
    expect(error).toMatchObject({ providerCode: 'NoSuchHostedZone', requestId: 'req-1' });
  });

  it('gives rate limits a wait: Retry-After when sent, else the default', () => {
    expect(classify('x', answered('Throttling', 400))).toMatchObject({ retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
    const withHeader = Object.assign(answered('Throttling', 400), { $response: { headers: { 'retry-after': '7' } } });
    expect(classify('x', withHeader)).toMatchObject({ retryAfterSeconds: 7 });
    expect(classify('x', answered('InvalidInput', 400))).toMatchObject({ retryAfterSeconds: undefined });
  });

  it('is transient when nothing answered', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classify('ListHostedZonesByName', refused)).toMatchObject({ kind: 'transient', providerCode: 'ECONNREFUSED' });
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    expect(classify('ListHostedZonesByName', timeout).message).toMatch(/no answer in time/);
  });

  it('keeps an abort an AbortError', () => {
    const abort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(classify('x', abort)).toBe(abort);
  });

  it('cuts the secret and the session token out of any message', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const leaky = answered('SignatureDoesNotMatch', 403, `The request signature we calculated does not match: ${secret} tok-123`);
    const error = classify('x', leaky, [secret, 'tok-123']);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('tok-123');
    expect(error.message).toContain('[redacted]');
    expect(error).toMatchObject({ kind: 'auth' });
    expect((error as Error & { cause?: unknown }).cause).toBeUndefined();
  });

  it('shortens very long texts', () => {
    const error = classify('x', answered('InvalidInput', 400, 'y'.repeat(5000)));
    expect(error.message.length).toBeLessThan(600);
  });
});
