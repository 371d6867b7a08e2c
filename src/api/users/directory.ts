import type { Knex } from 'knex';
import { pageRows, userRowsQuery, whereContains, type UserRow } from '../../db/queries/directory';
import { endSessions } from '../../db/queries/sessions';
import type { AuthUser } from '../context';
import { idParam } from '../common/schemas';
import { conflict, notFound, validationFailed } from '../errors';
import { defineRoute, type AnyRoute } from '../route';
import { presentUser, userListQuery, userPageSchema, userPatchBody, userSchema } from './schema';

async function findUser(knex: Knex | Knex.Transaction, id: number): Promise<UserRow> {
  const row = (await userRowsQuery(knex).where('u.id', id).first()) as UserRow | undefined;
  if (!row) throw notFound('User');
  return row;
}

type Patch = { email?: string | null; phone?: string | null; active?: boolean; customerId?: number };

/** Every refusal is found before anything is written, so a refused PATCH changes nothing. */
async function checkPatch(trx: Knex.Transaction, caller: AuthUser, target: UserRow, body: Patch): Promise<void> {
  if (body.customerId !== undefined) {
    if (target.role !== 'customer') throw validationFailed({ customerId: 'is only for customer users' });
    if (!(await trx('customers').where('id', body.customerId).first('id'))) {
      throw validationFailed({ customerId: `customer ${body.customerId} does not exist` });
    }
  }
  // Without this an admin could lock every admin out, the last one included.
  if (body.active === false && target.id === caller.id) {
    throw conflict('You may not deactivate yourself; another admin can', { active: 'may not be false for yourself' });
  }
}

export const userDirectoryRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'Users, filtered by role, customer, active and q (part of the username, email or phone), in id order',
    access: ['admin'],
    query: userListQuery,
    response: userPageSchema,
    handler: async ({ query }, { db }) => {
      const qb = userRowsQuery(db.knex).orderBy('u.id');
      if (query.role) qb.where('u.role', query.role);
      if (query.customerId !== undefined) qb.where('cu.customer_id', query.customerId);
      if (query.active !== undefined) qb.where('u.is_active', query.active);
      if (query.q) whereContains(qb, ['u.username', 'u.email', 'u.phone'], query.q);
      const { rows, total } = await pageRows<UserRow>(qb, query.page, query.pageSize);
      return { items: rows.map(presentUser), page: query.page, pageSize: query.pageSize, total };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/users/:id',
    tag: 'users',
    summary: 'One user with their customer or technician link and whether their addresses are verified',
    access: ['admin'],
    params: idParam,
    response: userSchema,
    errors: [404],
    handler: async ({ params }, { db }) => presentUser(await findUser(db.knex, params.id)),
  }),
  defineRoute({
    method: 'patch',
    path: '/users/:id',
    tag: 'users',
    summary:
      'Change a user: email and phone (null clears; an address set here counts as verified), active (false ends their ' +
      'sessions at once and, for a technician, keeps new repairs away; not for yourself: 409), customerId (customer users only)',
    access: ['admin'],
    params: idParam,
    body: userPatchBody,
    response: userSchema,
    errors: [404, 409],
    handler: async ({ params, body, user }, { db }) =>
      db.knex.transaction(async (trx) => {
        await trx('users').where('id', params.id).forUpdate().first('id');
        const target = await findUser(trx, params.id);
        await checkPatch(trx, user, target, body);
        const patch: Record<string, unknown> = {};
        if (body.email !== undefined) Object.assign(patch, { email: body.email, email_verified: true });
        if (body.phone !== undefined) Object.assign(patch, { phone: body.phone, phone_verified: true });
        if (body.active !== undefined) patch.is_active = body.active;
        if (Object.keys(patch).length)
          await trx('users')
            .where('id', target.id)
            .update({ ...patch, updated_at: trx.fn.now() });
        if (body.customerId !== undefined) {
          // A customer user always has their link (POST /users requires customerId); upsert in case one was lost.
          await trx('customer_users')
            .insert({ user_id: target.id, customer_id: body.customerId })
            .onConflict('user_id')
            .merge({ customer_id: body.customerId, updated_at: trx.fn.now() });
        }
        // Even if already inactive (say, set by SQL): tokens from before must stay dead once reactivated.
        if (body.active === false) await endSessions(trx, target.id);
        return presentUser(await findUser(trx, target.id));
      }),
  }),
];
