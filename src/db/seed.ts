import type { Db } from './index';

/**
 * Development accounts (never in production: config refuses SEED_DEMO_ACCOUNTS there).
 * Idempotent: a second run finds the users and changes nothing.
 */
export const DEMO_PASSWORD = 'demo123';
export const DEMO_CUSTOMER_NAME = 'Demo Fleet Co.';

/** The password hash comes from the caller (src/security), so the database layer rests on the domain alone. */
export async function seedDemoAccounts(db: Db, hashPassword: (password: string) => Promise<string>): Promise<{ created: string[] }> {
  const { User, Customer, CustomerUser, Technician } = db.models;
  const created: string[] = [];
  const hash = await hashPassword(DEMO_PASSWORD);

  await db.knex.transaction(async (trx) => {
    const exists = async (username: string) =>
      (await User.query(trx).whereRaw('lower(username) = lower(?)', [username]).first()) !== undefined;

    if (!(await exists('demoadmin'))) {
      await User.query(trx).insert({ username: 'demoadmin', passwordHash: hash, role: 'admin', email: 'admin@example.com' });
      created.push('demoadmin');
    }
    if (!(await exists('democustomer'))) {
      const customer =
        (await Customer.query(trx).findOne({ name: DEMO_CUSTOMER_NAME })) ??
        (await Customer.query(trx).insert({ name: DEMO_CUSTOMER_NAME, email: 'fleet@example.com', phone: '+15555550100' }));
      const user = await User.query(trx).insert({
        username: 'democustomer',
        passwordHash: hash,
        role: 'customer',
        email: 'customer@example.com',
        phone: '+15555550101',
      });
      await CustomerUser.query(trx).insert({ userId: user.id, customerId: customer.id });
      created.push('democustomer');
    }
    for (const n of [1, 2, 3]) {
      const username = `tech${n}`;
      if (await exists(username)) continue;
      const user = await User.query(trx).insert({
        username,
        passwordHash: hash,
        role: 'technician',
        email: `${username}@example.com`,
        phone: `+1555555020${n}`,
      });
      await Technician.query(trx).insert({ userId: user.id, isActive: true });
      created.push(username);
    }
  });
  return { created };
}
