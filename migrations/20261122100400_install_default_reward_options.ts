import type { Knex } from 'knex';

const OPTIONS = [
  { name: '$5 off a repair', points_required: 50, discount_type: 'FIXED', discount_value: 5 },
  { name: '10% off a repair', points_required: 100, discount_type: 'PERCENT', discount_value: 10 },
  { name: 'A free repair', points_required: 400, discount_type: 'PERCENT', discount_value: 100 },
];

export async function up(knex: Knex): Promise<void> {
  await knex('reward_options').insert(OPTIONS);
}

export async function down(knex: Knex): Promise<void> {
  await knex('reward_options')
    .whereIn(
      'name',
      OPTIONS.map((o) => o.name),
    )
    .delete();
}
