import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('repairs', (t) => {
    t.increments('id').primary();
    t.integer('customer_id').notNullable().references('customers.id');
    t.integer('technician_id').references('technicians.id');
    t.string('unit_number', 50).notNullable();
    t.text('description').notNullable();
    t.string('damage_type', 50);
    t.string('status', 20).notNullable();
    t.decimal('estimated_cost', 10, 2);
    t.decimal('cost', 10, 2);
    t.decimal('discounted_cost', 10, 2);
    t.text('denial_reason');
    t.string('batch_id', 64);
    t.string('workflow_id', 100).notNullable();
    t.integer('created_by_user_id').notNullable().references('users.id');
    t.timestamps(true, true);
    t.check("status in ('REQUESTED', 'PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED', 'DENIED')", [], 'repairs_status_check');
    t.unique(['workflow_id']);
    t.index(['status']);
    t.index(['customer_id', 'unit_number']);
    t.index(['technician_id', 'status']);
    t.index(['batch_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('repairs');
}
