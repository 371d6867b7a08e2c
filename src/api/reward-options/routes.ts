import type { Knex } from 'knex';
import { UniqueViolationError } from 'objection';
import { z } from 'zod';
import type { RewardOption } from '../../db/models';
import { idParam } from '../common/schemas';
import { conflict, notFound, validationFailed } from '../errors';
import { defineRoute } from '../route';

const PERCENT_MAX = 100;

// discount_value is numeric(10,2): cents, below 10^8.
const inCents = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;
const discountValue = z.number().positive('must be greater than 0').max(99_999_999.99).refine(inCents, 'must have at most 2 decimals');
const name = z.string().trim().min(1, 'must not be empty').max(200);
const pointsRequired = z.number().int().positive('must be greater than 0').max(1_000_000);

const createBody = z.object({ name, pointsRequired, discountType: z.enum(['PERCENT', 'FIXED']), discountValue }).superRefine((b, ctx) => {
  if (b.discountType === 'PERCENT' && b.discountValue > PERCENT_MAX) {
    ctx.addIssue({ code: 'custom', path: ['discountValue'], message: `must be at most ${PERCENT_MAX} for a PERCENT discount` });
  }
});

const patchBody = z
  .strictObject({
    name: name.optional(),
    pointsRequired: pointsRequired.optional(),
    discountValue: discountValue.optional(),
    active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, pointsRequired, discountValue, active');

const optionSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  pointsRequired: z.number().int(),
  discountType: z.enum(['PERCENT', 'FIXED']),
  discountValue: z.number(),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const present = (o: RewardOption): z.infer<typeof optionSchema> => ({
  id: o.id,
  name: o.name,
  pointsRequired: o.pointsRequired,
  discountType: o.discountType,
  discountValue: o.discountValue,
  active: o.isActive,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});

const nameTaken = () =>
  conflict('An active reward option already has this name', { name: 'is already the name of an active reward option' });

// Names are unique among active options (reward_options_active_name_unique): customers choose by name.
async function writeOption<T>(write: () => PromiseLike<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueViolationError) throw nameTaken();
    throw err;
  }
}

const pendingRedemptions = async (trx: Knex.Transaction, optionId: number): Promise<number> =>
  Number((await trx('reward_redemptions').where({ reward_option_id: optionId, status: 'PENDING' }).count({ n: '*' }).first())?.n ?? 0);

export const rewardOptionRoutes = [
  defineRoute({
    method: 'get',
    path: '/admin/reward-options',
    tag: 'admin',
    summary: 'Every reward option, retired ones included',
    access: ['admin'],
    response: z.object({ items: z.array(optionSchema) }),
    handler: async (_req, { db }) => ({
      items: (await db.models.RewardOption.query().orderBy('isActive', 'desc').orderBy('pointsRequired').orderBy('id')).map(present),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/admin/reward-options',
    tag: 'admin',
    summary: 'Add a reward option (PERCENT at most 100; names unique among active options)',
    access: ['admin'],
    body: createBody,
    status: 201,
    response: optionSchema,
    errors: [409],
    handler: async ({ body }, { db }) =>
      present(await writeOption(() => db.models.RewardOption.query().insertAndFetch({ ...body, isActive: true }))),
  }),
  defineRoute({
    method: 'patch',
    path: '/admin/reward-options/:id',
    tag: 'admin',
    summary:
      'Change or retire (active: false) a reward option; retired options are not offered nor redeemable, their PENDING redemptions stay valid. Options are never deleted',
    access: ['admin'],
    params: idParam,
    body: patchBody,
    response: optionSchema,
    errors: [404, 409],
    handler: async ({ params, body }, { db }) =>
      db.knex.transaction(async (trx) => {
        // FOR UPDATE waits for redemptions being written (their foreign key holds a KEY SHARE lock).
        const option = await db.models.RewardOption.query(trx).findById(params.id).forUpdate();
        if (!option) throw notFound('Reward option');
        if (body.discountValue !== undefined && option.discountType === 'PERCENT' && body.discountValue > PERCENT_MAX) {
          throw validationFailed({ discountValue: `must be at most ${PERCENT_MAX} for a PERCENT discount` });
        }
        // A PENDING redemption is applied with the option's discount at completion: it keeps what was bought.
        if (
          body.discountValue !== undefined &&
          body.discountValue !== option.discountValue &&
          (await pendingRedemptions(trx, option.id)) > 0
        ) {
          throw conflict('Pending redemptions were bought at the current discount; retire this option and add a new one', {
            discountValue: 'cannot change while redemptions of this option are pending',
          });
        }
        const patch = {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.pointsRequired === undefined ? {} : { pointsRequired: body.pointsRequired }),
          ...(body.discountValue === undefined ? {} : { discountValue: body.discountValue }),
          ...(body.active === undefined ? {} : { isActive: body.active }),
        };
        await writeOption(() => db.models.RewardOption.query(trx).patch(patch).where('id', option.id));
        return present((await db.models.RewardOption.query(trx).findById(option.id)) as RewardOption);
      }),
  }),
];
