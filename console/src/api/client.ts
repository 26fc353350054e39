/**
 * The console's one way to the server: openapi-fetch over the types generated from Portico's OpenAPI document
 * (schema.d.ts), same origin, session cookie, and the session's CSRF token on every write. Every failure becomes an
 * `ApiError` carrying the registry's stable code (a request that got no answer is `NETWORK`); `call` unwraps an
 * answer so stores see data or an `ApiError`, nothing else.
 *
 * Only files in api/ import this module; stores and views call the functions those files export.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** Every code the server answers errors with (the error registry), plus `NETWORK` for no answer at all. */
export type ApiErrorCode = components['schemas']['Error']['error']['code'] | 'NETWORK';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** Seconds the server asked to wait (Retry-After), when it said so. */
  readonly retryAfterSeconds: number | null;

  constructor(code: ApiErrorCode, message: string, status: number, details?: unknown, retryAfterSeconds: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Outside the caller's role (403) — the view shows its permission-denied state. */
  get forbidden(): boolean {
    return this.status === 403 && this.code !== 'CSRF_TOKEN_INVALID';
  }
}

let csrfToken: string | null = null;
/** The session's CSRF token, set by the session store at sign-in and cleared at sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();
/** Told when the server answers 401 to a signed-in call (the session ended elsewhere); returns an unsubscribe. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

export const client = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
client.use(csrf);

function retryAfter(response: Response, details: unknown): number | null {
  const header = Number(response.headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) return header;
  const fromDetails = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof fromDetails === 'number' ? fromDetails : null;
}

/** Turns an openapi-fetch answer into its data, or throws an `ApiError` with the server's code. */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await request;
  } catch (error) {
    throw new ApiError('NETWORK', (error as Error).message || 'The server could not be reached.', 0);
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  const body = (error as { error?: { code?: ApiErrorCode; message?: string; details?: unknown } } | undefined)?.error;
  const code: ApiErrorCode = body?.code ?? (response.status >= 500 ? 'INTERNAL' : 'NETWORK');
  if (response.status === 401 && code === 'UNAUTHENTICATED') for (const listener of unauthorizedListeners) listener();
  throw new ApiError(code, body?.message ?? response.statusText, response.status, body?.details, retryAfter(response, body?.details));
}

export type Schemas = components['schemas'];
export type { paths };
