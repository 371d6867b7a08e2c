import type { Db } from '../../db';

/** What one SES event asks of us: which sent message, which addresses, and what happened. */
export interface SesFeedback {
  kind: 'bounced' | 'complained' | 'delivered';
  messageId: string;
  /** Addresses to stop mailing (a permanent bounce's or a complaint's recipients). */
  stopAddresses: string[];
}

const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const addresses = (list: unknown): string[] =>
  Array.isArray(list) ? list.map((r) => record(r).emailAddress).filter((a): a is string => typeof a === 'string' && a !== '') : [];

/**
 * Reads an SES event (a configuration set's `eventType`, or an identity notification's
 * `notificationType`). Transient bounces and other event types ask nothing: null.
 */
export function readSesEvent(message: string): SesFeedback | null {
  let event: Record<string, unknown>;
  try {
    event = record(JSON.parse(message));
  } catch {
    return null;
  }
  const type = event.eventType ?? event.notificationType;
  const messageId = record(event.mail).messageId;
  if (typeof messageId !== 'string' || messageId === '') return null;
  if (type === 'Bounce') {
    const bounce = record(event.bounce);
    if (bounce.bounceType !== 'Permanent') return null;
    return { kind: 'bounced', messageId, stopAddresses: addresses(bounce.bouncedRecipients) };
  }
  if (type === 'Complaint') {
    return { kind: 'complained', messageId, stopAddresses: addresses(record(event.complaint).complainedRecipients) };
  }
  if (type === 'Delivery') return { kind: 'delivered', messageId, stopAddresses: [] };
  return null;
}

/**
 * Feedback a later one may not undo: a complaint outranks a bounce, which outranks a delivery.
 * SNS retries and does not order its messages, so each write only ever raises the rank.
 */
const OUTRANKS: Record<SesFeedback['kind'], string[]> = {
  delivered: [],
  bounced: ['delivered'],
  complained: ['delivered', 'bounced'],
};

/** Applies one event: the email delivery logs of the message, and the addresses no longer mailed. */
export async function applySesFeedback(db: Db, f: SesFeedback): Promise<{ logs: number; users: number }> {
  return db.knex.transaction(async (trx) => {
    const logs = await trx('delivery_logs')
      .where({ channel: 'email', providerMessageId: f.messageId })
      .where((q) => q.whereNull('feedback').orWhereIn('feedback', OUTRANKS[f.kind]))
      .update({ feedback: f.kind, feedbackAt: new Date(), updatedAt: new Date() });
    let users = 0;
    if (f.stopAddresses.length > 0) {
      // Every account on that address: the same inbox bounces for all of them.
      users = await trx('users')
        .whereRaw('lower(email) = any(?)', [f.stopAddresses.map((a) => a.toLowerCase())])
        .where('emailVerified', true)
        .update({ emailVerified: false });
    }
    return { logs, users };
  });
}
