import type { Db } from '../db';
import { ConflictError, ValidationError } from '../domain/errors';
import { passwordProblem } from '../domain/passwords';
import { hashPassword } from '../security/password';

const USERNAME = /^[A-Za-z0-9_.@+-]{3,150}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The first admin of a deployment (or another one, when the console is out of reach): the one
 * account that cannot be made through the API, since making accounts there needs an admin.
 */
export async function createAdmin(
  db: Pick<Db, 'knex' | 'models'>,
  input: { username: string; password: string; email?: string },
): Promise<{ id: number; username: string }> {
  const username = input.username.trim();
  const fields: Record<string, string> = {};
  if (!USERNAME.test(username)) fields.username = 'must be 3-150 letters, digits or _ . @ + -';
  const problem = passwordProblem(input.password, username);
  if (problem !== null) fields.password = problem;
  if (input.email !== undefined && (!EMAIL.test(input.email) || input.email.length > 254)) fields.email = 'must be an email address';
  if (Object.keys(fields).length) throw new ValidationError(fields, 'The admin was not created');
  const passwordHash = await hashPassword(input.password);
  return db.knex.transaction(async (trx) => {
    // Serialises creators of the same name; the unique index on lower(username) is the last word.
    await trx.raw('select pg_advisory_xact_lock(hashtext(lower(?)))', [username]);
    const taken = await db.models.User.query(trx).whereRaw('lower(username) = lower(?)', [username]).first();
    if (taken) throw new ConflictError(`The username "${username}" is taken`, { username: 'is already taken' });
    const user = await db.models.User.query(trx).insert({ username, passwordHash, role: 'admin', email: input.email ?? null });
    return { id: user.id, username: user.username };
  });
}
