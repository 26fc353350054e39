/**
 * Which addresses Portico refuses to fetch from: everything that is not a public unicast address, so a customer
 * cannot point a hostname at the platform's own network (loopback, metadata services, internal hosts) and make
 * the verifier request it. The rule is the kernel's, shared with every plugin's public-only fetch.
 */
export { nonPublicReason } from '@portico/kernel';
