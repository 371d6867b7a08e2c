import type { Customer } from '../../db/models';
import { pageRows, whereContains } from '../../db/queries/directory';
import { ACTIVE_STATUSES } from '../../domain/repair';
import { idParam } from '../common/schemas';
import { notFound } from '../errors';
import { defineRoute } from '../route';
import {
  createCustomerBody,
  customerDetailSchema,
  customerListQuery,
  customerListResponse,
  customerPatchBody,
  customerSchema,
  presentCustomer,
} from './schema';

export { customerSchema, presentCustomer } from './schema';

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
  defineRoute({
    method: 'get',
    path: '/customers',
    tag: 'customers',
    summary:
      'Customers, filtered by q (part of the name, email or phone), in id order. Admins get every field; technicians id and name only, ' +
      'to name the customer of a repair they find in the field',
    access: ['admin', 'technician'],
    query: customerListQuery,
    response: customerListResponse,
    handler: async ({ query, user }, { db }) => {
      const qb = db.knex('customers as c').orderBy('c.id');
      if (query.q) whereContains(qb, ['c.name', 'c.email', 'c.phone'], query.q);
      const technician = user.role === 'technician';
      // Contact details are never read for a technician, so they cannot leak into the answer.
      qb.select(technician ? ['c.id', 'c.name'] : ['c.*']);
      const { rows, total } = await pageRows<Customer>(qb, query.page, query.pageSize);
      const items = technician ? rows.map((r) => ({ id: r.id, name: r.name })) : rows.map(presentCustomer);
      return { items, page: query.page, pageSize: query.pageSize, total };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/customers/:id',
    tag: 'customers',
    summary: 'One customer with its users and its units (how many repairs each has had, how many are open)',
    access: ['admin'],
    params: idParam,
    response: customerDetailSchema,
    errors: [404],
    handler: async ({ params }, { db }) => {
      const customer = await db.models.Customer.query().findById(params.id);
      if (!customer) throw notFound('Customer');
      const [users, units] = await Promise.all([
        db
          .knex('users as u')
          .join('customer_users as cu', 'cu.user_id', 'u.id')
          .where('cu.customer_id', customer.id)
          .orderBy('u.id')
          .select({ id: 'u.id', username: 'u.username', email: 'u.email', phone: 'u.phone', isActive: 'u.is_active' }),
        db
          .knex('repairs')
          .where('customer_id', customer.id)
          .groupBy('unit_number')
          .orderBy('unit_number')
          .select({ unitNumber: 'unit_number' })
          .count({ repairs: '*' })
          .select(db.knex.raw('count(*) filter (where status = any(?))::int as open', [[...ACTIVE_STATUSES]])),
      ]);
      return { ...presentCustomer(customer), users, units: units.map((u) => ({ ...u, repairs: Number(u.repairs) })) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/customers/:id',
    tag: 'customers',
    summary: 'Change a customer: name, email, phone (null clears email or phone)',
    access: ['admin'],
    params: idParam,
    body: customerPatchBody,
    response: customerSchema,
    errors: [404],
    handler: async ({ params, body }, { db }) => {
      const updated = await db.models.Customer.query().patchAndFetchById(params.id, body);
      if (!updated) throw notFound('Customer');
      return presentCustomer(updated);
    },
  }),
];
