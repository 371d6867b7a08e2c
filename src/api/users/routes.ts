import { z } from 'zod';
import { recordId } from '../../domain/ids';
import { ROLES } from '../../domain/roles';
import { hashPassword } from '../../security/password';
import { e164, email, newPassword } from '../common/schemas';
import { conflict, validationFailed } from '../errors';
import { defineRoute } from '../route';
import { creditReferral } from '../rewards/referrals';
import { presentUser, userSchema } from './schema';

const createUserBody = z
  .object({
    username: z
      .string()
      .trim()
      .min(3, 'must be at least 3 characters')
      .max(150)
      .regex(/^[A-Za-z0-9_.@+-]+$/, 'may contain letters, digits and _ . @ + - only'),
    password: newPassword,
    email: email.optional(),
    phone: e164.optional(),
    role: z.enum(ROLES),
    customerId: recordId.optional(),
    referralCode: z.string().trim().min(1).max(40).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.role === 'customer' && v.customerId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'is required for a customer user' });
    }
    if (v.role !== 'customer' && v.customerId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'is only for customer users' });
    }
    if (v.role !== 'customer' && v.referralCode !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['referralCode'], message: 'is only for customer users' });
    }
  });

export { userSchema } from './schema';

export const userRoutes = [
  defineRoute({
    method: 'post',
    path: '/users',
    tag: 'users',
    summary:
      'Create a user; a technician user also gets a technician profile; a customer user may bring a referral code (both sides credited once)',
    access: ['admin'],
    body: createUserBody,
    status: 201,
    response: userSchema,
    errors: [409],
    handler: async ({ body }, { db, config }) => {
      const { User, Customer, CustomerUser, Technician } = db.models;
      const passwordHash = await hashPassword(body.password);
      return db.knex.transaction(async (trx) => {
        if (body.customerId !== undefined && !(await Customer.query(trx).findById(body.customerId))) {
          throw validationFailed({ customerId: `customer ${body.customerId} does not exist` });
        }
        const taken = await User.query(trx).whereRaw('lower(username) = lower(?)', [body.username]).first();
        if (taken) throw conflict('That username is taken', { username: 'is already taken' });
        const user = await User.query(trx).insertAndFetch({
          username: body.username,
          passwordHash,
          role: body.role,
          email: body.email ?? null,
          phone: body.phone ?? null,
        });
        let customerId: number | null = null;
        let technicianId: number | null = null;
        if (body.role === 'customer' && body.customerId !== undefined) {
          await CustomerUser.query(trx).insert({ userId: user.id, customerId: body.customerId });
          customerId = body.customerId;
          if (body.referralCode !== undefined) {
            await creditReferral(trx, { id: user.id, customerId }, body.referralCode, config.rewards);
          }
        }
        if (body.role === 'technician') {
          technicianId = (await Technician.query(trx).insert({ userId: user.id, isActive: true })).id;
        }
        return presentUser({ ...user, customerId, technicianId });
      });
    },
  }),
];
