import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { createActivities, type ActivityDeps } from '../../src/activities';
import { createLocalTransport } from '../../src/transports/local';
import { createLoggingMetrics } from '../../src/transports/metrics';
import { DeliveryError, type Transport } from '../../src/transports/types';
import { loadConfig } from '../../src/config';
import { singlePortal } from '../../src/domain/portals';
import type { Db } from '../../src/db';
import type { Priority } from '../../src/domain/notifications/types';

export const SMS_COST = 0.006;

/**
 * A provider that cannot deduplicate (SES/SNS semantics: name 'aws'), storing what it accepts in
 * the local outbox so tests can count messages, and pricing SMS like SNS. `refuse` makes it throw
 * for the notifications it returns true for; `delayMs` keeps sends in flight a while.
 */
export function countingProvider(db: Db, opts: { delayMs?: number; refuse?: (notificationId: number | null) => boolean } = {}) {
  const real = createLocalTransport(db);
  const calls = { email: [] as Array<number | null>, sms: [] as Array<number | null>, digests: [] as number[] };
  const pause = () => new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
  const refuseIfAsked = (id: number | null) => {
    if (opts.refuse?.(id)) throw new DeliveryError('SNS Publish failed (Throttling): Rate exceeded', 'Throttling', false);
  };
  const transport: Transport = {
    name: 'aws',
    async sendEmail(m) {
      if (m.digestId !== undefined) calls.digests.push(m.digestId);
      else calls.email.push(m.notificationId);
      await pause();
      refuseIfAsked(m.notificationId);
      return real.sendEmail(m);
    },
    async sendSms(m) {
      calls.sms.push(m.notificationId);
      await pause();
      refuseIfAsked(m.notificationId);
      return { ...(await real.sendSms(m)), costEstimateUsd: SMS_COST };
    },
  };
  return { transport, calls };
}

/** The sending activities as the worker builds them, on a test database and transport. */
export function activitiesFor(db: Db, transport: Transport, smsBudget: Partial<ActivityDeps['smsBudget']> = {}, emailsPerSecond = 1000) {
  const config = loadConfig({ NODE_ENV: 'test' });
  const all = createActivities({
    db,
    transport,
    metrics: createLoggingMetrics(() => undefined),
    portals: singlePortal('http://localhost:3000'),
    rewards: config.rewards,
    smsBudget: { monthlyUsd: 1, costEstimateUsd: SMS_COST, ...smsBudget },
    passwordResetTtlMs: 3_600_000,
    approvalLinkTtlMs: 7 * 86_400_000,
    emailPacing: { perSecond: emailsPerSecond },
    digest: { maxItems: 50 },
  });
  return {
    sendSmsBatch: (ids: number[], maxAttempts: number) => all.sendSmsBatch(ids, maxAttempts),
    sendEmail: all.sendEmail,
    sendEmailBatch: (ids: number[], maxAttempts: number) => all.sendEmailBatch(ids, maxAttempts),
    sendDigest: all.sendDigest,
    listDigestZones: (defaultZone: string) => all.listDigestZones(defaultZone),
    listDueDigestRecipients: (...args: Parameters<typeof all.listDueDigestRecipients>) => all.listDueDigestRecipients(...args),
    issuePasswordReset: (...args: Parameters<typeof all.issuePasswordReset>) => all.issuePasswordReset(...args),
  };
}

/**
 * Runs an activity as its `attempt`th try would run: the same workflow run and activity id every
 * time, as on a retry, unless `info` says otherwise (another run).
 */
export function asAttempt<P extends unknown[], R>(attempt: number | Partial<Info>, fn: (...args: P) => Promise<R>, ...args: P): Promise<R> {
  const info = typeof attempt === 'number' ? { attempt } : attempt;
  return new MockActivityEnvironment(info, { logger: silent }).run(fn, ...args);
}

const quiet = () => undefined;
// The SDK logs every failed attempt; the tests assert on them instead.
const silent = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

export async function insertNotifications(db: Db, userId: number, priorities: Priority[]): Promise<number[]> {
  const rows = priorities.map((priority, i) => ({
    user_id: userId,
    title: `Note ${i}`,
    message: 'details',
    category: 'repair_status',
    priority,
    content: JSON.stringify({ emailSubject: `Note ${i}`, emailHtml: '<p>details</p>', emailText: 'details', sms: `Note ${i}` }),
  }));
  const inserted: Array<{ id: number }> = await db.knex('notifications').insert(rows).returning('id');
  return inserted.map((r) => Number(r.id));
}

/**
 * Makes the database refuse the first `times` writes that set `status = 'sent'` on `table`: the
 * failure after the provider has accepted. The count survives the rolled-back statements (a
 * sequence), so `tries()` tells how often the write was attempted.
 */
export async function refuseSentWrites(db: Db, table: 'delivery_logs' | 'notification_digests', times: number) {
  await db.knex.raw(`create sequence if not exists test_sent_write_tries_${table}`);
  await db.knex.raw(`alter sequence test_sent_write_tries_${table} restart`);
  await db.knex.raw(`
    create or replace function test_refuse_sent_${table}() returns trigger language plpgsql as $$
    begin
      if new.status = 'sent' then
        if nextval('test_sent_write_tries_${table}') <= ${Number(times)} then
          raise exception 'injected fault: the sent write is refused' using errcode = '08006';
        end if;
      end if;
      return new;
    end $$`);
  await db.knex.raw(
    `create trigger test_refuse_sent_${table} before update on ${table} for each row execute function test_refuse_sent_${table}()`,
  );
  return {
    async tries(): Promise<number> {
      const { rows } = await db.knex.raw(`select last_value, is_called from test_sent_write_tries_${table}`);
      return rows[0].is_called ? Number(rows[0].last_value) : 0;
    },
    remove: () => db.knex.raw(`drop trigger test_refuse_sent_${table} on ${table}`),
  };
}
