import type { Knex } from 'knex';

/** Per-user delivery preferences; a user without a row has the defaults. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_preferences', (t) => {
    t.integer('user_id').primary().references('users.id').onDelete('CASCADE');
    t.boolean('email_enabled').notNullable().defaultTo(true);
    t.boolean('sms_enabled').notNullable().defaultTo(true);
    t.jsonb('categories').notNullable();
    t.boolean('quiet_hours_enabled').notNullable().defaultTo(false);
    t.string('quiet_hours_start', 5).notNullable().defaultTo('22:00');
    t.string('quiet_hours_end', 5).notNullable().defaultTo('07:00');
    t.string('quiet_hours_timezone', 64).notNullable().defaultTo('UTC');
    t.boolean('digest_enabled').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_preferences');
}
