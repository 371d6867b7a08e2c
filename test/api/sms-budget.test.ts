import assert from 'node:assert/strict';
import { DeliveryError, type Transport } from '../../src/transports/types';
import { loadConfig } from '../../src/config';
import { runOps } from '../../src/ops/cli';
import { eventually } from '../support/eventually';
import { insertCustomer, insertUser, PASSWORD } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

const SMS_COST = 0.006;

/** The local transport does not price messages; this one prices SMS like SNS would, and can refuse emails. */
let refuseEmails = false;
const priced = (real: Transport): Transport => ({
  name: real.name,
  async sendEmail(m) {
    if (refuseEmails && m.notificationId !== null) {
      throw new DeliveryError('SES SendEmail failed (MessageRejected): Email address is not verified', 'MessageRejected', true);
    }
    return real.sendEmail(m);
  },
  sendSms: async (m) => ({ ...(await real.sendSms(m)), costEstimateUsd: SMS_COST }),
});

describe('api: SMS spend guard and bulk re-drive', () => {
  let h: Harness;
  const t: Record<string, string> = {};
  const ids: Record<string, number> = {};

  before(async () => {
    // Room for exactly one $0.006 SMS this month.
    h = await startHarness({ SMS_MONTHLY_BUDGET_USD: '0.01', SMS_COST_ESTIMATE_USD: String(SMS_COST) }, { wrapTransport: priced });
    const fleet = await insertCustomer(h.db, 'Budget Fleet');
    ids.nora = (await insertUser(h.db, 'nora', 'customer', { customerId: fleet })).userId;
    ids.tom = (await insertUser(h.db, 'tom', 'technician')).userId;
    ids.root = (await insertUser(h.db, 'root', 'admin')).userId;
    await h.db.models.User.query().patch({ phone: '+15550100001' }).where('id', ids.nora);
    await h.db.models.User.query().patch({ phone: '+15550100003' }).where('id', ids.tom);
    for (const name of Object.keys(ids)) t[name] = await h.login(name, PASSWORD);
  });
  after(() => h?.close());

  const post = async (token: string, path: string, body?: unknown) => {
    const res = await h.request('POST', path, { token, ...(body === undefined ? {} : { body }) });
    assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const smsLogs = () =>
    h.db
      .knex('delivery_logs as l')
      .join('notifications as n', 'n.id', 'l.notification_id')
      .join('notification_events as e', 'e.id', 'n.event_id')
      .where('l.channel', 'sms')
      .orderBy('l.id')
      .select(
        'e.type',
        'n.priority',
        'l.status',
        'l.error_code as errorCode',
        'l.error_message as errorMessage',
        'l.notification_id as notificationId',
      );
  const settled = (what: string, count: number) =>
    eventually(
      async () => {
        const logs = await smsLogs();
        const pending = await h.db.models.DeliveryLog.query().where('status', 'pending').resultSize();
        return logs.length >= count && pending === 0 ? logs : undefined;
      },
      what,
      30_000,
    );

  it('sends SMS while the month has budget, then holds non-urgent ones (logged suppressed) and sends them by email; URGENT still goes', async () => {
    const repair = await post(t.nora!, '/api/repairs', { unitNumber: 'B-1', description: 'chip, driver side' });
    // One step at a time, so each SMS sees the spend of the one before.
    await settled('the assignment SMS to the technician', 1);
    await post(t.tom!, `/api/repairs/${repair.id}/submit`, { estimatedCost: 50 });
    await settled('the approval request SMS', 2);
    await post(t.nora!, `/api/repairs/${repair.id}/approve`);
    await settled('the approval SMS (URGENT)', 3);
    await post(t.tom!, `/api/repairs/${repair.id}/start`);
    await post(t.tom!, `/api/repairs/${repair.id}/complete`);
    const logs = await settled('the completion SMS', 4);

    assert.deepEqual(
      logs.map((l) => [l.type, l.priority, l.status, l.errorCode]),
      [
        ['technician_assigned', 'HIGH', 'sent', null], // $0.006 of $0.01
        ['approval_requested', 'HIGH', 'suppressed', 'sms_budget_exceeded'], // would make $0.012
        ['repair_approved', 'URGENT', 'sent', null], // urgent: over budget, sent anyway
        ['work_completed', 'HIGH', 'suppressed', 'sms_budget_exceeded'],
      ],
    );
    assert.match(logs[1].errorMessage, /monthly SMS budget of \$0\.01 reached \(\$0\.00600 spent this month\)/);
    const smsOut = await h.db.knex('outbox_messages').where('channel', 'sms').pluck('notification_id');
    assert.deepEqual(smsOut.sort(), [logs[0].notificationId, logs[2].notificationId].sort(), 'a suppressed SMS never reaches the provider');

    // HIGH is SMS + in-app: the held-back SMS goes by email instead, once.
    await eventually(async () => {
      const mails = await h.db
        .knex('outbox_messages')
        .where('channel', 'email')
        .whereIn('notification_id', [logs[1].notificationId, logs[3].notificationId]);
      return mails.length === 2 ? mails : undefined;
    }, 'the email fallbacks');
    const fallbacks = await h.db
      .knex('outbox_messages')
      .where('channel', 'email')
      .whereIn('notification_id', [logs[1].notificationId, logs[3].notificationId])
      .pluck('to');
    assert.deepEqual(fallbacks, ['nora@example.com', 'nora@example.com']);
  });

  it('re-drives failed deliveries in bulk: once each, never a channel already sent', async () => {
    refuseEmails = true;
    const repair = await post(t.root!, '/api/repairs', {
      unitNumber: 'B-2',
      description: 'crack in the corner',
      customerId: (await h.db.knex('customer_users').where('user_id', ids.nora).first()).customerId,
    });
    await post(t.nora!, `/api/repairs/${repair.id}/approve`);
    // Every email of this repair refused and logged (URGENT ones and the SMS budget's fallbacks), and nothing in flight.
    // Settled means the same failed emails, nothing pending, over three polls a second apart: on a
    // loaded machine one send's attempts can be more than a second apart.
    let lastCount = -1;
    let sameFor = 0;
    const failed = await eventually(
      async () => {
        const rows = await h.db
          .knex('delivery_logs as l')
          .join('notifications as n', 'n.id', 'l.notification_id')
          .where('n.repair_id', repair.id)
          .select('l.status', 'l.channel', 'l.notification_id as notificationId');
        const emails = rows.filter((r) => r.channel === 'email');
        const settled = emails.length >= 2 && emails.every((r) => r.status === 'failed') && rows.every((r) => r.status !== 'pending');
        sameFor = settled && emails.length === lastCount ? sameFor + 1 : 0;
        lastCount = settled ? emails.length : -1;
        const stable = sameFor >= 2;
        if (!stable) await new Promise((r) => setTimeout(r, 1000));
        return stable ? emails : undefined;
      },
      'the refused emails to be logged failed',
      60_000,
    );
    refuseEmails = false;
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: h.config.database.url as string,
      TEMPORAL_ADDRESS: h.config.temporal.address as string,
      TEMPORAL_TASK_QUEUE: h.config.temporal.taskQueue,
      NOTIFICATION_EMAIL_TASK_QUEUE: h.config.notifications.emailTaskQueue,
    };
    assert.ok(loadConfig(env));
    const lines: string[] = [];
    const dry = await runOps('redrive', ['--channel', 'email', '--dry-run'], env, (l) => lines.push(l));
    assert.equal(dry, 0);
    assert.match(lines.join('\n'), new RegExp(`^${failed.length} failed deliveries match \\(dry run`));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(
      await h.db.models.DeliveryLog.query()
        .where('channel', 'email')
        .whereIn(
          'notificationId',
          failed.map((f) => f.notificationId),
        )
        .resultSize(),
      failed.length,
      'a dry run starts nothing',
    );

    lines.length = 0;
    assert.equal(await runOps('redrive', ['--channel', 'email', '--error-code', 'MessageRejected'], env, (l) => lines.push(l)), 0);
    assert.equal(lines.filter((l) => l.startsWith('re-driven')).length, failed.length, lines.join('\n'));
    await eventually(async () => {
      const sent = await h.db
        .knex('outbox_messages')
        .where('channel', 'email')
        .whereIn(
          'notification_id',
          failed.map((f) => f.notificationId),
        );
      return sent.length === failed.length ? true : undefined;
    }, 'the re-driven emails to go out');

    lines.length = 0;
    await runOps('redrive', ['--channel', 'email'], env, (l) => lines.push(l));
    assert.equal(lines.filter((l) => l.startsWith('re-driven')).length, 0, 'a second run starts nothing: they are sent now');
    const perNotification = await h.db
      .knex('outbox_messages')
      .where('channel', 'email')
      .whereIn(
        'notification_id',
        failed.map((f) => f.notificationId),
      )
      .groupBy('notification_id')
      .select('notification_id')
      .count({ n: '*' });
    assert.deepEqual(
      perNotification.map((r) => Number(r.n)),
      failed.map(() => 1),
    );
  });
});
