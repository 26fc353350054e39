/**
 * The widget's only way to the server: fetch with the widget token as Bearer, JSON in and out, every failure turned
 * into an `ApiError` with the server's stable code (a fetch that never got an answer is `NETWORK`).
 *
 * An expired or unknown token does not fail the call: `onUnauthorized` is told (the widget shows its overlay and
 * asks the page for a new token) and its promise resolves once a fresh token was handed in; the same request is
 * then sent again, so the widget keeps its place.
 */

export interface ExpectedRecord {
  name: string;
  type: string;
  value: string;
}

export type DomainStatus =
  | 'pending' | 'verifying' | 'verified' | 'failed_temporary' | 'failed_permanent' | 'stalled' | 'propagating'
  | 'issuing' | 'cert_failed' | 'deploying' | 'live' | 'drifted' | 'suspended' | 'taken_over' | 'disabled' | 'archived';

export interface Domain {
  id: string;
  organizationId: string;
  hostname: string;
  status: DomainStatus;
  statusLabel: string;
  statusMessage: string | null;
  instructions: ExpectedRecord[];
  methodAvailable: boolean;
  setup: { mode: 'manual' | 'api' | 'domain-connect'; provider: string | null; credentialId: string | null; zone: string | null; redirectUrl: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface DomainEvent {
  id: string;
  fromStatus: DomainStatus | null;
  toStatus: DomainStatus;
  reason: string;
  message: string;
  createdAt: string;
}

export interface ProviderDetection {
  provider: string;
  displayName: string;
  confidence: 'high' | 'medium' | 'low';
  setup: 'api' | 'domain-connect' | 'manual';
}

export interface RecordSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

export interface DomainCheck {
  hostname: string;
  zone: string | null;
  nameservers: string[];
  error?: string;
  provider: ProviderDetection;
  candidates: ProviderDetection[];
  automatic: {
    possible: boolean;
    route: 'api' | 'domain-connect' | null;
    reason: 'ready' | 'needs_credential' | 'consent' | 'no_plugin' | 'unknown_provider' | 'zone_not_found';
    credentials: { id: string; label: string; projectId: string }[];
  };
  records: RecordSet[];
  existing: { id: string; status: string } | null;
  available: boolean;
}

export interface PlanChange {
  action: 'create' | 'update' | 'delete' | 'noop' | 'conflict';
  name: string;
  type: string;
  before: string[];
  after: string[];
  reason?: string;
}

export interface DnsPlan {
  provider: string;
  zone: string;
  changes: PlanChange[];
  redirect: string | null;
}

export interface DnsDiff {
  zone: string;
  inSync: boolean;
  records: { name: string; type: string; ttl: number; desired: string[]; current: string[]; status: 'ok' | 'missing' | 'different' | 'unknown' }[];
}

export interface Provider {
  provider: string;
  displayName: string;
  setup: 'api' | 'domain-connect' | 'manual';
  credentialSchema: JsonSchema | null;
  permissions: string[];
  docsUrl: string | null;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  format?: string;
}

export interface WidgetSession {
  organizationId: string;
  projectId: string;
  hostname: string | null;
  includeSubdomains: boolean;
  expiresAt: string;
  project?: { name: string };
  defaultServiceConfigured?: boolean;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>, retryAfterSeconds?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface ClientOptions {
  apiBase: () => string;
  token: () => string;
  /** Called on 401 (expired or unknown token); resolves when a fresh token is in place. */
  onUnauthorized: (error: ApiError) => Promise<void>;
}

export type Client = ReturnType<typeof createClient>;

const UNAUTHORIZED = new Set(['WIDGET_TOKEN_EXPIRED', 'UNAUTHENTICATED']);

export function createClient(options: ClientOptions) {
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${options.token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(options.apiBase().replace(/\/+$/, '') + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
    } catch (cause) {
      throw new ApiError(0, 'NETWORK', cause instanceof Error ? cause.message : 'Network error');
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (response.ok) return json as T;
    const error = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    const retryAfter = Number(response.headers.get('retry-after') ?? (error?.details?.retryAfterSeconds as number | undefined));
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
      error?.details,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (;;) {
      try {
        return await send<T>(method, path, body);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401 || !UNAUTHORIZED.has(error.code)) throw error;
        await options.onUnauthorized(error);
      }
    }
  }

  /**
   * After a fetch failed without an answer: is the server reachable at all? A refused CORS preflight (a page origin
   * that no project allows) looks exactly like a network error to a script, but an opaque `no-cors` request still
   * reaches the server, so it tells the two apart.
   */
  async function reachable(): Promise<boolean> {
    try {
      await fetch(`${options.apiBase().replace(/\/+$/, '')}/v1/widget/session`, { mode: 'no-cors', credentials: 'omit' });
      return true;
    } catch {
      return false;
    }
  }

  const id = encodeURIComponent;
  return {
    reachable,
    session: () => request<WidgetSession>('GET', '/v1/widget/session'),
    check: (hostname: string) => request<DomainCheck>('POST', '/v1/domains:check', { hostname }),
    createDomain: (organizationId: string, hostname: string) => request<Domain>('POST', `/v1/organizations/${id(organizationId)}/domains`, { hostname }),
    domain: (domainId: string) => request<Domain>('GET', `/v1/domains/${id(domainId)}`),
    domains: () => request<{ data: Domain[] }>('GET', '/v1/widget/domains'),
    events: (domainId: string) => request<{ data: DomainEvent[] }>('GET', `/v1/domains/${id(domainId)}/events`),
    verify: (domainId: string) => request<Domain>('POST', `/v1/domains/${id(domainId)}/verify`),
    plan: (domainId: string, credentialId: string) => request<DnsPlan>('GET', `/v1/domains/${id(domainId)}/dns-plan?credentialId=${id(credentialId)}`),
    setup: (domainId: string, body: { credentialId?: string; provider?: string; adopt?: boolean }) => request<Domain>('POST', `/v1/domains/${id(domainId)}/dns-setup`, body),
    diff: (domainId: string) => request<DnsDiff>('GET', `/v1/domains/${id(domainId)}/dns-diff`),
    providers: () => request<{ data: Provider[] }>('GET', '/v1/providers'),
    storeCredential: (provider: string, credentials: Record<string, unknown>) =>
      request<{ id: string; provider: string; label: string }>('POST', '/v1/widget/dns-credentials', { provider, credentials }),
  };
}
