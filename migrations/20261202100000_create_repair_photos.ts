import type { Knex } from 'knex';

/**
 * A repair's photos. The row names the two objects it owns (the re-encoded original and its
 * thumbnail) in the photo storage; the objects are written before the row and removed after it, so
 * a row always has its objects (src/use-cases/photos.ts). Photos go with their repair.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('repair_photos', (t) => {
    t.increments('id').primary();
    t.integer('repair_id').notNullable().references('repairs.id').onDelete('CASCADE');
    t.string('kind', 10).notNullable();
    t.string('caption', 500);
    t.string('content_type', 50).notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('bytes').notNullable();
    t.string('original_key', 300).notNullable().unique();
    t.string('thumb_key', 300).notNullable().unique();
    t.string('thumb_content_type', 50).notNullable();
    t.integer('uploaded_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['repair_id', 'id']);
    t.check("kind in ('DAMAGE', 'BEFORE', 'AFTER')", [], 'repair_photos_kind_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('repair_photos');
}
