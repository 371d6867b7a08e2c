import { lotWalkingPreferencesSchema } from '../../domain/lot-walking';
import type { AuthUser } from '../context';
import { notFound, validationFailed } from '../errors';
import { idParam } from '../common/schemas';
import { defineRoute, zodFields, type AnyRoute } from '../route';
import { presentRepairPreferences, repairPreferencesSchema } from './schema';

/** Customer users of that customer, and admins; technicians are refused by role (403). */
const ACCESS = ['customer', 'admin'] as const;

/**
 * 404 both for a customer that does not exist and for another customer's preferences, so a
 * customer user cannot learn which customer ids exist. Checked before the body is validated: a
 * caller who may not see the resource gets the same answer whatever they send.
 */
function assertMayAccess(user: AuthUser, customerId: number): void {
  if (user.role === 'customer' && user.customerId !== customerId) throw notFound('Customer');
}

export const customerPreferenceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/customers/:id/repair-preferences',
    tag: 'customers',
    summary: "A customer's lot-walking preferences (the defaults, with updatedAt null, until they save some)",
    access: ACCESS,
    params: idParam,
    response: repairPreferencesSchema,
    errors: [404],
    handler: async ({ params, user }, { db }) => {
      assertMayAccess(user, params.id);
      const { Customer, CustomerRepairPreference } = db.models;
      const customer = await Customer.query().findById(params.id).select('id');
      if (!customer) throw notFound('Customer');
      return presentRepairPreferences(params.id, await CustomerRepairPreference.query().findById(params.id));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/customers/:id/repair-preferences',
    tag: 'customers',
    summary:
      "Replaces a customer's lot-walking preferences; every field is required. days: unique weekdays " +
      '(MONDAY…SUNDAY), at least one when lotWalkingEnabled; time: HH:MM',
    access: ACCESS,
    params: idParam,
    // Validated in the handler, after the access check (see assertMayAccess).
    documentedBody: lotWalkingPreferencesSchema,
    response: repairPreferencesSchema,
    errors: [404],
    handler: async ({ params, user, ctx }, { db }) => {
      assertMayAccess(user, params.id);
      const raw: unknown = ctx.request.body ?? {};
      const parsed = lotWalkingPreferencesSchema.safeParse(raw);
      const { Customer, CustomerRepairPreference } = db.models;
      const saved = await db.knex.transaction(async (trx) => {
        // The share lock keeps the customer from being deleted between this check and the write
        // (which would otherwise surface as a foreign-key error, i.e. a 500).
        const customer = await Customer.query(trx).findById(params.id).select('id').forShare();
        if (!customer) throw notFound('Customer');
        // After the existence check: an unknown customer is a 404 whatever the body says.
        if (!parsed.success) throw validationFailed(zodFields(parsed.error, 'body', raw));
        return CustomerRepairPreference.query(trx)
          .insert({ customerId: params.id, ...parsed.data, updatedAt: new Date() })
          .onConflict('customerId')
          .merge()
          .returning('*');
      });
      return presentRepairPreferences(params.id, saved);
    },
  }),
];
