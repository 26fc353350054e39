/**
 * Every error the kernel raises, as one table the server merges into its single error registry
 * (code → HTTP status + one-sentence description). Codes are never reused.
 *
 * Registration errors (`PLUGIN_*`) stop start-up and never reach a request; they are 500-class configuration
 * errors from the server's point of view. Call errors map to the status a request caused by them should get.
 */
export const KERNEL_ERROR_CODES = {
  PLUGIN_MALFORMED: {
    status: 500,
    description: 'The value registered as a plugin was not built with definePlugin or lacks a required field.',
  },
  PLUGIN_ID_INVALID: {
    status: 500,
    description: 'The plugin id does not match <kind>.<name> with kind dns, verify, edge, cert or ext.',
  },
  PLUGIN_DUPLICATE: {
    status: 500,
    description:
      'The plugin id, or a verification method, DNS provider or edge key it offers, is already registered by another plugin.',
  },
  PLUGIN_KERNEL_INCOMPATIBLE: {
    status: 500,
    description: "The plugin's kernel range is invalid or excludes the running kernel version.",
  },
  PLUGIN_DEPENDENCY_MISSING: {
    status: 500,
    description: 'A plugin listed in dependsOn was not registered before the plugin that depends on it.',
  },
  PLUGIN_OPTIONS_INVALID: {
    status: 500,
    description: "The plugin's options were rejected by its options schema.",
  },
  PLUGIN_APPLY_TIMEOUT: {
    status: 500,
    description: "The plugin's apply did not finish within the kernel's time limit.",
  },
  PLUGIN_API_INCOMPATIBLE: {
    status: 500,
    description: 'The plugin implements a contract version (such as the DNS provider apiVersion) this kernel does not speak, or lacks a part that version requires.',
  },
  PLUGIN_APPLY_FAILED: {
    status: 500,
    description: "The plugin's apply threw an error.",
  },
  VERIFY_METHOD_UNKNOWN: {
    status: 400,
    description: 'No enabled plugin offers the requested verification method.',
  },
  DNS_PROVIDER_UNKNOWN: {
    status: 400,
    description: 'No enabled plugin writes records for the requested DNS provider.',
  },
  DNS_PROVIDER_NO_API: {
    status: 400,
    description: 'The DNS provider is not written through a stored credential (it is consent-based, such as Domain Connect).',
  },
  DNS_CREDENTIALS_INVALID: {
    status: 400,
    description: "The DNS provider credential does not match the provider's credential schema.",
  },
  EDGE_UNKNOWN: {
    status: 400,
    description: 'No enabled plugin renders routes for the requested edge.',
  },
  EDGE_NOT_DELIVERED: {
    status: 502,
    description: 'The edge plugin rendered the routes but pushed nothing: it offers no delivery for that edge.',
  },
  EDGE_NOT_SERVED: {
    status: 404,
    description: 'The edge plugin rendered the routes but serves no configuration for the edge to pull.',
  },
  EDGE_TARGET_INVALID: {
    status: 400,
    description: "An edge's target options were rejected by the edge plugin's target schema, or the plugin takes none.",
  },
  PROVIDER_NOT_DETECTED: {
    status: 404,
    description: 'No enabled plugin recognised the DNS provider of the zone.',
  },
  NO_CERT_ISSUER: {
    status: 502,
    description: 'No enabled plugin issued or took charge of a certificate for the hostnames.',
  },
  HOOK_NO_ANSWER: {
    status: 502,
    description: 'The plugin chosen for the request returned no answer.',
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type KernelErrorCode = keyof typeof KERNEL_ERROR_CODES;

export class KernelError extends Error {
  readonly code: KernelErrorCode;
  /** Machine-readable facts for the response body's `details` (e.g. the option issues); absent when none. */
  declare readonly details?: unknown;

  constructor(code: KernelErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'KernelError';
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
  }
}

export function isKernelError(value: unknown, code?: KernelErrorCode): value is KernelError {
  return value instanceof KernelError && (code === undefined || value.code === code);
}
