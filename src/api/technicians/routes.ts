import type { Knex } from 'knex';
import { z } from 'zod';
import { ASSIGNABLE_SQL, technicianLoadQuery } from '../../db/queries/technician-load';
import { idParam } from '../common/schemas';
import { notFound } from '../errors';
import { defineRoute } from '../route';

const technicianSchema = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  username: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  isActive: z.boolean(),
  assignable: z.boolean().describe('gets new repairs: the technician and their user are both active'),
  activeRepairs: z.number().int(),
});
type TechnicianOut = z.infer<typeof technicianSchema>;

const technicianPatchBody = z.object({
  active: z.boolean().describe('false: no new repairs; the ones they hold stay theirs until an admin reassigns them'),
});

const technicians = (knex: Knex): Knex.QueryBuilder =>
  technicianLoadQuery(knex).select({
    id: 't.id',
    userId: 'u.id',
    username: 'u.username',
    email: 'u.email',
    phone: 'u.phone',
    isActive: 't.is_active',
    assignable: knex.raw(ASSIGNABLE_SQL),
  });

export const technicianRoutes = [
  defineRoute({
    method: 'get',
    path: '/technicians',
    tag: 'technicians',
    summary: 'Technicians with their number of active repairs (the load used for assignment)',
    access: ['admin', 'technician'],
    response: z.object({ items: z.array(technicianSchema) }),
    handler: async (_req, { db }) => {
      const rows = (await technicians(db.knex)) as TechnicianOut[];
      return { items: rows };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/technicians/:id',
    tag: 'technicians',
    summary:
      'Take a technician off new assignments (active: false) or back on. Their open repairs stay with them until an admin ' +
      'reassigns them; admins cannot assign to an inactive technician',
    access: ['admin'],
    params: idParam,
    body: technicianPatchBody,
    response: technicianSchema,
    errors: [404],
    handler: async ({ params, body }, { db }) => {
      const changed = await db.knex('technicians').where('id', params.id).update({ is_active: body.active, updated_at: db.knex.fn.now() });
      if (!changed) throw notFound('Technician');
      return (await technicians(db.knex).where('t.id', params.id).first()) as TechnicianOut;
    },
  }),
];
