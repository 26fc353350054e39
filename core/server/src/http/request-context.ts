import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { RequestContext, type MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';

/** A request id (taken from x-request-id when sane), a child logger, one access log line, and an ORM context. */
export function requestContext({ logger, orm }: { logger: Logger; orm: MikroORM }) {
  return async function context(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const id = /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.set('x-request-id', id);
    const log = logger.child({ reqId: id });
    ctx.state.log = log;
    const started = performance.now();
    try {
      await RequestContext.create(orm.em, next);
    } finally {
      log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
    }
  };
}
