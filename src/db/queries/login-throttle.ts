import type { Knex } from 'knex';

/** A throttled key (an account or a client address) and how many failures it may have in the window. */
export interface ThrottleRule {
  key: string;
  maxFailures: number;
}

export interface ThrottleTiming {
  windowMs: number;
  blockMs: number;
}

/**
 * Login failures counted in PostgreSQL, on the database's clock, so every API process sees the same
 * counts and the same blocks. A key's count starts again when its window has passed or its block
 * has ended; reaching the limit blocks the key for `blockMs`.
 */
export function loginThrottle(knex: Knex, timing: ThrottleTiming) {
  /** Deletes up to `limit` rows whose window and block are both over. */
  async function prune(limit: number): Promise<number> {
    const stale = knex('login_throttle')
      .select('key')
      .where('updated_at', '<', knex.raw(`now() - ?::interval`, [`${timing.windowMs + timing.blockMs} milliseconds`]))
      .limit(limit);
    return knex('login_throttle').whereIn('key', stale).delete();
  }

  return {
    /** Seconds until every one of these keys may try again (0 when none is blocked). */
    async blockedFor(keys: string[]): Promise<number> {
      const row = await knex('login_throttle')
        .whereIn('key', keys)
        .where('blocked_until', '>', knex.fn.now())
        .first<{ seconds: number | null }>(knex.raw('extract(epoch from max(blocked_until) - now())::float as seconds'));
      return Math.max(0, Number(row?.seconds ?? 0));
    },

    /** Counts one failure against each key (atomically, row by row); returns the seconds blocked now. */
    async recordFailure(rules: ThrottleRule[]): Promise<number> {
      let blocked = 0;
      for (const { key, maxFailures } of rules) {
        const window = `${timing.windowMs} milliseconds`;
        const block = `${timing.blockMs} milliseconds`;
        // One statement per key: concurrent failures on the same key queue on its row, none is lost.
        const { rows } = await knex.raw<{ rows: { seconds: number | null }[] }>(
          `insert into login_throttle as t (key, failures, window_started_at, blocked_until, updated_at)
           values (:key, 1, now(), case when 1 >= :max then now() + :block::interval end, now())
           on conflict (key) do update set
             failures = case when t.window_started_at < now() - :window::interval or t.blocked_until <= now() then 1 else t.failures + 1 end,
             window_started_at = case when t.window_started_at < now() - :window::interval or t.blocked_until <= now() then now() else t.window_started_at end,
             blocked_until = case
               when (case when t.window_started_at < now() - :window::interval or t.blocked_until <= now() then 1 else t.failures + 1 end) >= :max
                 then now() + :block::interval
               when t.blocked_until <= now() then null
               else t.blocked_until end,
             updated_at = now()
           returning extract(epoch from blocked_until - now())::float as seconds`,
          { key, max: maxFailures, window, block },
        );
        blocked = Math.max(blocked, Number(rows[0]?.seconds ?? 0));
      }
      // Failures are what grow the table, so each one also sweeps a few rows that say nothing any more.
      await prune(50);
      return blocked;
    },

    /** A successful login clears its account's count (the address keeps its own). */
    async reset(key: string): Promise<void> {
      await knex('login_throttle').where('key', key).delete();
    },

    prune,
  };
}

export type LoginThrottle = ReturnType<typeof loginThrottle>;
