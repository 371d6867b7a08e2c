import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.string('username', 150).notNullable();
    t.string('password_hash', 255).notNullable();
    t.string('email', 254);
    t.string('phone', 32);
    t.string('role', 20).notNullable();
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.check("role in ('customer', 'technician', 'admin')", [], 'users_role_check');
  });
  // Usernames are unique regardless of case: "Tech1" and "tech1" are one person.
  await knex.raw('create unique index users_username_lower_unique on users (lower(username))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
