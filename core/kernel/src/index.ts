/**
 * @portico/kernel: the plugin contract (five hooks, definePlugin) and the kernel that registers plugins and
 * calls their hooks. Plugins import `z` from here so every schema comes from one zod instance.
 */
export { createKernel } from './kernel.ts';
export type { Kernel, KernelDescriptors, KernelOptions, KernelServices, RegisteredPlugin } from './kernel.ts';
export { definePlugin, isPlugin } from './define-plugin.ts';
export { KERNEL_ERROR_CODES, KernelError, isKernelError } from './errors.ts';
export type { KernelErrorCode } from './errors.ts';
export type { HookCallEvent, HookCallObserver } from './interceptors.ts';
export type { OptionIssue } from './checks.ts';
export { createDnsLookup } from './services/dns-lookup.ts';
export { DNS_PROVIDER_ERROR_KINDS, DnsProviderError, isRetryable } from './provider-errors.ts';
export type { DnsProviderErrorKind } from './provider-errors.ts';
export type { DnsLookupOptions } from './services/dns-lookup.ts';
export { createAuthoritativeLookup } from './services/authoritative-lookup.ts';
export type { AuthoritativeLookup, AuthoritativeLookupOptions } from './services/authoritative-lookup.ts';
export { HOOK_NAMES } from './hooks.ts';
export type * from './hooks.ts';
export { PLUGIN_BRAND, PLUGIN_ID_PATTERN } from './plugin.ts';
export type * from './plugin.ts';
export type * from './services.ts';
export type * from './records.ts';
export { z } from 'zod';
