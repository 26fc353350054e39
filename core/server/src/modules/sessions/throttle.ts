import type { MikroORM } from '@mikro-orm/postgresql';
import type { PorticoConfig } from '../../config/schema.ts';

export interface ThrottleKey {
  /** `account` or `address`: which limit applies, and what a refusal names. */
  scope: 'account' | 'address';
  key: string;
  limit: number;
}

export type ThrottleVerdict =
  | { allowed: true }
  | {
      allowed: false;
      scope: ThrottleKey['scope'];
      retryAfterSeconds: number;
      /** True for the first refused attempt of the window: the one worth an audit line. */
      first: boolean;
    };

// One statement per key: count this attempt, restarting the window when the last one has ended. Atomic, so every
// API process and every concurrent request sees the same count.
const COUNT = `insert into login_throttle (key, attempts, window_ends_at) values (?, 1, now() + make_interval(secs => ?))
  on conflict (key) do update set
    attempts = case when login_throttle.window_ends_at <= now() then 1 else login_throttle.attempts + 1 end,
    window_ends_at = case when login_throttle.window_ends_at <= now() then excluded.window_ends_at else login_throttle.window_ends_at end
  returning attempts, ceil(extract(epoch from window_ends_at - now()))::int as "secondsLeft"`;

/** Expired rows are removed now and then by the attempts themselves; no job is needed. */
const SWEEP_EVERY = 200;

/**
 * Sign-in throttle over `login_throttle`: `attempt` counts an attempt against every key before any password is
 * checked (so a flood of guesses costs one small query each, never a hash), and refuses once a key is past its
 * limit in the current window; `succeeded` gives a successful sign-in's attempts back.
 */
export function createLoginThrottle({ orm, config }: { orm: MikroORM; config: Pick<PorticoConfig, 'login'> }) {
  const windowSeconds = Math.round(config.login.windowMinutes * 60);
  let sinceSweep = 0;
  const execute = <T>(sql: string, params: unknown[]): Promise<T[]> => orm.em.fork().getConnection().execute(sql, params, 'all');

  return {
    async attempt(keys: ThrottleKey[]): Promise<ThrottleVerdict> {
      if (++sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        await execute('delete from login_throttle where window_ends_at < now()', []);
      }
      let refused: ThrottleVerdict = { allowed: true };
      for (const { scope, key, limit } of keys) {
        const [row] = await execute<{ attempts: number; secondsLeft: number }>(COUNT, [key, windowSeconds]);
        if (row && row.attempts > limit && (refused.allowed || row.secondsLeft > refused.retryAfterSeconds)) {
          refused = { allowed: false, scope, retryAfterSeconds: Math.max(1, row.secondsLeft), first: row.attempts === limit + 1 };
        }
      }
      return refused;
    },

    /** A correct password: the account starts over, and the address gets this attempt back. */
    async succeeded(keys: ThrottleKey[]): Promise<void> {
      for (const { scope, key } of keys) {
        if (scope === 'account') await execute('delete from login_throttle where key = ?', [key]);
        else await execute('update login_throttle set attempts = greatest(attempts - 1, 0) where key = ?', [key]);
      }
    },
  };
}
export type LoginThrottleService = ReturnType<typeof createLoginThrottle>;
