import type { Repair } from '../db/models';
import { recordCommentNotices } from '../db/queries/comment-notices';
import type { Role } from '../domain/roles';
import type { UseCaseDeps } from './deps';
import { announce, repairActivity } from '../db/queries/live-events';

export interface CommentView {
  id: number;
  repairId: number;
  body: string;
  author: { id: number; username: string; role: Role };
  createdAt: string;
}

interface CommentRow {
  id: number;
  repairId: number;
  body: string;
  authorUserId: number;
  username: string;
  role: Role;
  createdAt: Date;
}

const view = (r: CommentRow): CommentView => ({
  id: r.id,
  repairId: r.repairId,
  body: r.body,
  author: { id: r.authorUserId, username: r.username, role: r.role },
  createdAt: r.createdAt.toISOString(),
});

/**
 * A comment on a repair the caller may see (the API checked), with its notices to the repair's
 * other parties, in one transaction: a comment is never there without its notices, nor the reverse.
 */
export async function addComment(
  deps: UseCaseDeps,
  author: { id: number; username: string; role: Role },
  repair: Repair,
  body: string,
): Promise<CommentView> {
  return deps.db.knex.transaction(async (trx) => {
    const [row] = await trx('repair_comments')
      .insert({ repairId: repair.id, authorUserId: author.id, body })
      .returning<{ id: number; createdAt: Date }[]>(['id', 'createdAt']);
    const comment = { id: row!.id, body };
    await recordCommentNotices(
      deps.db,
      trx,
      {
        repair: {
          id: repair.id,
          unitNumber: repair.unitNumber,
          status: repair.status,
          customerId: repair.customerId,
          technicianId: repair.technicianId,
        },
        author,
        comment,
      },
      deps.config.notifications.portals,
    );
    await announce(trx, [repairActivity(repair, { commentId: comment.id, authorUserId: author.id })]);
    return view({
      ...comment,
      repairId: repair.id,
      authorUserId: author.id,
      username: author.username,
      role: author.role,
      createdAt: row!.createdAt,
    });
  });
}

/** A repair's comments, oldest first (a thread reads top to bottom), a page at a time. */
export async function listComments(
  deps: UseCaseDeps,
  repairId: number,
  page: number,
  pageSize: number,
): Promise<{ items: CommentView[]; page: number; pageSize: number; total: number }> {
  const k = deps.db.knex;
  const [rows, [count]] = await Promise.all([
    k('repair_comments as c')
      .join('users as u', 'u.id', 'c.authorUserId')
      .where('c.repairId', repairId)
      .orderBy('c.id')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .select<CommentRow[]>('c.id', 'c.repairId', 'c.body', 'c.authorUserId', 'u.username', 'u.role', 'c.createdAt'),
    k('repair_comments').where('repairId', repairId).count<{ n: number }[]>({ n: '*' }),
  ]);
  return { items: rows.map(view), page, pageSize, total: Number(count?.n ?? 0) };
}
