import type { Knex } from 'knex';
import { recordId } from '../../domain/ids';
import { z } from 'zod';
import { keys } from '../../domain/keys';
import { balanceOf, canRedeem } from '../../domain/rewards';
import { ApiError, forbidden, validationFailed } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import { rewardHistoryRoutes } from './history';
import { referralCodeOf } from './referrals';

const option = z.object({
  id: z.number().int(),
  name: z.string(),
  pointsRequired: z.number().int(),
  discountType: z.enum(['PERCENT', 'FIXED']),
  discountValue: z.number(),
});

const redemption = z.object({
  id: z.number().int(),
  rewardOptionId: z.number().int(),
  name: z.string(),
  pointsSpent: z.number().int(),
  status: z.enum(['PENDING', 'APPLIED']),
  appliedToRepairId: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  appliedAt: z.iso.datetime().nullable(),
});

interface RedemptionRow {
  id: number;
  rewardOptionId: number;
  name: string;
  pointsRequired: number;
  status: 'PENDING' | 'APPLIED';
  appliedToRepairId: number | null;
  createdAt: Date;
  appliedAt: Date | null;
}

const presentRedemption = (r: RedemptionRow): z.infer<typeof redemption> => ({
  id: r.id,
  rewardOptionId: r.rewardOptionId,
  name: r.name,
  pointsSpent: r.pointsRequired,
  status: r.status,
  appliedToRepairId: r.appliedToRepairId,
  createdAt: r.createdAt.toISOString(),
  appliedAt: r.appliedAt ? r.appliedAt.toISOString() : null,
});

// Points spent come from the redemption's debit (keys.redemptionPoints): an admin may reprice the option later.
const redemptionsQuery = (knex: Knex | Knex.Transaction) =>
  knex<RedemptionRow>('reward_redemptions as r')
    .join('reward_options as o', 'o.id', 'r.reward_option_id')
    .leftJoin('reward_points as p', 'p.ref', knex.raw("'redemption:' || r.id"))
    .select({
      id: 'r.id',
      rewardOptionId: 'r.reward_option_id',
      name: 'o.name',
      pointsRequired: knex.raw('coalesce(-p.delta, o.points_required)'),
      status: 'r.status',
      appliedToRepairId: 'r.applied_to_repair_id',
      createdAt: 'r.created_at',
      appliedAt: 'r.applied_at',
    });

export const rewardRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/rewards',
    tag: 'rewards',
    summary: "The caller's points and redemptions (points come from completed repairs and referrals)",
    access: ['customer'],
    response: z.object({ points: z.number().int(), redemptions: z.array(redemption) }),
    handler: async ({ user }, { db }) => {
      const entries = await db.knex('reward_points').where('user_id', user.id).select<{ delta: number }[]>('delta');
      const rows = (await redemptionsQuery(db.knex).where('r.user_id', user.id).orderBy('r.id', 'desc')) as RedemptionRow[];
      return { points: balanceOf(entries), redemptions: rows.map(presentRedemption) };
    },
  }),
  ...rewardHistoryRoutes,
  defineRoute({
    method: 'get',
    path: '/rewards/options',
    tag: 'rewards',
    summary: 'The rewards points can be redeemed for',
    access: ['customer', 'technician', 'admin'],
    response: z.object({ items: z.array(option) }),
    handler: async (_req, { db }) => {
      const items = await db.models.RewardOption.query().where('isActive', true).orderBy('pointsRequired').orderBy('id');
      return {
        items: items.map((o) => ({
          id: o.id,
          name: o.name,
          pointsRequired: o.pointsRequired,
          discountType: o.discountType,
          discountValue: o.discountValue,
        })),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/rewards/redeem',
    tag: 'rewards',
    summary: "Redeem points for a reward: a PENDING redemption, applied to the customer's next completed repair (409 with too few points)",
    access: ['customer'],
    body: z.object({ rewardOptionId: recordId }),
    status: 201,
    response: redemption,
    errors: [409],
    handler: async ({ body, user }, { db }) => {
      if (user.customerId === null) throw forbidden('This account is not linked to a customer');
      return db.knex.transaction(async (trx) => {
        // FOR SHARE: an admin's retirement or repricing of the option happens before or after, not during.
        const opt = await db.models.RewardOption.query(trx).findById(body.rewardOptionId).forShare();
        if (!opt || !opt.isActive) throw validationFailed({ rewardOptionId: 'no such reward option' });
        // One redemption at a time per user: concurrent requests cannot both spend the same points.
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [keys.locks.userPoints(user.id)]);
        const balance = balanceOf(await trx('reward_points').where('user_id', user.id).select<{ delta: number }[]>('delta'));
        if (!canRedeem(balance, opt.pointsRequired)) {
          throw new ApiError('INSUFFICIENT_POINTS', `This reward needs ${opt.pointsRequired} points; you have ${balance}`);
        }
        const created = await db.models.RewardRedemption.query(trx).insert({
          userId: user.id,
          customerId: user.customerId as number,
          rewardOptionId: opt.id,
        });
        await trx('reward_points').insert({
          user_id: user.id,
          delta: -opt.pointsRequired,
          reason: 'redemption',
          ref: keys.redemptionPoints(created.id),
        });
        const [row] = (await redemptionsQuery(trx).where('r.id', created.id)) as RedemptionRow[];
        return presentRedemption(row as RedemptionRow);
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/referrals/code',
    tag: 'rewards',
    summary: "The caller's referral code (created on first request)",
    access: ['customer'],
    response: z.object({ code: z.string() }),
    handler: async ({ user }, { db }) => ({ code: await referralCodeOf(db.knex, user.id) }),
  }),
];
