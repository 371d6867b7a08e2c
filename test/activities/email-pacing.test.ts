import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../src/db';
import { createLocalTransport } from '../../src/transports/local';
import type { Transport } from '../../src/transports/types';
import { insertUser } from '../support/fixtures';
import { freshDatabase } from '../support/harness';
import { activitiesFor, asAttempt, insertNotifications } from './support';

/** The local outbox as a provider that cannot deduplicate, noting when each email started. */
function timedProvider(db: Db) {
  const real = createLocalTransport(db);
  const starts: Array<{ id: number | null; at: number }> = [];
  const transport: Transport = {
    name: 'aws',
    async sendEmail(m) {
      starts.push({ id: m.notificationId, at: Date.now() });
      return real.sendEmail(m);
    },
    sendSms: (m) => real.sendSms(m),
  };
  return { transport, starts };
}

const most = (times: number[], windowMs: number) => Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));

describe("activities/deliveries: a dispatch's emails in one activity, at the SES pace shared by every worker", () => {
  let db: Db;
  let userId: number;
  before(async () => {
    ({ db } = await freshDatabase());
    userId = (await insertUser(db, 'pace', 'customer')).userId;
    await db.models.User.query().patch({ email: 'pace@example.com' }).where('id', userId);
  });
  after(() => db?.destroy());

  it("two workers' batches at once share the quota: at most the rate per second, each email once, each claimed just before it went", async () => {
    const rate = 20;
    const [a, b] = [
      await insertNotifications(db, userId, Array(10).fill('MEDIUM')),
      await insertNotifications(db, userId, Array(10).fill('MEDIUM')),
    ];
    const { transport, starts } = timedProvider(db);
    const info = { attempt: 1, startToCloseTimeoutMs: 60_000 };
    const [one, two] = [activitiesFor(db, transport, {}, rate), activitiesFor(db, transport, {}, rate)];
    const [ra, rb] = await Promise.all([asAttempt(info, one.sendEmailBatch, a, 3), asAttempt(info, two.sendEmailBatch, b, 3)]);
    for (const id of a) assert.equal(ra[id]!.status, 'sent');
    for (const id of b) assert.equal(rb[id]!.status, 'sent');
    assert.deepEqual(starts.map((s) => s.id).sort(), [...a, ...b].sort(), 'each email once');
    const at = starts.map((s) => s.at).sort((x, y) => x - y);
    assert.ok(most(at, 1000) <= rate + 1, `at most ${rate + 1} in any second (got ${most(at, 1000)})`);
    assert.ok(at[at.length - 1]! - at[0]! >= 19 * (1000 / rate) - 5, 'twenty slots take nineteen intervals');
    // Claimed at its slot, not when the batch began: a worker lost while waiting strands no claim.
    const logs = await db
      .knex('delivery_logs')
      .whereIn('notification_id', [...a, ...b])
      .select<Array<{ notificationId: number; createdAt: Date }>>('notification_id', 'created_at');
    for (const l of logs) {
      const sent = starts.find((s) => s.id === Number(l.notificationId))?.at;
      assert.ok(sent !== undefined, `log of ${l.notificationId} (${JSON.stringify(starts.map((s) => s.id))})`);
      assert.ok(sent - new Date(l.createdAt).getTime() < 150, `claimed ${sent - new Date(l.createdAt).getTime()} ms before its send`);
    }
  });

  it('emails with no slot left in the attempt are not claimed, and go once on the retry', async () => {
    const ids = await insertNotifications(db, userId, Array(15).fill('MEDIUM'));
    const { transport, starts } = timedProvider(db);
    const { sendEmailBatch } = activitiesFor(db, transport, {}, 10);
    // 1.5 s to close, a third of it kept for sending: slots within 1 s less the reads, so 10 or 11 of the 15 at 10/s.
    const info = (attempt: number) => ({ attempt, startToCloseTimeoutMs: 1500 });
    await assert.rejects(
      asAttempt(info(1), sendEmailBatch, ids, 3),
      (err: unknown) => err instanceof ApplicationFailure && err.type === 'SendRateBacklog' && !err.nonRetryable,
    );
    assert.ok(starts.length >= 10 && starts.length <= 11, `${starts.length} sent in the first attempt`);
    assert.equal(
      Number((await db.knex('delivery_logs').whereIn('notification_id', ids).count({ n: '*' }))[0]!.n),
      starts.length,
      'no claim without a slot',
    );
    const second = await asAttempt(info(2), sendEmailBatch, ids, 3);
    for (const id of ids) assert.equal(second[id]!.status, 'sent');
    assert.deepEqual(starts.map((s) => s.id).sort(), [...ids].sort(), 'each email once across the attempts');
  });
  it('a batch woken late (its event loop blocked) takes fresh slots rather than crowding the ones after', async () => {
    const rate = 20;
    const ids = await insertNotifications(db, userId, Array(24).fill('MEDIUM'));
    const { transport, starts } = timedProvider(db);
    const { sendEmailBatch } = activitiesFor(db, transport, {}, rate);
    // 600 ms without the event loop, while the batch waits for its slots.
    const stall = setTimeout(() => {
      const until = performance.now() + 600;
      while (performance.now() < until);
    }, 150);
    try {
      const result = await asAttempt({ attempt: 1, startToCloseTimeoutMs: 60_000 }, sendEmailBatch, ids, 3);
      for (const id of ids) assert.equal(result[id]!.status, 'sent');
    } finally {
      clearTimeout(stall);
    }
    assert.deepEqual(starts.map((s) => s.id).sort(), [...ids].sort(), 'each email once');
    const at = starts.map((s) => s.at).sort((x, y) => x - y);
    assert.ok(most(at, 1000) <= rate + 1, `at most ${rate + 1} in any second (got ${most(at, 1000)})`);
  });
});
