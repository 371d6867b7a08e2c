import type { Knex } from 'knex';

/**
 * Email/SMS deliveries of the last day that are due but not finished: no attempt yet (queued
 * behind the rate limit, waiting out quiet hours) or an attempt in flight. The backlog alarm's gauge.
 */
export async function deliveryBacklog(knex: Knex): Promise<number> {
  const row = await knex
    .from(knex.raw('notifications n cross join lateral jsonb_array_elements_text(n.channels) as c(channel)'))
    .where('n.created_at', '>', knex.raw("now() - interval '1 day'"))
    .whereIn('c.channel', ['email', 'sms'])
    .whereNotExists(
      knex('delivery_logs as d').whereRaw('d.notification_id = n.id and d.channel = c.channel').whereNot('d.status', 'pending'),
    )
    .count({ n: '*' })
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}
