import assert from 'node:assert/strict';
import { migrationConfig } from '../../src/db';
import { freshDatabase } from '../support/harness';

describe('db: migrations', () => {
  it('apply, roll all the way back, and apply again', async () => {
    const { db } = await freshDatabase();
    try {
      const tables = async () =>
        (
          await db.knex('information_schema.tables').where({ table_schema: 'public' }).pluck('table_name')
        ).filter((t: string) => !t.startsWith('knex_'));
      assert.deepEqual((await tables()).sort(), ['customer_users', 'customers', 'repairs', 'technicians', 'users']);
      // Recorded without extension: the .ts sources (npm start) and the built .js agree on what ran.
      const recorded: string[] = await db.knex('knex_migrations').orderBy('id').pluck('name');
      assert.equal(recorded.length, 5);
      for (const name of recorded) assert.match(name, /^\d{14}_[a-z_]+$/);
      await db.knex.migrate.rollback(migrationConfig, true);
      assert.deepEqual(await tables(), []);
      await db.knex.migrate.latest(migrationConfig);
      assert.equal((await tables()).length, 5);
    } finally {
      await db.destroy();
    }
  });

  it('enforce the rules the database owns (status values, unique usernames in any case)', async () => {
    const { db } = await freshDatabase();
    try {
      await db.knex('users').insert({ username: 'Ann', password_hash: 'x', role: 'admin' });
      await assert.rejects(db.knex('users').insert({ username: 'ann', password_hash: 'x', role: 'admin' }), /users_username_lower_unique/);
      await assert.rejects(db.knex('users').insert({ username: 'bob', password_hash: 'x', role: 'root' }), /users_role_check/);
    } finally {
      await db.destroy();
    }
  });
});
