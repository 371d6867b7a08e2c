import type { Knex } from 'knex';
import type { Db } from '..';
import {
  ACCOUNT_SECRETS,
  SECRET_PLACEHOLDER,
  accountChannels,
  accountPriority,
  type AccountTemplate,
} from '../../domain/notifications/account';
import type { VerifyingAddress } from '../../domain/notifications/decide';
import { renderTemplate } from '../../domain/notifications/templates';
import type { DeliveryChannel } from '../../domain/notifications/types';
import { activeTemplate, brandSettings } from './templates';

export interface AccountMessage {
  userId: number;
  template: AccountTemplate;
  channel: DeliveryChannel;
  context: Record<string, unknown>;
  /** Only for a verification code: the address it may go to unverified. */
  verifying?: VerifyingAddress;
}

/**
 * Writes an account message's in-app record, in the caller's transaction, and returns its id. The
 * email/SMS texts (in `content`, for the deliveries) carry the secret; the title and message are
 * rendered with the secret blanked out, so the in-app copy (and every list of notifications)
 * never shows a working link or code.
 */
export async function recordAccountMessage(db: Db, trx: Knex.Transaction, m: AccountMessage): Promise<number> {
  const template = await activeTemplate(db, trx, m.template);
  const brand = await brandSettings(trx);
  const full = renderTemplate(template, m.context, brand);
  const blanked = Object.fromEntries(ACCOUNT_SECRETS[m.template].map((k) => [k, SECRET_PLACEHOLDER]));
  const inApp = renderTemplate(template, { ...m.context, ...blanked }, brand);
  const [row] = await trx('notifications')
    .insert({
      userId: m.userId,
      title: inApp.title,
      message: inApp.message,
      category: 'account',
      priority: accountPriority(m.channel),
      actionUrl: null,
      channels: JSON.stringify(accountChannels(m.channel)),
      content: JSON.stringify({ emailSubject: full.emailSubject, emailHtml: full.emailHtml, emailText: full.emailText, sms: full.sms }),
      verifying: m.verifying ? JSON.stringify(m.verifying) : null,
    })
    .returning<{ id: number }[]>('id');
  return row!.id;
}
