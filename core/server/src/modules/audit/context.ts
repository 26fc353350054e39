import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '../../http/principal.ts';
import type { AuditActorKind } from './entity.ts';

export interface AuditActor {
  kind: AuditActorKind;
  id: string | null;
  label: string | null;
}

/**
 * What one request knows about who acts and from where. The principal is known only after authentication, and
 * the route's parameters only after routing, so those are read when a change is recorded, not when the request
 * starts.
 */
export interface AuditScope {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  actor(): AuditActor;
  /** The organization the request names (route parameter or the caller's own), as a fallback for changes to rows that name none. */
  organizationId(): string | null;
}

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', id: null, label: null };
const storage = new AsyncLocalStorage<AuditScope>();

/** Run `fn` with `scope` as the audit scope of everything it does (the request middleware does this). */
export const runWithAuditScope = <T>(scope: AuditScope, fn: () => T): T => storage.run(scope, fn);

/** The current request's audit scope; undefined outside a request (jobs, start-up): changes there are the system's. */
export const currentAuditScope = (): AuditScope | undefined => storage.getStore();

/** Who is acting now: the request's principal, or the system outside requests. */
export const currentActor = (): AuditActor => storage.getStore()?.actor() ?? SYSTEM_ACTOR;

/**
 * The actor a principal stands for. `label` is what the authenticate middleware knew (an email, a key prefix).
 * A principal flagged as an instance operator acts as `operator`.
 */
export function actorOf(principal: Principal | undefined, label: string | null): AuditActor {
  if (!principal) return { kind: 'anonymous', id: null, label };
  if ((principal as { operator?: boolean }).operator === true) return { kind: 'operator', id: 'userId' in principal ? principal.userId : null, label };
  switch (principal.kind) {
    case 'user':
      return { kind: 'user', id: principal.userId, label };
    case 'api_key':
      return { kind: 'api_key', id: principal.keyId, label };
    case 'widget':
      return { kind: 'widget', id: principal.tokenId, label };
    default: {
      // A principal kind added later: recorded under its own kind when the log knows it, else as anonymous.
      const other = principal as { kind: string; id?: string };
      return { kind: other.kind === 'operator' ? 'operator' : 'anonymous', id: other.id ?? null, label };
    }
  }
}
