import type { Knex } from 'knex';
import { carriesApprovalLink } from '../domain/approval-links';
import type { PortalLinks } from '../domain/portals';
import { recordApprovalLinks } from '../db/queries/approval-links';
import { hashResetToken, newResetToken } from '../security/one-time';

/**
 * The approve-from-the-message links of one event's notifications, drawn while their copies are
 * rendered and stored (hashed) once the copies are in: a copy that lost an insert race is dropped
 * with its token, so every stored link is in exactly one sent message.
 */
export function approvalLinksOf(event: { type: string; repairId: number | null }, links: PortalLinks, ttlMs: number) {
  const repairId = event.repairId;
  const tokens = new Map<number, string>();
  return {
    /** A new link for this recipient's copy; undefined for an event that carries none. */
    urlFor(userId: number): string | undefined {
      if (repairId === null || !carriesApprovalLink(event.type)) return undefined;
      const token = newResetToken();
      tokens.set(userId, token);
      return links.approvalLink(token);
    },
    async record(trx: Knex.Transaction, inserted: { id: number; userId: number }[]): Promise<void> {
      if (repairId === null) return;
      const links = inserted.flatMap((n) => {
        const token = tokens.get(n.userId);
        return token === undefined ? [] : [{ repairId, userId: n.userId, notificationId: n.id, tokenHash: hashResetToken(token) }];
      });
      await recordApprovalLinks(trx, links, ttlMs);
    },
  };
}
