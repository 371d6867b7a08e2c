import type { Knex } from 'knex';

/**
 * GET /api/admin/notifications/stats counted every notification (2 M rows after a few years: a
 * full scan per call). Instead each statement that writes notifications adds one row of deltas
 * here, in its own transaction, through statement-level triggers over the transition tables (one
 * row per statement, however many notifications it wrote). Rows are only ever inserted, so
 * concurrent writers never wait on one another or deadlock on a shared counter row; the stats read
 * sums them and now and then folds them into one (src/db/queries/notification-stats.ts).
 * A rolled-back write takes its deltas with it. The existing rows are counted once, here, with
 * notifications locked against writes so no statement is counted twice or missed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_counts', (t) => {
    t.bigIncrements('id');
    t.bigInteger('total').notNullable();
    t.bigInteger('unread').notNullable();
    t.bigInteger('urgent').notNullable();
    t.bigInteger('email_sent').notNullable();
    t.bigInteger('sms_sent').notNullable();
  });
  await knex.raw(`
    create function notification_counts_apply() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        insert into notification_counts (total, unread, urgent, email_sent, sms_sent)
        select count(*), count(*) filter (where not is_read), count(*) filter (where priority = 'URGENT'),
               count(*) filter (where email_sent), count(*) filter (where sms_sent)
        from new_rows having count(*) > 0;
      elsif tg_op = 'DELETE' then
        insert into notification_counts (total, unread, urgent, email_sent, sms_sent)
        select -count(*), -count(*) filter (where not is_read), -count(*) filter (where priority = 'URGENT'),
               -count(*) filter (where email_sent), -count(*) filter (where sms_sent)
        from old_rows having count(*) > 0;
      else
        insert into notification_counts (total, unread, urgent, email_sent, sms_sent)
        select 0, n.unread - o.unread, n.urgent - o.urgent, n.email_sent - o.email_sent, n.sms_sent - o.sms_sent
        from (select count(*) filter (where not is_read) as unread, count(*) filter (where priority = 'URGENT') as urgent,
                     count(*) filter (where email_sent) as email_sent, count(*) filter (where sms_sent) as sms_sent from new_rows) n,
             (select count(*) filter (where not is_read) as unread, count(*) filter (where priority = 'URGENT') as urgent,
                     count(*) filter (where email_sent) as email_sent, count(*) filter (where sms_sent) as sms_sent from old_rows) o
        where (n.unread, n.urgent, n.email_sent, n.sms_sent) is distinct from (o.unread, o.urgent, o.email_sent, o.sms_sent);
      end if;
      return null;
    end $$`);
  // A trigger with transition tables takes one event only.
  await knex.raw(`create trigger notification_counts_insert after insert on notifications
    referencing new table as new_rows for each statement execute function notification_counts_apply()`);
  await knex.raw(`create trigger notification_counts_update after update on notifications
    referencing old table as old_rows new table as new_rows for each statement execute function notification_counts_apply()`);
  await knex.raw(`create trigger notification_counts_delete after delete on notifications
    referencing old table as old_rows for each statement execute function notification_counts_apply()`);
  await knex.raw(`create function notification_counts_reset() returns trigger language plpgsql as $$
    begin
      delete from notification_counts;
      return null;
    end $$`);
  await knex.raw(`create trigger notification_counts_truncate after truncate on notifications
    for each statement execute function notification_counts_reset()`);
  await knex.raw('lock table notifications in share row exclusive mode');
  await knex.raw(`insert into notification_counts (total, unread, urgent, email_sent, sms_sent)
    select count(*), count(*) filter (where not is_read), count(*) filter (where priority = 'URGENT'),
           count(*) filter (where email_sent), count(*) filter (where sms_sent)
    from notifications`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger notification_counts_truncate on notifications');
  await knex.raw('drop function notification_counts_reset()');
  await knex.raw('drop trigger notification_counts_delete on notifications');
  await knex.raw('drop trigger notification_counts_update on notifications');
  await knex.raw('drop trigger notification_counts_insert on notifications');
  await knex.raw('drop function notification_counts_apply()');
  await knex.schema.dropTable('notification_counts');
}
