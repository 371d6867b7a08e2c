import { z } from 'zod';
import { recordId, recordIdText } from '../../domain/ids';
import type { UserRow } from '../../db/queries/directory';
import { ROLES } from '../../domain/roles';
import { e164, email, timestamp } from '../common/schemas';
import { pageFields } from '../notifications/schema';

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  role: z.enum(ROLES),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  /** Email and SMS go only to verified addresses; one an admin sets counts as verified. */
  emailVerified: z.boolean(),
  phoneVerified: z.boolean(),
  isActive: z.boolean(),
  customerId: z.number().int().nullable(),
  technicianId: z.number().int().nullable(),
  createdAt: timestamp,
});
export type UserOut = z.output<typeof userSchema>;

export const presentUser = (r: UserRow): UserOut => ({
  id: r.id,
  username: r.username,
  role: r.role,
  email: r.email,
  phone: r.phone,
  emailVerified: r.emailVerified,
  phoneVerified: r.phoneVerified,
  isActive: r.isActive,
  customerId: r.customerId ?? null,
  technicianId: r.technicianId ?? null,
  createdAt: r.createdAt.toISOString(),
});

// z.coerce.boolean() would read "false" as true (any non-empty string is truthy).
const queryBoolean = z.enum(['true', 'false'], 'must be true or false').transform((v) => v === 'true');
const positiveId = recordIdText;

export const userListQuery = z.object({
  role: z.enum(ROLES).optional(),
  customerId: positiveId.optional(),
  active: queryBoolean.optional(),
  q: z.string().trim().min(1, 'must not be empty').max(254).optional().describe('case-insensitive part of the username, email or phone'),
  ...pageFields,
});

export const userPageSchema = z.object({
  items: z.array(userSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

export const userPatchBody = z
  .object({
    email: email.nullable().optional().describe('null clears it'),
    phone: e164.nullable().optional().describe('null clears it'),
    active: z.boolean().optional().describe('false ends every session of the user at once'),
    customerId: recordId.optional().describe('moves a customer user to another customer'),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'send at least one of email, phone, active, customerId');
