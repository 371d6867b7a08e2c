import type { Knex } from 'knex';

export interface NewApprovalLink {
  repairId: number;
  userId: number;
  notificationId: number;
  tokenHash: string;
}

/**
 * Records the links of notifications just inserted, in the materializing transaction: a link
 * exists exactly when its notification (whose email and SMS carry the token) does. Unique per
 * notification, so a retry that reaches here again writes nothing. The expiry is on the
 * database's clock, the one every check of it uses.
 */
export async function recordApprovalLinks(trx: Knex.Transaction, links: NewApprovalLink[], ttlMs: number): Promise<void> {
  if (links.length === 0) return;
  const expiresAt = trx.raw('now() + ?::interval', [`${ttlMs} milliseconds`]);
  await trx('approval_links')
    .insert(links.map((l) => ({ ...l, expiresAt })))
    .onConflict('notification_id')
    .ignore();
}

export interface ApprovalLinkRow {
  id: number;
  repairId: number;
  userId: number;
  expiresAt: Date;
  usedAt: Date | null;
  /** Judged by the database's clock, like the expiry was set. */
  expired: boolean;
}

export async function findApprovalLink(knex: Knex, tokenHash: string): Promise<ApprovalLinkRow | undefined> {
  return knex('approval_links')
    .where('token_hash', tokenHash)
    .first<ApprovalLinkRow | undefined>('id', 'repair_id', 'user_id', 'expires_at', 'used_at', knex.raw('expires_at <= now() as expired'));
}

/** Marks the link used once its move took effect; false when another request marked it first. */
export async function markApprovalLinkUsed(knex: Knex, id: number): Promise<boolean> {
  const changed = await knex('approval_links').where('id', id).whereNull('used_at').update({ usedAt: knex.fn.now() });
  return changed > 0;
}
