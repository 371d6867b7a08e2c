import type { Db } from '../db';
import { DeliveryError, type EmailMessage, type SendResult, type SmsMessage, type Transport } from './types';

/**
 * The development transport: a "sent" message is a row in outbox_messages, listed by
 * GET /api/admin/outbox. One row per notification and channel, so sending again is harmless.
 */
export function createLocalTransport(db: Db): Transport {
  type Row = {
    notification_id: number | null;
    digest_id: number | null;
    channel: 'email' | 'sms';
    to: string;
    subject: string | null;
    body: string;
    html: string | null;
  };
  async function store(row: Row): Promise<SendResult> {
    // The outbox keys a message by what it belongs to; a message that belongs to nothing has no place there.
    if (row.notification_id === null && row.digest_id === null) {
      throw new DeliveryError('the local transport only stores notification and digest messages', 'LOCAL_NO_OWNER', true);
    }
    const key = row.digest_id !== null ? { digest_id: row.digest_id } : { notification_id: row.notification_id, channel: row.channel };
    const conflictColumns = row.digest_id !== null ? ['digest_id'] : ['notification_id', 'channel'];
    const inserted = await db.knex('outbox_messages').insert(row).onConflict(conflictColumns).ignore().returning('id');
    const existing = () => db.knex('outbox_messages').where(key).first<{ id: number }>('id');
    const id = (inserted[0] as { id: number } | undefined)?.id ?? (await existing()).id;
    return { providerMessageId: `local-${id}`, costEstimateUsd: null };
  }
  return {
    name: 'local',
    sendEmail: (m: EmailMessage) =>
      store({
        notification_id: m.notificationId,
        digest_id: m.digestId ?? null,
        channel: 'email',
        to: m.to,
        subject: m.subject,
        body: m.text,
        html: m.html,
      }),
    sendSms: (m: SmsMessage) =>
      store({ notification_id: m.notificationId, digest_id: null, channel: 'sms', to: m.to, subject: null, body: m.body, html: null }),
  };
}
