/**
 * @portico/kernel: the plugin contract (five hooks, definePlugin) and the kernel that registers plugins and
 * calls their hooks. Plugins import `z` from here so every schema comes from one zod instance.
 */
export { createKernel } from './kernel.ts';
export type { DnsProviderHandle, EdgeTarget, Kernel, KernelDescriptors, KernelOptions, KernelServices, RegisteredPlugin, RenderInput } from './kernel.ts';
export { definePlugin, isPlugin } from './define-plugin.ts';
export { packageFacts } from './package-facts.ts';
export type { PackageFacts } from './package-facts.ts';
export { CHECKER_ERROR_NOTE, checkerError, defineVerifier, lookupFailed, neverRejecting, normaliseVerifiedHost, verifierOptions } from './define-verifier.ts';
export type { VerifierCheckContext, VerifierMethod, VerifierPluginDefinition } from './define-verifier.ts';
export { defineEdge, placeOf } from './define-edge.ts';
export type { EdgeCallContext, EdgeOutputContext, EdgeParts, EdgePlace, EdgePluginDefinition, EdgeRenderContext, KeptRender } from './define-edge.ts';
export { KERNEL_ERROR_CODES, KernelError, isKernelError } from './errors.ts';
export type { KernelErrorCode } from './errors.ts';
export type { HookCallEvent, HookCallObserver } from './interceptors.ts';
export type { OptionIssue } from './checks.ts';
export { createDnsLookup } from './services/dns-lookup.ts';
export { DNS_PROVIDER_ERROR_KINDS, DnsProviderError, isRetryable } from './provider-errors.ts';
export type { DnsProviderErrorKind } from './provider-errors.ts';
export type { DnsLookupOptions } from './services/dns-lookup.ts';
export { createAuthoritativeLookup } from './services/authoritative-lookup.ts';
export { createPublicFetch } from './services/public-fetch.ts';
export type { PublicFetch, PublicFetchConfig, PublicFetchOptions, PublicFetchOutcome } from './services/public-fetch.ts';
export { fetchPinned, requestPinned } from './services/pinned-fetch.ts';
export type { PinnedFetchOptions, PinnedFetchOutcome, PinnedRequest } from './services/pinned-fetch.ts';
export { forbiddenUpstream, inAddressRange, nonPublicReason, parseAddressRange, unmapIpv4 } from './addresses.ts';
export type { AddressRange, ForbiddenUpstream } from './addresses.ts';
export type { AuthoritativeLookup, AuthoritativeLookupOptions } from './services/authoritative-lookup.ts';
export { DELIVERY_STAGE, HOOK_NAMES } from './hooks.ts';
export { servedText } from './render-routes.ts';
export { emitYaml } from './yaml-emit.ts';
export type { EmitYamlOptions } from './yaml-emit.ts';
export { defineDnsProvider, DNS_PROVIDER_API_VERSION, SUPPORTED_DNS_PROVIDER_API_VERSIONS } from './dns-provider.ts';
export type * from './dns-provider.ts';
export { isOwnerRecordName, markerOwner, ownerMarker, ownerRecordName } from './ownership.ts';
export { applyRecordChanges } from './record-writes.ts';
export { decodeTxtStrings, encodeTxtStrings } from './txt-strings.ts';
export type { RecordRef, RecordWriter, SetWithRecords } from './record-writes.ts';
export { applyPlanned, DEFAULT_OWNER, isInZone, parseCredentials, planChanges, sameValues, toProviderError } from './dns-plan.ts';
export type { Plan, PlanInput, PlannedWrite } from './dns-plan.ts';
export { confidenceOf, matchesPattern, matchNameservers } from './dns-detect.ts';
export type { NameserverHints } from './dns-detect.ts';
export { WELL_KNOWN_PROVIDERS } from './well-known-providers.ts';
export type { WellKnownProvider } from './well-known-providers.ts';
export type * from './hooks.ts';
export {
  checkRoute,
  compareRoutes,
  compileRoutes,
  MAX_BASE_PATH_LENGTH,
  matchRoute,
  normaliseBasePath,
  normaliseHostname,
  normaliseInternalPath,
  offersHttps,
  OWNERSHIP_CHALLENGE_PATH,
  ownershipChallengePath,
  partitionRoutes,
  PATH_ISSUES,
  previewRoute,
  PROTOCOL_HANDLING,
  PROTOCOL_MODES,
  REDIRECT_STATUS,
  ROUTE_ISSUES,
} from './routing.ts';
export type { CompiledRoutes, EdgeAnswer, PathCheck, PathIssue, PreviewInput, PreviewRequest, RouteCheck, RouteIssue, RoutePreview, RouteRequest, SkippedInPreview, SkippedRoute } from './routing.ts';
export { PLUGIN_BRAND, PLUGIN_ID_PATTERN } from './plugin.ts';
export type * from './plugin.ts';
export type * from './services.ts';
export type * from './records.ts';
export { z } from 'zod';
export { unifiedDiff } from './unified-diff.ts';
export { redactPrivateKeys } from './redact.ts';
