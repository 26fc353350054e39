/**
 * The wire format of Portico's DNS webhook protocol, version 1: external-dns's webhook provider protocol
 * (`application/external.dns.webhook+json;version=1`) with Portico's additions, all optional for a server.
 * docs/plugins/webhook-protocol.md is the specification; this file is its shapes and the checks the client runs
 * on what a server answers. It knows nothing of the kernel.
 */

/** The media type of every request and answer body (external-dns's, unchanged). */
export const MEDIA_TYPE = 'application/external.dns.webhook+json;version=1';
/** The protocol version in the media type. */
export const PROTOCOL_VERSION = 1;
/** The version of Portico's additions (`portico` in the negotiation) this client speaks. */
export const PORTICO_EXTENSION_VERSION = 1;
/** The endpoint label that carries a record set's comment (Portico's ownership marker). */
export const COMMENT_LABEL = 'portico/comment';

/** external-dns's `endpoint.Endpoint` as JSON: one record set (one name, one type, its targets). */
export interface WireEndpoint {
  dnsName: string;
  recordType: string;
  targets: string[];
  /** Seconds; 0 or absent: the server's default. */
  recordTTL?: number;
  setIdentifier?: string;
  /** Portico keeps its ownership marker in `labels["portico/comment"]`. */
  labels?: Record<string, string>;
  providerSpecific?: Array<{ name: string; value: string }>;
}

/** external-dns's `plan.Changes` as JSON: the body of `POST /records`. `updateOld[i]` pairs with `updateNew[i]`. */
export interface WireChanges {
  create?: WireEndpoint[];
  updateOld?: WireEndpoint[];
  updateNew?: WireEndpoint[];
  delete?: WireEndpoint[];
}

/** Portico's additions to the negotiation answer. */
export interface PorticoNegotiation {
  version: number;
  /** Whether the server keeps `labels["portico/comment"]` per record set and returns it. */
  comments: boolean;
  zones?: Array<{ name: string; nameservers: string[] }>;
}

/** The answer of `GET /`: external-dns's `DomainFilter` JSON, plus `portico`. */
export interface WireNegotiation {
  include?: string[];
  exclude?: string[];
  regexInclude?: string;
  regexExclude?: string;
  portico?: PorticoNegotiation;
}

/** The error body of a non-2xx answer (Portico's addition; external-dns sends none). */
export interface WireError {
  error: { code: string; message: string };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Why `value` is not a wire endpoint, or undefined when it is one. */
export function endpointProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'an endpoint is not an object';
  if (typeof value.dnsName !== 'string') return 'an endpoint has no dnsName';
  if (typeof value.recordType !== 'string') return `${value.dnsName}: no recordType`;
  if (value.targets !== undefined && value.targets !== null && !isStringArray(value.targets)) return `${value.dnsName}: targets is not an array of strings`;
  if (value.recordTTL !== undefined && value.recordTTL !== null && typeof value.recordTTL !== 'number') return `${value.dnsName}: recordTTL is not a number`;
  if (value.labels !== undefined && value.labels !== null && !(isObject(value.labels) && Object.values(value.labels).every((v) => typeof v === 'string'))) {
    return `${value.dnsName}: labels is not an object of strings`;
  }
  return undefined;
}

/** The endpoints of a `GET /records` or `POST /adjustendpoints` answer; throws a description of the first problem. */
export function parseEndpoints(value: unknown): WireEndpoint[] {
  if (!Array.isArray(value)) throw new TypeError('the answer is not an array of endpoints');
  for (const item of value) {
    const problem = endpointProblem(item);
    if (problem) throw new TypeError(problem);
  }
  return (value as WireEndpoint[]).map((endpoint) => ({ ...endpoint, targets: endpoint.targets ?? [], labels: endpoint.labels ?? undefined }));
}

/** A `GET /` answer; throws a description of the first problem. Unknown fields are ignored (additive changes). */
export function parseNegotiation(value: unknown): WireNegotiation {
  if (!isObject(value)) throw new TypeError('the answer is not an object');
  for (const key of ['include', 'exclude'] as const) {
    if (value[key] !== undefined && value[key] !== null && !isStringArray(value[key])) throw new TypeError(`${key} is not an array of strings`);
  }
  const portico = value.portico;
  if (portico === undefined || portico === null) return { ...value, portico: undefined } as WireNegotiation;
  if (!isObject(portico) || typeof portico.version !== 'number') throw new TypeError('portico is not an object with a version');
  if (portico.zones !== undefined) {
    const zones = portico.zones;
    const valid = Array.isArray(zones) && zones.every((zone) => isObject(zone) && typeof zone.name === 'string' && (zone.nameservers === undefined || isStringArray(zone.nameservers)));
    if (!valid) throw new TypeError('portico.zones is not an array of { name, nameservers }');
  }
  return value as WireNegotiation;
}

/** The `{ error: { code, message } }` of an error answer, or undefined when the body is something else. */
export function parseWireError(text: string): WireError['error'] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed) && isObject(parsed.error) && typeof parsed.error.code === 'string') {
      return { code: parsed.error.code, message: typeof parsed.error.message === 'string' ? parsed.error.message : '' };
    }
  } catch {
    // Not JSON: a proxy's page or plain text. The status alone classifies it.
  }
  return undefined;
}

/** `type/sub; a=b` → `{ type: 'type/sub', params: { a: 'b' } }`, lower-case type and parameter names. */
export function parseMediaType(header: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = header.split(';').map((part) => part.trim());
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: type.toLowerCase(), params };
}
