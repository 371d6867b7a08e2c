import { loadRollout, saveRollout } from '../../db/queries/rollout';
import { defineRoute, type AnyRoute } from '../route';
import { presentRollout, rolloutBody, rolloutSchema } from './schema';

const ADMIN = ['admin'] as const;

export const notificationRolloutRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/admin/notification-rollout',
    tag: 'admin',
    summary:
      'The staged rollout of email and SMS: per channel, the share (0-100 %) of each role that gets it. ' +
      'In-app always goes, and account messages (password reset, verification codes) ignore the rollout',
    access: ADMIN,
    response: rolloutSchema,
    handler: async (_req, { db }) => presentRollout(await loadRollout(db.knex)),
  }),
  defineRoute({
    method: 'put',
    path: '/admin/notification-rollout',
    tag: 'admin',
    summary:
      'Replace the rollout (every channel and role). Deliveries decided from now on follow it, without a restart; ' +
      'a user outside gets a `suppressed` delivery log with `not_in_rollout`. Each user has a fixed bucket per channel, ' +
      'so raising a share only adds users',
    access: ADMIN,
    body: rolloutBody,
    response: rolloutSchema,
    handler: async ({ body, user }, { db }) =>
      // Read back inside the transaction, under the rows' locks: the answer is what this request wrote,
      // even when another admin's save lands right after.
      db.knex.transaction(async (trx) => {
        await saveRollout(trx, body, user.id);
        return presentRollout(await loadRollout(trx));
      }),
  }),
];
