import type { Knex } from 'knex';
import { keys } from '../../domain/keys';

export interface NotificationStats {
  total: number;
  unread: number;
  urgent: number;
  emailSent: number;
  smsSent: number;
}

const SUMS =
  'coalesce(sum(total), 0)::bigint as total, coalesce(sum(unread), 0)::bigint as unread, coalesce(sum(urgent), 0)::bigint as urgent, ' +
  'coalesce(sum(email_sent), 0)::bigint as email_sent, coalesce(sum(sms_sent), 0)::bigint as sms_sent';

/**
 * Counts over every notification, from the delta rows the triggers of `notification_counts`
 * append (one per writing statement), never from the notifications themselves. The read that
 * gets the lock also folds the rows it sees into one, so the table stays a few rows however long
 * the service runs; the others just sum (in READ COMMITTED a fold running alongside would hide
 * the rows it moves from a second fold's snapshot, so only one folds at a time, and nobody waits).
 */
export async function notificationStats(knex: Knex): Promise<NotificationStats> {
  const row = await knex.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: { locked: boolean }[] }>('select pg_try_advisory_xact_lock(hashtext(?)) as locked', [
      keys.locks.notificationCounts,
    ]);
    if (!rows[0]?.locked) return trx('notification_counts').first<NotificationStats>(trx.raw(SUMS));
    // A new statement, so its snapshot sees what an earlier fold committed.
    const folded = await trx.raw<{ rows: NotificationStats[] }>(
      `with gone as (delete from notification_counts returning *)
       insert into notification_counts (total, unread, urgent, email_sent, sms_sent)
       select ${SUMS.replace(/ as \w+/g, '')} from gone
       returning total, unread, urgent, email_sent as "emailSent", sms_sent as "smsSent"`,
    );
    const sums = folded.rows[0];
    // An aggregate without GROUP BY always yields one row, so the insert always returns one.
    if (!sums) throw new Error('folding the notification counts returned no row');
    return sums;
  });
  return { total: row.total, unread: row.unread, urgent: row.urgent, emailSent: row.emailSent, smsSent: row.smsSent };
}
