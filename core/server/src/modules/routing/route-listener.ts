import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { parseRouteChange, ROUTES_CHANNEL, type RouteChange } from './route-channel.ts';

export interface RouteListenerOptions {
  /** A direct or session-mode connection: LISTEN does not survive PgBouncer's transaction pooling. */
  databaseUrl: string;
  logger: Logger;
  /** How often the listener proves it still hears the channel. */
  checkIntervalMs: number;
  /** Sends a NOTIFY on the channel through another connection (the ORM's pool). */
  notify: (payload: string) => Promise<void>;
  /** A change announced on the channel (probes never reach here). */
  onChange: (change: RouteChange | undefined) => void;
  /** LISTEN is in place on a fresh connection: what happened before is unknown, so the table reloads everything. */
  onListening: () => void;
  /** The connection died or went deaf: the table is stale until the reload that follows the next `onListening`. */
  onLost: (reason: string) => void;
}

const RECONNECT_MS = 1000;
const RETRY_MS = 2000;

/**
 * The route table's LISTEN connection, and the proof that it still hears. TCP keepalive notices a dead peer;
 * a probe notices everything else (a connection a NAT or load balancer dropped silently, a session that stopped
 * listening): every check interval the listener sends `{"probe":…}` on the channel through another connection and
 * expects it back before the next check. PostgreSQL delivers notifications in commit order, so hearing the probe
 * means every change committed before it was heard too; a probe not heard by the next check counts as a lost
 * connection (reconnect, then the table reloads everything).
 */
export class RouteListener {
  #options: RouteListenerOptions;
  #client: pg.Client | undefined;
  #instance = randomUUID();
  #sequence = 0;
  /** The probe sent and not heard yet. */
  #probe: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: RouteListenerOptions) {
    this.#options = options;
  }

  /** True while LISTEN is in place on a connection that answered its last probe or has not been probed yet. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  /** Connect and LISTEN (throws when the database cannot be reached), then check every interval. */
  async start(): Promise<void> {
    await this.#connect();
    this.#timer = setInterval(() => this.#check(), this.#options.checkIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) await endWithin(client, 2000);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.databaseUrl,
      application_name: 'portico-route-table',
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    client.on('notification', (message) => this.#heard(message.payload ?? ''));
    client.on('error', (error) => this.#lose(client, `connection error: ${(error as { code?: string }).code ?? error.message}`));
    client.on('end', () => this.#lose(client, 'connection closed'));
    try {
      await client.connect();
      await client.query(`listen ${ROUTES_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      void client.end().catch(() => undefined);
      throw error;
    }
    if (this.#stopped) {
      await endWithin(client, 2000);
      return;
    }
    this.#client = client;
    this.#probe = undefined;
    this.#options.onListening();
  }

  #heard(payload: string): void {
    const change = parseRouteChange(payload);
    if (change?.kind === 'probe') {
      if (change.token === this.#probe) this.#probe = undefined;
      return; // another process's probe, or an old one of ours
    }
    this.#options.onChange(change);
  }

  #check(): void {
    if (this.#stopped || this.#client === undefined) return; // a reconnect is under way
    // Decide after pending I/O is read: a busy event loop (a large reload) must not make a probe that has already
    // arrived look lost.
    setImmediate(() => {
      const client = this.#client;
      if (this.#stopped || client === undefined) return;
      if (this.#probe !== undefined) {
        this.#lose(client, `no answer to its probe within ${this.#options.checkIntervalMs} ms`);
        return;
      }
      const probe = `${this.#instance}:${++this.#sequence}`;
      this.#probe = probe;
      this.#options.notify(JSON.stringify({ probe })).catch((error: unknown) => {
        // The database is unreachable from the pool (readiness reports that): no verdict on the listener.
        if (this.#probe === probe) this.#probe = undefined;
        this.#options.logger.debug({ error: (error as Error).message }, 'route table probe not sent');
      });
    });
  }

  #lose(client: pg.Client, reason: string): void {
    if (client !== this.#client) return; // an old connection's last words
    this.#client = undefined;
    this.#probe = undefined;
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    // Not awaited: a connection that went silent may never confirm its end.
    void client.end().catch(() => undefined);
    if (this.#stopped) return;
    this.#options.logger.warn({ reason }, 'route table listener lost; reconnecting, then reloading everything');
    this.#options.onLost(reason);
    setTimeout(() => void this.#reconnect(), RECONNECT_MS).unref();
  }

  async #reconnect(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#connect();
    } catch (error) {
      this.#options.logger.warn({ error: (error as Error).message }, 'route table listener reconnect failed; retrying');
      setTimeout(() => void this.#reconnect(), RETRY_MS).unref();
    }
  }
}

/** End a connection, waiting at most `ms` for the server to confirm (a silent connection never does). */
async function endWithin(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.end().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
