import { z } from 'zod';
import { technicianLoadQuery } from '../../db/queries/technician-load';
import { defineRoute } from '../route';

const technicianSchema = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  username: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  isActive: z.boolean(),
  activeRepairs: z.number().int(),
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
      const rows: z.infer<typeof technicianSchema>[] = await technicianLoadQuery(db.knex).select({
        id: 't.id',
        userId: 'u.id',
        username: 'u.username',
        email: 'u.email',
        phone: 'u.phone',
        isActive: 't.is_active',
      });
      return { items: rows };
    },
  }),
];
