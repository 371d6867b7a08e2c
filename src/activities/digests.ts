import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  DIGEST_SEND_TIMEOUT_MS,
  DIGEST_WINDOW_MS,
  digestLines,
  digestListHtml,
  digestListText,
  type DigestItem,
  type DigestOutcome,
  type DigestRequest,
} from '../domain/notifications/digest';
import { UNCHOSEN_QUIET_HOURS_ZONE, type DigestRecipient, type DigestRecipientPage } from '../domain/notifications/digest-schedule';
import { keys } from '../domain/keys';
import { portalLinks } from '../domain/portals';
import { digestContext } from '../domain/notifications/template-contexts';
import { renderTemplate } from '../domain/notifications/templates';
import { activeTemplate, brandSettings } from '../db/queries/templates';
import { loadRollout } from '../db/queries/rollout';
import { inRollout } from '../domain/notifications/rollout';
import type { NotificationDigest } from '../db/models';
import type { ActivityDeps } from './deps';
import { createEmailPacing, noSlotYet } from './email-pacing';
import { metric, recordFailure } from '../transports/metrics';
import { outcomeNotRecorded, withRetries } from './record-outcome';
import { DeliveryError, type SendResult } from '../transports/types';

export function createDigestActivities({ db, transport, metrics, portals, digest, emailPacing }: ActivityDeps) {
  const { NotificationDigest, User } = db.models;
  const pacing = createEmailPacing({ db, emailPacing });
  const portal = portalLinks(portals);

  /**
   * Who holds a claim: the activity's workflow run and id, the same on each of its retries, so an
   * attempt can tell its own predecessor's claim from another run's.
   */
  function claimOwner(): string {
    const { workflowExecution, activityId } = Context.current().info;
    return keys.digestClaimOwner(workflowExecution?.workflowId, workflowExecution?.runId, activityId);
  }

  /** Claims the user's digest for the day; null when another run holds or finished it. */
  async function claim(
    userId: number,
    day: string,
    recipient: string,
    count: number,
    previous?: NotificationDigest,
  ): Promise<NotificationDigest | null> {
    const fields = {
      status: 'pending' as const,
      recipient,
      notification_count: count,
      error_code: null,
      error_message: null,
      claimed_by: claimOwner(),
    };
    if (previous) {
      // Only a failed attempt may be claimed again, and only by one caller (the status guard).
      const updated = await db
        .knex('notification_digests')
        .update({ ...fields, updated_at: new Date() })
        .where({ id: previous.id, status: 'failed' });
      return updated === 1
        ? NotificationDigest.query()
            .findById(previous.id)
            .then((d) => d ?? null)
        : null;
    }
    const rows = await db
      .knex('notification_digests')
      .insert({ ...fields, user_id: userId, digest_date: day })
      .onConflict(['user_id', 'digest_date'])
      .ignore()
      .returning('id');
    const id = (rows[0] as { id: number } | undefined)?.id;
    return id === undefined ? null : ((await NotificationDigest.query().findById(id)) ?? null);
  }

  /** Users who asked for a digest and can receive email (the partial index on preferences leads). */
  const recipients = () =>
    db
      .knex('notification_preferences as p')
      .join('users as u', 'u.id', 'p.user_id')
      .where({ 'p.digest_enabled': true, 'p.email_enabled': true, 'u.is_active': true, 'u.email_verified': true })
      .whereNotNull('u.email');

  /** The SQL form of digestTimeZone (src/domain/notifications/digest-schedule.ts); a test holds them equal. */
  const ZONE =
    'case when p.quiet_hours_enabled or p.quiet_hours_timezone <> ? then p.quiet_hours_timezone else coalesce(u.timezone, ?) end';
  const zoneBindings = (defaultZone: string) => [UNCHOSEN_QUIET_HOURS_ZONE, defaultZone];

  return {
    /** Runs of the daily (single-zone) digest started before the hourly one: kept until none is left. */
    async listDigestRecipients(afterUserId: number, limit: number): Promise<number[]> {
      const rows = await recipients().where('u.id', '>', afterUserId).orderBy('u.id').limit(limit).select<{ id: number }[]>('u.id');
      return rows.map((r) => r.id);
    },

    /** The zones digest recipients' clocks follow, each once: what an hourly run asks the rule about. */
    async listDigestZones(defaultZone: string): Promise<string[]> {
      const rows = await recipients()
        .select<{ zone: string }[]>(db.knex.raw(`distinct ${ZONE} as zone`, zoneBindings(defaultZone)))
        .orderBy('zone');
      return rows.map((r) => r.zone);
    },

    /** Recipients whose clock follows one of `zones`, in id order, `limit` at a time, each with its zone. */
    async listDueDigestRecipients(page: DigestRecipientPage): Promise<DigestRecipient[]> {
      if (page.zones.length === 0) return [];
      const bindings = zoneBindings(page.defaultZone);
      return recipients()
        .whereRaw(`${ZONE} = any(?::text[])`, [...bindings, page.zones])
        .where('p.user_id', '>', page.afterUserId)
        .orderBy('p.user_id')
        .limit(page.limit)
        .select<DigestRecipient[]>('p.user_id as userId', db.knex.raw(`${ZONE} as "timeZone"`, bindings));
    },

    /**
     * One user's digest for one day: their unread notifications of the 24 h before `windowEnd`, in
     * one email, at most once per day. The day's row is claimed before the provider is called, so a
     * second run (a retry, a manual trigger) finds it. Only the provider's refusal ends a claim
     * `failed`; a claim left pending (a worker that died mid-send, a `sent` write that failed) is
     * re-sent only through the local outbox, which deduplicates by digest.
     */
    sendDigest: async (req: DigestRequest): Promise<DigestOutcome> => {
      const attemptStartedAt = performance.now();
      let existing = await NotificationDigest.query().findOne({ userId: req.userId, digestDate: req.day });
      if (existing?.status === 'sent') return { status: 'already_sent' };
      if (existing?.status === 'pending') {
        // A fresh claim of another run belongs to a run still sending (two runs at once). Our own
        // earlier attempt's claim, or one that outlived its timeout, has an unknown outcome.
        const fresh = await db
          .knex('notification_digests')
          .where('id', existing.id)
          .where('updated_at', '>', db.knex.raw(`now() - interval '${DIGEST_SEND_TIMEOUT_MS} milliseconds'`))
          .whereRaw('claimed_by is distinct from ?', [claimOwner()])
          .first<{ id: number } | undefined>('id');
        if (fresh) return { status: 'in_progress' };
        const code = transport.name === 'local' ? 'WORKER_LOST' : 'OUTCOME_UNKNOWN';
        await NotificationDigest.query()
          .patch({ status: 'failed', errorCode: code, errorMessage: 'an earlier attempt ended without recording the outcome' })
          .where({ id: existing.id, status: 'pending' });
        if (transport.name !== 'local') return { status: 'failed', code };
        existing = await NotificationDigest.query().findById(existing.id);
      }
      if (existing?.errorCode === 'OUTCOME_UNKNOWN') return { status: 'failed', code: 'OUTCOME_UNKNOWN' };

      const user = await User.query().findById(req.userId);
      if (!user?.email || !user.isActive) return { status: 'empty' };
      // A digest is an email: none for a user the email rollout has not reached, and no row, so a
      // later run that day sends it if the rollout has grown by then.
      if (!inRollout((await loadRollout(db.knex)).shares.email[user.role], user.id, 'email')) return { status: 'empty' };
      const end = new Date(req.windowEnd);
      const unread = await db
        .knex('notifications')
        .where({ user_id: req.userId, is_read: false })
        .where('created_at', '>=', new Date(end.getTime() - DIGEST_WINDOW_MS))
        .where('created_at', '<', end)
        .select<DigestItem[]>('title', 'message', 'priority', 'action_url', 'created_at');
      // Nothing to say, nothing sent; and no row, so a later run that day still may send one.
      if (unread.length === 0) return { status: 'empty' };

      const [template, brand] = await Promise.all([activeTemplate(db, db.knex, 'daily_digest'), brandSettings(db.knex)]);
      const { shown, more } = digestLines(unread, digest.maxItems);
      const rendered = renderTemplate(template, digestContext(user.username, unread.length, req.day), brand, {
        html: digestListHtml(shown, more, portal.portalUrl(user.role)),
        text: digestListText(shown, more, portal.portalUrl(user.role)),
      });
      // Its SES slot before its claim: a worker lost while waiting leaves no claim of unknown outcome.
      const slot = await pacing.reserve(1, attemptStartedAt);
      if (slot.at.length === 0) throw noSlotYet(1, emailPacing.perSecond);
      await slot.waitUntil(slot.at[0]!);
      const row = await claim(req.userId, req.day, user.email, unread.length, existing);
      if (!row) return { status: 'already_sent' };

      const started = performance.now();
      let result: SendResult;
      try {
        result = await transport.sendEmail({
          notificationId: null,
          digestId: row.id,
          to: user.email,
          subject: rendered.emailSubject,
          html: rendered.emailHtml,
          text: rendered.emailText,
        });
      } catch (err) {
        const e =
          err instanceof DeliveryError
            ? err
            : new DeliveryError(String((err as Error)?.message ?? err), 'UNEXPECTED', false, { cause: err });
        await NotificationDigest.query()
          .patch({ status: 'failed', errorCode: e.code, errorMessage: e.message.slice(0, 1000) })
          .where('id', row.id);
        recordFailure(metrics, 'email', e.code);
        throw ApplicationFailure.create({ message: e.message, type: e.code, nonRetryable: e.permanent });
      }
      try {
        await withRetries(() =>
          NotificationDigest.query()
            .patch({ status: 'sent', providerMessageId: result.providerMessageId, sentAt: new Date() })
            .where('id', row.id),
        );
      } catch (err) {
        // The digest is out: `failed` would let the next attempt send it again. Left pending (and
        // ours), the claim sends the retry down the unknown-outcome path instead.
        throw outcomeNotRecorded('the provider accepted the digest', err);
      }
      metrics.record(metric.success('email'));
      metrics.record(metric.duration('email', performance.now() - started));
      return { status: 'sent', count: unread.length };
    },
  };
}
