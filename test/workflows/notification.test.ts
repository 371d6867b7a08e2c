import assert from 'node:assert/strict';
import { DeliveryError, type SmsMessage, type Transport } from '../../src/transports/types';
import { savePreferences } from '../../src/db/queries/preferences';
import { DEFAULT_PREFERENCES } from '../../src/domain/notifications/types';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/** Provider behaviour per phone number: the real local transport, with faults where a test asks. */
const PHONES = {
  flaky: '+15550000001', // throttled on every attempt
  badNumber: '+15550000002', // the provider rejects the number
  quiet: '+15550000003',
  crashLocal: '+15550000004', // accepted, then the worker "dies" before recording it
  crashAws: '+15550000005', // the same, with a provider that cannot deduplicate
};
/** Two users of one fleet, so one event's SMS go out as one batch: one always throttled, one fine. */
const BATCH = { throttled: '+15550000006', fine: '+15550000007' };
const calls = new Map<string, number>();
/** A send that has reached the provider but never reports back, until released (after the suite). */
function hold() {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

function faultyTransport(real: Transport, zombies: Promise<void>): Transport {
  return {
    name: real.name,
    sendEmail: (m) => real.sendEmail(m),
    async sendSms(m: SmsMessage) {
      calls.set(m.to, (calls.get(m.to) ?? 0) + 1);
      if (m.to === PHONES.flaky || m.to === BATCH.throttled)
        throw new DeliveryError('SNS Publish failed (Throttling): Rate exceeded', 'Throttling', false);
      if (m.to === PHONES.badNumber) {
        throw new DeliveryError(
          'SNS Publish failed (InvalidParameterValueException): Invalid parameter: PhoneNumber',
          'InvalidParameterValueException',
          true,
        );
      }
      const result = await real.sendSms(m);
      // Accepted by the provider, then the worker never reports back within the attempt timeout.
      if ((m.to === PHONES.crashLocal || m.to === PHONES.crashAws) && calls.get(m.to) === 1) await zombies;
      return result;
    },
  };
}

const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;

describe('workflow: notification delivery', () => {
  const zombies = hold();
  let h: Harness;
  let admin: string;
  const customers: Record<keyof typeof PHONES, number> = { flaky: 0, badNumber: 0, quiet: 0, crashLocal: 0, crashAws: 0 };
  let quietUntil: Date;
  let quietRepair: number;

  const smsLogs = async (phone: string) =>
    h.db
      .knex('delivery_logs as l')
      .join('notifications as n', 'n.id', 'l.notification_id')
      .join('users as u', 'u.id', 'n.user_id')
      .where('u.phone', phone)
      .where('l.channel', 'sms')
      .orderBy('l.id')
      .select('l.status', 'l.attempt', 'l.error_code as errorCode', 'l.created_at as createdAt', 'l.notification_id as notificationId');

  const requestApproval = async (customerId: number) => {
    const res = await h.request('POST', '/api/repairs', {
      token: admin,
      body: { unitNumber: 'N-1', description: 'needs approval', customerId },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };

  before(async () => {
    h = await startHarness(
      // Inline up to one recipient: the two-user fleet below is delivered by a workflow of its own.
      { DELIVERY_MAX_ATTEMPTS: '3', DELIVERY_RETRY_INITIAL: '200ms', DELIVERY_ATTEMPT_TIMEOUT: '2s', DELIVERY_INLINE_MAX: '1' },
      { wrapTransport: (real) => faultyTransport(real, zombies.promise) },
    );
    await insertUser(h.db, 'root', 'admin');
    admin = await h.login('root', PASSWORD);
    await insertUser(h.db, 'tech', 'technician');
    for (const key of Object.keys(PHONES) as (keyof typeof PHONES)[]) {
      customers[key] = await insertCustomer(h.db, `Fleet ${key}`);
      const { userId } = await insertUser(h.db, `user-${key}`, 'customer', { customerId: customers[key] });
      await h.db.models.User.query().patch({ phone: PHONES[key] }).where('id', userId);
      if (key === 'quiet') {
        // A quiet window in UTC that started a minute ago and ends at a coming minute boundary,
        // at least 20 s away (quiet hours are HH:MM, so this is the shortest honest window).
        const now = new Date();
        quietUntil = new Date(Math.ceil((now.getTime() + 20_000) / 60_000) * 60_000);
        await savePreferences(h.db.knex, userId, {
          ...DEFAULT_PREFERENCES,
          quietHours: { enabled: true, start: hhmm(new Date(now.getTime() - 60_000)), end: hhmm(quietUntil), timezone: 'UTC' },
        });
      }
    }
    // Started first: its delivery waits while the other tests run.
    quietRepair = await requestApproval(customers.quiet);
  });
  after(async () => {
    zombies.release();
    await h?.close();
  });

  it('holds an SMS inside quiet hours while the in-app notification exists at once', async () => {
    const n = await eventually(async () => h.db.models.Notification.query().where('repairId', quietRepair).first(), 'in-app record');
    assert.equal(n.smsSent, false);
    assert.deepEqual(n.channels, ['sms', 'in_app']);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await smsLogs(PHONES.quiet), [], 'nothing sent or attempted during quiet hours');
    // The delivery that holds this SMS is still running: it waits on a durable timer.
    const waiting = await eventually(async () => {
      const ids: string[] = [];
      const query = 'WorkflowType = "deliverNotificationsWorkflow" AND ExecutionStatus = "Running"';
      for await (const wf of h.deps.temporal.client.workflow.list({ query })) ids.push(wf.workflowId);
      const mine = ids.filter((id) => id.startsWith(`repair-${quietRepair}/notifications-`));
      return mine.length ? mine : undefined;
    }, 'the waiting delivery workflow');
    assert.equal(waiting.length, 1);
  });

  it('retries a transient failure with exponential backoff, then logs it failed', async () => {
    await requestApproval(customers.flaky);
    const logs = await eventually(async () => {
      const rows = await smsLogs(PHONES.flaky);
      return rows.length === 3 && rows.every((r) => r.status === 'failed') ? rows : undefined;
    }, 'three failed attempts');
    assert.deepEqual(
      logs.map((l) => [l.attempt, l.status, l.errorCode]),
      [
        [1, 'failed', 'Throttling'],
        [2, 'failed', 'Throttling'],
        [3, 'failed', 'Throttling'],
      ],
    );
    const gaps = logs.slice(1).map((l, i) => l.createdAt.getTime() - logs[i]!.createdAt.getTime());
    assert.ok(gaps[0]! >= 180, `first retry after the initial interval (${gaps[0]} ms)`);
    assert.ok(gaps[1]! >= 360, `second retry after twice that (${gaps[1]} ms)`);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(calls.get(PHONES.flaky), 3, 'no fourth attempt');
    const n = await h.db.models.Notification.query().findById(logs[0]!.notificationId);
    assert.equal(n!.smsSent, false);
  });

  it('does not retry a number the provider rejects', async () => {
    await requestApproval(customers.badNumber);
    const logs = await eventually(async () => {
      const rows = await smsLogs(PHONES.badNumber);
      return rows.length ? rows : undefined;
    }, 'the failed attempt');
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(
      (await smsLogs(PHONES.badNumber)).map((l) => [l.attempt, l.status, l.errorCode]),
      [[1, 'failed', 'InvalidParameterValueException']],
    );
    assert.equal(calls.get(PHONES.badNumber), 1);
    assert.equal(logs.length, 1);
  });

  it('sends exactly once when the worker dies after the provider accepted (idempotent local outbox)', async () => {
    await requestApproval(customers.crashLocal);
    const logs = await eventually(
      async () => {
        const rows = await smsLogs(PHONES.crashLocal);
        return rows.some((r) => r.status === 'sent') ? rows : undefined;
      },
      'the retried attempt',
      20_000,
    );
    assert.deepEqual(
      logs.map((l) => [l.attempt, l.status, l.errorCode]),
      [
        [1, 'failed', 'WORKER_LOST'],
        [2, 'sent', null],
      ],
    );
    const outbox = await h.db.knex('outbox_messages').where({ to: PHONES.crashLocal });
    assert.equal(outbox.length, 1, 'one message, although the provider was called twice');
  });

  it("retries a batch's transient failure without sending its delivered SMS again", async () => {
    const fleet = await insertCustomer(h.db, 'Fleet batch');
    for (const [name, phone] of Object.entries(BATCH)) {
      const { userId } = await insertUser(h.db, `batch-${name}`, 'customer', { customerId: fleet });
      await h.db.models.User.query().patch({ phone }).where('id', userId);
    }
    const repairId = await requestApproval(fleet);
    const throttled = await eventually(async () => {
      const rows = await smsLogs(BATCH.throttled);
      return rows.length === 3 ? rows : undefined;
    }, 'three attempts at the throttled number');
    assert.deepEqual(
      throttled.map((l) => [l.attempt, l.status]),
      [
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
      ],
    );
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(
      (await smsLogs(BATCH.fine)).map((l) => [l.attempt, l.status]),
      [[1, 'sent']],
      'one attempt, one log',
    );
    assert.equal(calls.get(BATCH.fine), 1, 'the provider saw the delivered SMS once, through three attempts of its batch');
    assert.equal((await h.db.knex('outbox_messages').where({ to: BATCH.fine })).length, 1);
    assert.equal(calls.get(BATCH.throttled), 3);
    // Two recipients are more than DELIVERY_INLINE_MAX: their dispatch had a workflow of its own.
    const own: string[] = [];
    for await (const wf of h.deps.temporal.client.workflow.list({ query: 'WorkflowType = "deliverNotificationsWorkflow"' }))
      own.push(wf.workflowId);
    assert.equal(own.filter((id) => id.startsWith(`repair-${repairId}/notifications-`)).length, 1);
  });

  it('releases the held SMS when the quiet window ends', async function () {
    this.timeout(120_000);
    const [log] = await eventually(
      async () => {
        const rows = await smsLogs(PHONES.quiet);
        return rows.some((r) => r.status === 'sent') ? rows : undefined;
      },
      'the held SMS',
      100_000,
    );
    assert.equal(log!.status, 'sent');
    const [message] = await h.db.knex('outbox_messages').where({ to: PHONES.quiet });
    assert.ok(message.sentAt.getTime() >= quietUntil.getTime(), `sent ${message.sentAt.toISOString()} after ${quietUntil.toISOString()}`);
    assert.ok(message.sentAt.getTime() < quietUntil.getTime() + 15_000, 'and promptly');
  });
});

describe('workflow: notification delivery with a provider that cannot deduplicate (SES/SNS semantics)', () => {
  const zombies = hold();
  let h: Harness;
  let admin: string;
  let customerId: number;
  before(async () => {
    // The same sends, declared as the aws transport: a lost outcome must never be re-sent.
    h = await startHarness(
      { DELIVERY_ATTEMPT_TIMEOUT: '2s', DELIVERY_RETRY_INITIAL: '200ms' },
      { wrapTransport: (real) => ({ ...faultyTransport(real, zombies.promise), name: 'aws' }) },
    );
    await insertUser(h.db, 'root', 'admin');
    admin = await h.login('root', PASSWORD);
    customerId = await insertCustomer(h.db, 'Fleet aws');
    const { userId } = await insertUser(h.db, 'user-aws', 'customer', { customerId });
    await h.db.models.User.query().patch({ phone: PHONES.crashAws }).where('id', userId);
  });
  after(async () => {
    zombies.release();
    await h?.close();
  });

  it('logs the unknown outcome instead of sending a second copy', async () => {
    const res = await h.request('POST', '/api/repairs', {
      token: admin,
      body: { unitNumber: 'N-2', description: 'needs approval', customerId },
    });
    assert.equal(res.status, 201);
    const logs = await eventually(
      async () => {
        const rows = await h.db.knex('delivery_logs').where({ channel: 'sms' }).orderBy('id');
        return rows.some((r) => r.errorCode === 'OUTCOME_UNKNOWN') ? rows : undefined;
      },
      'the second attempt',
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(
      logs.map((l) => [l.attempt, l.status, l.errorCode]),
      [[1, 'failed', 'OUTCOME_UNKNOWN']],
    );
    assert.equal(calls.get(PHONES.crashAws), 1, 'the provider was called once');
    assert.equal((await h.db.knex('outbox_messages').where({ to: PHONES.crashAws })).length, 1);
  });
});
