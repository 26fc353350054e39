import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { RequestContext, type MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { errorStatus } from '../errors/middleware.ts';
import { runWithAuditScope } from '../modules/audit/context.ts';
import { auditScopeOf, recordDenied } from '../modules/audit/http.ts';

/**
 * A request id (taken from x-request-id when sane), a child logger, one access log line, an ORM context, and the
 * audit scope (who acts, from where) that the audit log reads; refused writes are recorded there too.
 */
export function requestContext({ logger, orm }: { logger: Logger; orm: MikroORM }) {
  return async function context(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const id = /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.set('x-request-id', id);
    const log = logger.child({ reqId: id });
    ctx.state.log = log;
    const started = performance.now();
    // A failure is still travelling up to the error middleware (mounted outside this one): log the status and
    // code it will be answered with, not the 404 Koa holds until then.
    let failed: { status: number; code: string } | undefined;
    const audit = auditScopeOf(ctx);
    try {
      await runWithAuditScope(audit, () => RequestContext.create(orm.em, next));
    } catch (error) {
      failed = errorStatus(error);
      await recordDenied({ orm, logger: log }, ctx, audit, failed);
      throw error;
    } finally {
      const ms = Math.round(performance.now() - started);
      log.info({ method: ctx.method, path: ctx.path, status: failed?.status ?? ctx.status, ...(failed ? { code: failed.code } : {}), ms }, 'request');
    }
  };
}
