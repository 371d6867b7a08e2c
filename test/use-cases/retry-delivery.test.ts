import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config';
import type { Db } from '../../src/db';
import { ConflictError, NotFoundError } from '../../src/domain/errors';
import type { TemporalHandles } from '../../src/temporal/client';
import { retryDelivery } from '../../src/use-cases/retry-delivery';
import { insertNotifications } from '../activities/support';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';

describe('use-cases: retrying a delivery', () => {
  let db: Db;
  let notificationId: number;
  // The refusals are decided from the delivery log alone: Temporal must never be reached.
  const temporal = new Proxy({}, { get: () => assert.fail('a refused retry called Temporal') }) as TemporalHandles;
  const retry = (logId: number) => retryDelivery({ db, config: loadConfig({ NODE_ENV: 'test' }), temporal }, logId);
  const log = (status: 'sent' | 'failed' | 'pending', attempt: number, errorCode?: string) =>
    db.models.DeliveryLog.query().insert({
      notificationId,
      channel: 'email',
      status,
      attempt,
      recipient: 'r@example.com',
      ...(errorCode ? { errorCode } : {}),
    });

  before(async () => {
    ({ db } = await freshDatabase());
    const { userId } = await insertUser(db, 'retry-user', 'admin');
    [notificationId] = (await insertNotifications(db, userId, ['HIGH'])) as [number];
  });
  after(() => db?.destroy());
  afterEach(() => db.knex('delivery_logs').del());

  it('refuses with domain errors, never an API error: a missing log is NotFound', async () => {
    await assert.rejects(retry(999_999), (e: unknown) => e instanceof NotFoundError && e.message === 'Delivery log not found');
  });

  it('a log that did not fail, or a channel already sent, in flight or of unknown outcome, is a Conflict', async () => {
    const sent = await log('sent', 1);
    await assert.rejects(retry(sent.id), (e: unknown) => e instanceof ConflictError && /Only a failed delivery/.test(e.message));
    const failed = await log('failed', 2, 'Throttling');
    await assert.rejects(retry(failed.id), (e: unknown) => e instanceof ConflictError && /already sent by email/.test(e.message));
    await db.knex('delivery_logs').where('id', sent.id).del();
    await log('pending', 3);
    await assert.rejects(retry(failed.id), (e: unknown) => e instanceof ConflictError && /in progress/.test(e.message));
    await log('failed', 4, 'OUTCOME_UNKNOWN');
    await assert.rejects(retry(failed.id), (e: unknown) => e instanceof ConflictError && /outcome .* is unknown/.test(e.message));
  });
});
