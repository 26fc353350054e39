import { vi } from 'vitest';

/** The domains api as the detail components' tests see it: every call fails unless the test sets it up. */
export function unexpectedDomainsApi() {
  const unexpected = (name: string) => vi.fn(() => Promise.reject(new Error(`unexpected call: ${name}`)));
  return {
    getDomain: unexpected('getDomain'),
    getDomainEvents: unexpected('getDomainEvents'),
    getDomainUsage: unexpected('getDomainUsage'),
    getDomainCertificates: unexpected('getDomainCertificates'),
    getDnsDiff: unexpected('getDnsDiff'),
    getDnsPlan: unexpected('getDnsPlan'),
    startDnsSetup: unexpected('startDnsSetup'),
    requestDomainCertificates: unexpected('requestDomainCertificates'),
    verifyDomain: unexpected('verifyDomain'),
    deleteDomain: unexpected('deleteDomain'),
  };
}
