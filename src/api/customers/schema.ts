import { z } from 'zod';
import type { Customer } from '../../db/models';
import { e164, email, timestamp } from '../common/schemas';
import { pageFields } from '../notifications/schema';

export const createCustomerBody = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: email.optional(),
  phone: e164.optional(),
});

export const customerPatchBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200),
    email: email.nullable().describe('null clears it'),
    phone: e164.nullable().describe('null clears it'),
  })
  .partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'send at least one of name, email, phone');

export const customerSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

/** From the model or a plain row of the customers table. */
export const presentCustomer = (
  c: Pick<Customer, 'id' | 'name' | 'email' | 'phone' | 'createdAt' | 'updatedAt'>,
): z.infer<typeof customerSchema> => ({
  id: c.id,
  name: c.name,
  email: c.email,
  phone: c.phone,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export const customerListQuery = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(200).optional().describe('case-insensitive part of the name, email or phone'),
  ...pageFields,
});

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });

/** What a technician sees: enough to name the customer of a repair found in the field, no contact details. */
export const customerPickSchema = z.object({ id: z.number().int(), name: z.string() });

export const customerListResponse = z.union([
  pageOf(customerSchema).describe('for admins'),
  pageOf(customerPickSchema).describe('for technicians: id and name only'),
]);

export const customerDetailSchema = customerSchema.extend({
  users: z.array(
    z.object({
      id: z.number().int(),
      username: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      isActive: z.boolean(),
    }),
  ),
  units: z
    .array(
      z.object({
        unitNumber: z.string(),
        repairs: z.number().int(),
        open: z.number().int().describe('repairs not yet COMPLETED or DENIED'),
      }),
    )
    .describe('every unit with a repair, by unit number'),
});
