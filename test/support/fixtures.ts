import type { Db } from '../../src/db';
import { hashPassword } from '../../src/security/password';
import type { Role } from '../../src/domain/roles';

export const PASSWORD = 'password-123';
let passwordHash: Promise<string> | undefined;

/** Inserts a user straight into the database (fast path for tests; the API path is tested on its own). */
export async function insertUser(
  db: Db,
  username: string,
  role: Role,
  opts: { customerId?: number; technicianActive?: boolean } = {},
): Promise<{ userId: number; technicianId: number | null }> {
  passwordHash ??= hashPassword(PASSWORD);
  const { User, CustomerUser, Technician } = db.models;
  const user = await User.query().insert({ username, passwordHash: await passwordHash, role, email: `${username}@example.com` });
  if (role === 'customer' && opts.customerId !== undefined) {
    await CustomerUser.query().insert({ userId: user.id, customerId: opts.customerId });
  }
  let technicianId: number | null = null;
  if (role === 'technician') {
    technicianId = (await Technician.query().insert({ userId: user.id, isActive: opts.technicianActive ?? true })).id;
  }
  return { userId: user.id, technicianId };
}

export async function insertCustomer(db: Db, name: string): Promise<number> {
  return (await db.models.Customer.query().insert({ name })).id;
}
