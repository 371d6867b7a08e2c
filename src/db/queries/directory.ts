import type { Knex } from 'knex';

/**
 * `q` as an ILIKE substring pattern: the client's % and _ are literal characters, not wildcards
 * (PostgreSQL's LIKE escapes with a backslash by default).
 */
export const substringPattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Rows whose any of `columns` contains `q`, case-insensitively (served by the trigram indexes). */
export function whereContains(qb: Knex.QueryBuilder, columns: readonly string[], q: string): Knex.QueryBuilder {
  const pattern = substringPattern(q);
  return qb.where((w) => {
    for (const column of columns) w.orWhereILike(column, pattern);
  });
}

/** One page of `qb` (ordered by the caller) and the total number of rows it matches. */
export async function pageRows<T>(qb: Knex.QueryBuilder, page: number, pageSize: number): Promise<{ rows: T[]; total: number }> {
  const [rows, counted] = await Promise.all([
    qb
      .clone()
      .limit(pageSize)
      .offset((page - 1) * pageSize) as Promise<T[]>,
    qb.clone().clearSelect().clearOrder().count({ total: '*' }).first() as Promise<{ total: number } | undefined>,
  ]);
  return { rows, total: Number(counted?.total ?? 0) };
}

/** A user with their customer and technician links, as the users directory shows them. */
export interface UserRow {
  id: number;
  username: string;
  role: 'customer' | 'technician' | 'admin';
  email: string | null;
  phone: string | null;
  emailVerified: boolean;
  phoneVerified: boolean;
  isActive: boolean;
  customerId: number | null;
  technicianId: number | null;
  createdAt: Date;
}

export function userRowsQuery(knex: Knex | Knex.Transaction): Knex.QueryBuilder {
  return knex('users as u')
    .leftJoin('customer_users as cu', 'cu.user_id', 'u.id')
    .leftJoin('technicians as t', 't.user_id', 'u.id')
    .select({
      id: 'u.id',
      username: 'u.username',
      role: 'u.role',
      email: 'u.email',
      phone: 'u.phone',
      emailVerified: 'u.email_verified',
      phoneVerified: 'u.phone_verified',
      isActive: 'u.is_active',
      customerId: 'cu.customer_id',
      technicianId: 't.id',
      createdAt: 'u.created_at',
    });
}
