import type { Context } from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Principal } from '../../http/principal.ts';
import { actorOf, type AuditActor, type AuditScope } from './context.ts';
import { Membership } from '../organizations/membership.entity.ts';
import { AuditLog } from './entity.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Refusals recorded on writes: unauthenticated, forbidden (CSRF, role, scope, widget limits). */
const DENIED_STATUSES = new Set([401, 403]);

/** The audit scope of one request: its id, the client address and agent, and the caller once authenticated. */
export function auditScopeOf(ctx: Context): AuditScope {
  return {
    requestId: (ctx.state.requestId as string | undefined) ?? null,
    ip: ctx.ip ? ctx.ip.slice(0, 64) : null,
    userAgent: ctx.get('user-agent').slice(0, 500) || null,
    actor: () => {
      const actor = callerOf(ctx);
      // The operator's own routes admit instance operators only: a user whose change gets through there acts as the operator.
      return actor.kind === 'user' && ctx.path.startsWith('/v1/operator/') ? { ...actor, kind: 'operator' } : actor;
    },
    organizationId: () => {
      const principal = ctx.state.principal as Principal | undefined;
      if (principal && principal.kind !== 'user') return principal.organizationId;
      const param = (ctx.params as Record<string, string> | undefined)?.organizationId;
      return param && /^[0-9a-f-]{36}$/i.test(param) ? param : null;
    },
  };
}

/** The caller as authenticated (or as far as it got). */
const callerOf = (ctx: Context): AuditActor => actorOf((ctx.state.principal as Principal | undefined) ?? sessionPrincipal(ctx), labelOf(ctx));

/** A session found but refused (a write without its CSRF token): the attempt is still its user's. */
function sessionPrincipal(ctx: Context): Principal | undefined {
  const session = ctx.state.session as { id: string; user: { id: string } } | undefined;
  return session ? { kind: 'user', userId: session.user.id, sessionId: session.id } : undefined;
}

/** Something a person recognises for the caller: the session user's email, the API key's prefix, the widget's page origin. */
function labelOf(ctx: Context): string | null {
  const principal = ctx.state.principal as Principal | undefined;
  const session = ctx.state.session as { user?: { email?: string } } | undefined;
  if (principal?.kind === 'widget') return principal.origin.slice(0, 254);
  if (principal?.kind === 'user' || (!principal && session)) return session?.user?.email ?? null;
  if (typeof ctx.state.actorLabel === 'string') return ctx.state.actorLabel;
  // A refused bearer: its visible prefix only (pk_<prefix>), never the secret part.
  const presented = /^bearer\s+(pk_[a-z0-9]{12})_/i.exec(ctx.get('authorization'));
  return presented ? presented[1] : null;
}

/**
 * Record a refused write (401/403, and 404 NOT_FOUND for a caller who is signed in: an id outside its scope) with
 * outcome `denied`: the route, the error code and who tried — never the body. Written on its own connection, as
 * the request's own work is being rolled back; a failure to write is logged, never raised over the refusal.
 */
export async function recordDenied(
  { orm, logger }: { orm: MikroORM; logger: Logger },
  ctx: Context,
  scope: AuditScope,
  failure: { status: number; code: string },
): Promise<void> {
  if (SAFE_METHODS.has(ctx.method)) return;
  const principal = ctx.state.principal as Principal | undefined;
  const foreign = failure.status === 404 && failure.code === 'NOT_FOUND' && principal !== undefined;
  if (!DENIED_STATUSES.has(failure.status) && !foreign) return;
  // As authenticated: a refusal on an operator route is no act of the operator.
  const actor = callerOf(ctx);
  try {
    const em = orm.em.fork();
    // Only the caller's own organization is named: a key's or widget token's, or for a user refused with 403 the
    // organization in the path when the user is a member of it. A 404 or 401 names no one else's organization.
    let organizationId: string | null = null;
    if (principal && principal.kind !== 'user') organizationId = principal.organizationId;
    else if (principal && failure.status === 403) {
      const named = scope.organizationId();
      if (named && (await em.count(Membership, { user: principal.userId, organization: named })) > 0) organizationId = named;
    }
    em.create(AuditLog, {
      organizationId,
      actorKind: actor.kind,
      actorId: actor.id,
      actorLabel: actor.label,
      ip: scope.ip,
      userAgent: scope.userAgent,
      action: 'auth.denied',
      targetKind: 'route',
      targetId: `${ctx.method} ${ctx.path}`.slice(0, 255),
      before: null,
      after: null,
      requestId: scope.requestId,
      outcome: 'denied',
      reason: failure.code.slice(0, 64),
    });
    await em.flush();
  } catch (error) {
    logger.warn({ err: error, code: failure.code }, 'could not record a denied attempt in the audit log');
  }
}
