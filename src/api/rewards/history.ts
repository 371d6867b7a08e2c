import type { Knex } from 'knex';
import { z } from 'zod';
import { ledgerSource, POINTS_REASONS, type PointsReason } from '../../domain/rewards';
import { validationFailed } from '../errors';
import { defineRoute, type AnyRoute } from '../route';

const NOT_A_CURSOR = 'is not a cursor from this list (use nextCursor of the page before)';

export const historyQuery = z.object({
  limit: z.coerce.number().int('must be 1-100').min(1, 'must be 1-100').max(100, 'must be 1-100').default(20),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, NOT_A_CURSOR)
    .optional()
    .describe("the previous page's nextCursor; absent for the newest"),
});

const entry = z.object({
  id: z.number().int(),
  points: z.number().int().describe('credited (positive) or spent (negative)'),
  reason: z
    .enum(POINTS_REASONS)
    .describe('repair_completed, referral_referrer (you referred someone), referral_referred (you were referred), redemption (spent)'),
  repairId: z.number().int().nullable().describe('the completed repair that earned the points'),
  redemption: z
    .object({
      id: z.number().int(),
      rewardName: z.string(),
      status: z.enum(['PENDING', 'APPLIED']),
      appliedToRepairId: z.number().int().nullable(),
    })
    .nullable()
    .describe('what the points were spent on, and the repair it was applied to once applied'),
  createdAt: z.iso.datetime(),
  balanceAfter: z.number().int().describe('the balance once this entry counted'),
});

export const historySchema = z.object({ items: z.array(entry), nextCursor: z.string().nullable() });

interface EntryRow {
  id: number;
  delta: number;
  reason: PointsReason;
  ref: string;
  createdAt: Date;
}

interface RedemptionRow {
  id: number;
  rewardName: string;
  status: 'PENDING' | 'APPLIED';
  appliedToRepairId: number | null;
}

// Newest first; ties on the instant go by id, so the order (and so the cursor) is total.
const NEWEST_FIRST = [
  { column: 'created_at', order: 'desc' },
  { column: 'id', order: 'desc' },
] as const;
const AT_OR_BEFORE = (op: '<' | '<=') => `(created_at, id) ${op} (select c.created_at, c.id from reward_points c where c.id = ?)`;

/**
 * One page of a user's ledger after `cursor` (an entry id of theirs), newest first. The cursor is
 * compared in the database as (created_at, id), never as a JS Date, which would drop the
 * microseconds and skip or repeat entries created in the same millisecond. Each page is a range
 * scan of reward_points_user_history_index, plus one sum for the balance at its top.
 */
async function historyPage(knex: Knex, userId: number, limit: number, cursor: number | null) {
  const rows = await knex('reward_points')
    .where('user_id', userId)
    .modify((q) => {
      if (cursor !== null) q.whereRaw(AT_OR_BEFORE('<'), [cursor]);
    })
    .orderBy([...NEWEST_FIRST])
    .limit(limit + 1)
    .select<EntryRow[]>('id', 'delta', 'reason', 'ref', 'createdAt');
  const page = rows.slice(0, limit);
  if (page.length === 0) return { page, redemptions: new Map<number, RedemptionRow>(), top: 0, more: false };
  const redemptionIds = page.map((r) => ledgerSource(r.ref).redemptionId).filter((id): id is number => id !== null);
  const [sum, redemptions] = await Promise.all([
    knex('reward_points')
      .where('user_id', userId)
      .whereRaw(AT_OR_BEFORE('<='), [page[0]!.id])
      .first<{ total: number | null }>(knex.raw('sum(delta)::int as total')),
    redemptionIds.length === 0
      ? []
      : (knex('reward_redemptions as r')
          .join('reward_options as o', 'o.id', 'r.reward_option_id')
          .whereIn('r.id', redemptionIds)
          .select({ id: 'r.id', rewardName: 'o.name', status: 'r.status', appliedToRepairId: 'r.applied_to_repair_id' }) as Promise<
          RedemptionRow[]
        >),
  ]);
  return { page, redemptions: new Map(redemptions.map((r) => [r.id, r])), top: sum.total ?? 0, more: rows.length > limit };
}

export const rewardHistoryRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/rewards/history',
    tag: 'rewards',
    summary:
      "The caller's points ledger, newest first, a page at a time (pass nextCursor as cursor): why the balance is what it is, " +
      'each entry with its repair or redemption and the balance after it',
    access: ['customer'],
    query: historyQuery,
    response: historySchema,
    handler: async ({ query, user }, { db }) => {
      const cursor = query.cursor === undefined ? null : Number(query.cursor);
      if (cursor !== null && !(await db.knex('reward_points').where({ id: cursor, user_id: user.id }).first('id'))) {
        throw validationFailed({ cursor: NOT_A_CURSOR });
      }
      const { page, redemptions, top, more } = await historyPage(db.knex, user.id, query.limit, cursor);
      let balance = top;
      const items = page.map((r) => {
        const { repairId, redemptionId } = ledgerSource(r.ref);
        const spentOn = redemptionId === null ? undefined : redemptions.get(redemptionId);
        const item = {
          id: r.id,
          points: r.delta,
          reason: r.reason,
          repairId,
          redemption: spentOn
            ? { id: spentOn.id, rewardName: spentOn.rewardName, status: spentOn.status, appliedToRepairId: spentOn.appliedToRepairId }
            : null,
          createdAt: r.createdAt.toISOString(),
          balanceAfter: balance,
        };
        balance -= r.delta;
        return item;
      });
      return { items, nextCursor: more ? String(page.at(-1)!.id) : null };
    },
  }),
];
