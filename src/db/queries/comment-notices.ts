import type { Knex } from 'knex';
import type { Db } from '..';
import { COMMENT_NOTICE, COMMENT_TEMPLATE, commentContext, type CommentNoticeFacts } from '../../domain/comments';
import { channelsFor } from '../../domain/notifications/channels';
import { renderTemplate } from '../../domain/notifications/templates';
import { portalLinks, type PortalUrls } from '../../domain/portals';
import type { Role } from '../../domain/roles';
import { activeTemplate, brandSettings } from './templates';

export interface CommentNotice extends CommentNoticeFacts {
  repair: CommentNoticeFacts['repair'] & { customerId: number; technicianId: number | null };
  author: CommentNoticeFacts['author'] & { id: number };
}

/**
 * The comment's other parties (domain/comments.ts): the active users of the repair's customer,
 * its assigned technician, and the admins who have written in the thread, never the author.
 */
function recipientsOf(trx: Knex.Transaction, n: CommentNotice): Promise<{ id: number; username: string; role: Role }[]> {
  return trx('users as u')
    .where('u.isActive', true)
    .whereNot('u.id', n.author.id)
    .where((w) =>
      w
        .whereIn('u.id', trx('customer_users').where('customerId', n.repair.customerId).select('userId'))
        .orWhereIn(
          'u.id',
          trx('technicians')
            .where('id', n.repair.technicianId ?? -1)
            .select('userId'),
        )
        .orWhere((admins) =>
          admins.where('u.role', 'admin').whereIn('u.id', trx('repair_comments').where('repairId', n.repair.id).select('authorUserId')),
        ),
    )
    .orderBy('u.id')
    .select('u.id', 'u.username', 'u.role');
}

/**
 * Writes a comment's in-app notices, in the caller's transaction, and returns how many it wrote.
 * One per comment and recipient (a unique key): written again, it inserts nothing twice. They are
 * LOW, so nothing is delivered by email or SMS and no delivery workflow is started.
 */
export async function recordCommentNotices(db: Db, trx: Knex.Transaction, n: CommentNotice, portals: PortalUrls): Promise<number> {
  const recipients = await recipientsOf(trx, n);
  if (recipients.length === 0) return 0;
  const [template, brand] = await Promise.all([activeTemplate(db, trx, COMMENT_TEMPLATE), brandSettings(trx)]);
  const portal = portalLinks(portals);
  const rows = recipients.map((r) => {
    const actionUrl = portal.repairLink(r.role, n.repair.id);
    const rendered = renderTemplate(template, commentContext(n, { recipient: { username: r.username }, actionUrl }), brand);
    const content = {
      emailSubject: rendered.emailSubject,
      emailHtml: rendered.emailHtml,
      emailText: rendered.emailText,
      sms: rendered.sms,
    };
    return {
      userId: r.id,
      commentId: n.comment.id,
      repairId: n.repair.id,
      // A template version may word the title longer than the column's 200.
      title: rendered.title.slice(0, 200),
      message: rendered.message,
      category: COMMENT_NOTICE.category,
      priority: COMMENT_NOTICE.priority,
      actionUrl,
      channels: JSON.stringify(channelsFor(COMMENT_NOTICE.priority)),
      content: JSON.stringify(content),
    };
  });
  const inserted = await trx('notifications').insert(rows).onConflict(['commentId', 'userId']).ignore().returning('id');
  return inserted.length;
}
