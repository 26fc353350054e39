import type { Context } from 'koa';
import type { Cradle } from '../../container.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Principal } from '../../http/principal.ts';
import type { Access } from '../organizations/access.ts';
import type { EventRecord } from './publish.ts';
import type { EventFilter } from './service.ts';

const principalKey = (p: Principal): string => (p.kind === 'user' ? `user:${p.userId}` : p.kind === 'api_key' ? `key:${p.keyId}` : `widget:${p.tokenId}`);

/** Is the principal still valid: the session not signed out or expired, the key not revoked, the token not expired? */
async function stillValid({ orm }: Pick<Cradle, 'orm'>, principal: Principal): Promise<boolean> {
  const connection = orm.em.getConnection();
  if (principal.kind === 'user') return (await connection.execute<unknown[]>('select 1 from sessions where id = ? and expires_at > now()', [principal.sessionId])).length > 0;
  if (principal.kind === 'api_key') return (await connection.execute<unknown[]>('select 1 from api_keys where id = ? and revoked_at is null', [principal.keyId])).length > 0;
  return principal.expiresAt.getTime() > Date.now();
}

/**
 * Serve a server-sent events stream of what `access` may see: each event is `id: <cursor>`, `event: <type>`,
 * `data: <EventRecord JSON>`. With `after` (the `Last-Event-ID` a browser sends on reconnect), the events committed
 * since are sent first, then live ones, with no gap and no repeat. A comment every heartbeat keeps proxies from
 * closing the connection; at each heartbeat the caller's access is checked again, and the stream ends once it is
 * gone (signed out, session expired, key revoked, membership removed).
 */
export async function serveEventStream(ctx: Context, cradle: Cradle, access: Access, filter: EventFilter, after: string | undefined): Promise<void> {
  const { eventService, accessService, config, logger } = cradle;
  const principal = access.principal;
  const release = eventService.claimStream(principalKey(principal));
  if (!release) {
    throw new AppError('EVENT_STREAM_LIMIT', `At most ${config.events.maxStreamsPerPrincipal} live event streams may be open at once for one caller.`, {
      limit: config.events.maxStreamsPerPrincipal,
    });
  }
  const res = ctx.res;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe = () => {};
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    unsubscribe();
    release();
    if (!res.writableEnded) res.end();
  };
  const write = (event: EventRecord & { cursor: string }) => {
    if (!closed) res.write(`id: ${event.cursor}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event, cursor: undefined })}\n\n`);
  };
  try {
    // Live events queue up while the backlog is read; the feed's cursor splits the two exactly.
    const queued: Array<EventRecord & { cursor: string }> = [];
    let chain: Promise<void> | undefined;
    const subscription = await eventService.onPublished((record, seq) => {
      const event = { ...record, cursor: seq };
      if (chain === undefined) {
        queued.push(event);
        return;
      }
      chain = chain.then(async () => {
        if (await eventService.visible(access, filter, event)) write(event);
      });
      chain.catch((error: unknown) => logger.warn({ error: (error as Error).message }, 'event stream write failed'));
    });
    unsubscribe = subscription.unsubscribe;
    // Written to the socket directly (Koa does not respond): a client that goes away is the normal end of a stream.
    res.on('close', close);
    ctx.request.socket.setTimeout(0);
    ctx.respond = false;
    res.writeHead(200, { ...ctx.response.headers, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 3000\n: connected\n\n`);
    if (after !== undefined) {
      for await (const event of eventService.between(access, filter, after, subscription.cursor)) write(event);
    }
    chain = (async () => {
      for (const event of queued) if (await eventService.visible(access, filter, event)) write(event);
    })();
    timer = setInterval(() => {
      void (async () => {
        const valid = (await stillValid(cradle, principal)) && (await accessService.forOrganization(principal, access.organizationId).then(() => true, () => false));
        if (!valid) close();
        else if (!closed) res.write(': heartbeat\n\n');
      })().catch(() => close());
    }, config.events.heartbeatSeconds * 1000);
    timer.unref();
  } catch (error) {
    close();
    if (!res.headersSent) throw error;
    logger.warn({ error: (error as Error).message }, 'event stream ended by an error');
  }
}
