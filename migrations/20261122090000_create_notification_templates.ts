import type { Knex } from 'knex';

/** Named, versioned templates; one active version per name. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_templates', (t) => {
    t.increments('id').primary();
    t.string('name', 50).notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.string('title', 200).notNullable();
    t.text('message').notNullable();
    t.string('email_subject', 200).notNullable();
    t.text('email_html').notNullable();
    t.text('email_text').notNullable();
    t.text('sms').notNullable();
    t.jsonb('required_context').notNullable().defaultTo('[]');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.unique(['name', 'version']);
  });
  await knex.raw('create unique index notification_templates_one_active on notification_templates (name) where is_active');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_templates');
}
