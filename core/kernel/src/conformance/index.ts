/**
 * @portico/kernel/conformance: the suites every plugin's tests run, and test helpers. Needs vitest (an
 * optional peer dependency of @portico/kernel); import it from test files only.
 *
 * ```ts
 * import { dnsProviderConformance, createTestKernel } from '@portico/kernel/conformance';
 * dnsProviderConformance({ name: 'memory', provider: 'memory', zone: 'example.com',
 *   setup: async () => ({ kernel: await createTestKernel([{ plugin: memoryDns }]) }) });
 * ```
 */
export { dnsProviderConformance } from './dns-provider.ts';
export type { DnsProviderConformanceContext, DnsProviderConformanceOptions } from './dns-provider.ts';
export { VERIFIER_DNS_FAULTS, verifierConformance } from './verifier.ts';
export type { VerifierConformanceContext, VerifierConformanceOptions, VerifierDnsFault } from './verifier.ts';
export { createRecordingLogger, createTestKernel, createTestServices } from './test-services.ts';
export type { LogLine, TestKernelOptions, TestServices, TestServicesOverrides } from './test-services.ts';
export { edgeTargetConformance } from './edge-target.ts';
export type { EdgeTargetConformanceContext, EdgeTargetConformanceOptions } from './edge-target.ts';
export { EDGE_FIXTURE_ROUTES } from './edge-fixture.ts';
export { ROUTE_CHANGE_HOSTS, routeChangeSequence } from './route-changes.ts';
export type { RouteChangeStep } from './route-changes.ts';
