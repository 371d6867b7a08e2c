import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { migrationConfig } from '../../src/db';

const TABLES = [
  'address_verifications',
  'announcements',
  'approval_links',
  'brand_settings',
  'customer_repair_preferences',
  'customer_users',
  'customers',
  'delivery_logs',
  'event_tickets',
  'live_events',
  'login_throttle',
  'notification_counts',
  'notification_digests',
  'notification_events',
  'notification_preferences',
  'notification_rollout',
  'notification_templates',
  'notifications',
  'outbox_messages',
  'password_resets',
  'referral_codes',
  'referrals',
  'repair_comments',
  'repair_edits',
  'repair_history',
  'repair_photos',
  'repairs',
  'reward_options',
  'reward_points',
  'reward_redemptions',
  'send_rate_limits',
  'technicians',
  'unconfirmed_repair_starts',
  'users',
];
import { freshDatabase } from '../support/harness';

describe('db: migrations', () => {
  it('apply, roll all the way back, and apply again', async () => {
    const { db } = await freshDatabase();
    try {
      const tables = async () =>
        (await db.knex('information_schema.tables').where({ table_schema: 'public' }).pluck('table_name')).filter(
          (t: string) => !t.startsWith('knex_'),
        );
      assert.deepEqual((await tables()).sort(), TABLES);
      // Recorded without extension: the .ts sources (npm start) and the built .js agree on what ran.
      const recorded: string[] = await db.knex('knex_migrations').orderBy('id').pluck('name');
      assert.equal(recorded.length, (await readdir(path.join(__dirname, '../../migrations'))).length);
      for (const name of recorded) assert.match(name, /^\d{14}_[a-z_]+$/);
      await db.knex.migrate.rollback(migrationConfig, true);
      assert.deepEqual(await tables(), []);
      await db.knex.migrate.latest(migrationConfig);
      assert.deepEqual((await tables()).sort(), TABLES);
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
      const share = (over: Record<string, unknown>) =>
        db.knex('notification_rollout').insert({ channel: 'sms', role: 'admin', share: 50, ...over });
      await assert.rejects(share({ share: 101 }), /notification_rollout_share_check/);
      await assert.rejects(share({ channel: 'in_app' }), /notification_rollout_channel_check/);
      await assert.rejects(share({ role: 'root' }), /notification_rollout_role_check/);
    } finally {
      await db.destroy();
    }
  });
});
