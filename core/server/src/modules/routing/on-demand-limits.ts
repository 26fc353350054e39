import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { registrableDomain } from '../domains/hostname.ts';

/** What `/edge/ask` answers for a name only a wildcard mapping serves. */
export type OnDemandVerdict = 'allowed' | 'capped' | 'rate_limited';

interface WildcardState {
  /** Names under this wildcard approved by any process, as far as this one knows (approvals are never withdrawn). */
  approved: Set<string>;
  /** Until when (ms) new names under it are refused without asking the database: it or its registered domain is full. */
  refuseUntil: number;
}

/**
 * The on-demand TLS budget for names that only a wildcard mapping serves (docs/reference/routing.md, "On-demand TLS
 * limits"). A wildcard lets anyone choose the name, so each new one costs a certificate from the CA's budget of the
 * registered domain; the caps keep that budget for real hosts and renewals:
 * - a new name is said yes to only while its wildcard and its registered domain (Public Suffix List) are under
 *   their caps of new names over a rolling window; the count lives in `on_demand_approvals`, so restarts and every
 *   API process share it (an advisory lock per registered domain makes check-and-insert atomic across processes);
 * - an approved name stays approved (its renewals never count again);
 * - deciding a new name takes a token from a per-process bucket; without one the answer is `rate_limited`;
 * - a wildcard found full refuses new names from memory for `refusalCacheSeconds`, so a flood of random labels
 *   costs a Map lookup, not a query; names approved meanwhile are read along, so they keep their yes.
 * Names seen before answer from memory; only a name this process has not decided yet costs a database round trip.
 */
export class OnDemandLimits {
  #orm: MikroORM;
  #logger: Logger;
  #limits: PorticoConfig['onDemandTls'];
  #wildcards = new Map<string, WildcardState>();
  #deciding = new Map<string, Promise<OnDemandVerdict>>();
  #tokens: number;
  #refilledAt = Date.now();

  constructor({ orm, logger, config }: { orm: MikroORM; logger: Logger; config: Pick<PorticoConfig, 'onDemandTls'> }) {
    this.#orm = orm;
    this.#logger = logger.child({ component: 'on-demand-limits' });
    this.#limits = config.onDemandTls;
    this.#tokens = this.#limits.newNamesBurst;
  }

  /**
   * May an edge obtain a certificate for `host`, which only `wildcard` (`*.parent`) serves? Answers synchronously
   * when memory knows (approved before, or the wildcard is known full); otherwise decides in the database.
   */
  decide(host: string, wildcard: string): OnDemandVerdict | Promise<OnDemandVerdict> {
    const state = this.#wildcards.get(wildcard);
    if (state?.approved.has(host)) return 'allowed';
    if (state !== undefined && state.refuseUntil > Date.now()) return 'capped';
    const running = this.#deciding.get(host);
    if (running !== undefined) return running;
    if (!this.#take()) return 'rate_limited';
    const decision = this.#decide(host, wildcard, state === undefined).finally(() => this.#deciding.delete(host));
    this.#deciding.set(host, decision);
    return decision;
  }

  /** Seconds until the bucket holds a token again (the `Retry-After` of a rate-limited answer). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#limits.newNamesPerSecond));
  }

  #take(): boolean {
    const now = Date.now();
    const { newNamesPerSecond, newNamesBurst } = this.#limits;
    this.#tokens = Math.min(newNamesBurst, this.#tokens + ((now - this.#refilledAt) / 1000) * newNamesPerSecond);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  async #decide(host: string, wildcard: string, firstOfWildcard: boolean): Promise<OnDemandVerdict> {
    const registered = registrableDomain(host) ?? wildcard.slice(2);
    const { perWildcard, perWildcardWindowHours, perRegisteredDomain, perRegisteredDomainWindowHours } = this.#limits;
    const outcome = await this.#orm.em.fork().transactional(async (em) => {
      const run = <T>(sql: string, params: unknown[]): Promise<T[]> => em.getConnection().execute(sql, params, 'all', em.getTransactionContext());
      await run('select pg_advisory_xact_lock(hashtext(?))', [`portico:on-demand:${registered}`]);
      const [known] = await run<{ host: string }>('select host from on_demand_approvals where host = ?', [host]);
      if (known !== undefined) return 'allowed' as const;
      const [counts] = await run<{ wildcard: string; registered: string }>(
        `select count(*) filter (where wildcard = ? and approved_at > now() - make_interval(secs => ?)) as wildcard,
           count(*) filter (where approved_at > now() - make_interval(secs => ?)) as registered
         from on_demand_approvals where registered_domain = ?`,
        [wildcard, perWildcardWindowHours * 3600, perRegisteredDomainWindowHours * 3600, registered],
      );
      if (Number(counts?.wildcard ?? 0) >= perWildcard || Number(counts?.registered ?? 0) >= perRegisteredDomain) return 'capped' as const;
      await run('insert into on_demand_approvals (host, wildcard, registered_domain, approved_at) values (?, ?, ?, now())', [host, wildcard, registered]);
      return 'allowed' as const;
    });
    const state = this.#state(wildcard);
    if (outcome === 'allowed') state.approved.add(host);
    if (outcome === 'capped') {
      state.refuseUntil = Date.now() + this.#limits.refusalCacheSeconds * 1000;
      this.#logger.warn({ wildcard, registeredDomain: registered }, 'on-demand certificate refused: limit of new names reached');
    }
    // Learn the wildcard's approved names when first seen or found full: their renewals then answer from memory.
    if (firstOfWildcard || outcome === 'capped') {
      const rows: Array<{ host: string }> = await this.#orm.em.fork().getConnection().execute('select host from on_demand_approvals where wildcard = ?', [wildcard]);
      for (const row of rows) state.approved.add(row.host);
    }
    return outcome;
  }

  #state(wildcard: string): WildcardState {
    let state = this.#wildcards.get(wildcard);
    if (state === undefined) this.#wildcards.set(wildcard, (state = { approved: new Set(), refuseUntil: 0 }));
    return state;
  }
}
