import { z } from 'zod';
import { ROLES } from '../../domain/roles';
import { commentBody, commentsQuery } from '../../domain/work-order-schemas';
import { addComment, listComments } from '../../use-cases/comments';
import { idParam } from '../common/schemas';
import { defineRoute, type AnyRoute } from '../route';
import { visibleRepair } from '../repairs/moves';

const comment = z.object({
  id: z.number().int(),
  repairId: z.number().int(),
  body: z.string(),
  author: z.object({ id: z.number().int(), username: z.string(), role: z.enum(ROLES) }),
  createdAt: z.iso.datetime(),
});

export const commentRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/repairs/:id/comments',
    tag: 'repairs',
    summary: "A repair's comment thread, oldest first (newest last), for whoever may see the repair",
    access: ROLES,
    params: idParam,
    query: commentsQuery,
    response: z.object({ items: z.array(comment), page: z.number(), pageSize: z.number(), total: z.number() }),
    errors: [404],
    handler: async ({ params, query, user }, deps) => {
      const repair = await visibleRepair(deps, user, params.id);
      return listComments(deps, repair.id, query.page, query.pageSize);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/repairs/:id/comments',
    tag: 'repairs',
    summary:
      "Comment on a repair the caller may see. Its other parties (the customer's users, the assigned technician, admins " +
      'who have commented on it before; never the author) get an in-app LOW notification, nothing by email or SMS',
    access: ROLES,
    params: idParam,
    body: commentBody,
    status: 201,
    response: comment,
    errors: [404],
    handler: async ({ params, body, user }, deps) => addComment(deps, user, await visibleRepair(deps, user, params.id), body.body),
  }),
];
