import type { Db } from '../../db';
import type { EmailMessage, SendResult, SmsMessage, Transport } from './types';

/**
 * The development transport: a "sent" message is a row in outbox_messages, listed by
 * GET /api/admin/outbox. One row per notification and channel, so sending again is harmless.
 */
export function createLocalTransport(db: Db): Transport {
  async function store(row: { notification_id: number; channel: 'email' | 'sms'; to: string; subject: string | null; body: string; html: string | null }): Promise<SendResult> {
    const inserted = await db.knex('outbox_messages').insert(row).onConflict(['notification_id', 'channel']).ignore().returning('id');
    const existing = () =>
      db.knex('outbox_messages').where({ notification_id: row.notification_id, channel: row.channel }).first<{ id: number }>('id');
    const id = (inserted[0] as { id: number } | undefined)?.id ?? (await existing()).id;
    return { providerMessageId: `local-${id}`, costEstimateUsd: null };
  }
  return {
    name: 'local',
    sendEmail: (m: EmailMessage) =>
      store({ notification_id: m.notificationId, channel: 'email', to: m.to, subject: m.subject, body: m.text, html: m.html }),
    sendSms: (m: SmsMessage) => store({ notification_id: m.notificationId, channel: 'sms', to: m.to, subject: null, body: m.body, html: null }),
  };
}
