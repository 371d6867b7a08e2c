import { z } from 'zod';
import type { Customer } from '../../db/models';
import { e164, email } from '../common/schemas';
import { defineRoute } from '../route';

const createCustomerBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: email.optional(),
  phone: e164.optional(),
});

export const customerSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const presentCustomer = (c: Customer): z.infer<typeof customerSchema> => ({
  id: c.id,
  name: c.name,
  email: c.email,
  phone: c.phone,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export const customerRoutes = [
  defineRoute({
    method: 'post',
    path: '/customers',
    tag: 'customers',
    summary: 'Create a customer (a fleet owner whose users request repairs)',
    access: ['admin'],
    body: createCustomerBody,
    status: 201,
    response: customerSchema,
    handler: async ({ body }, { db }) =>
      presentCustomer(
        await db.models.Customer.query().insertAndFetch({ name: body.name, email: body.email ?? null, phone: body.phone ?? null }),
      ),
  }),
];
