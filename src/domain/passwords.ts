/**
 * What makes a password acceptable, the same everywhere one is set (user creation, a change, a
 * reset, the first admin from the CLI). Length is what matters most; the short list catches the
 * passwords that attackers try first, which length alone lets through.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON = new Set([
  'password',
  'password1',
  'password123',
  'passw0rd',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'qwerty123',
  'iloveyou',
  'letmein1',
  'welcome1',
  'admin123',
  'administrator',
  'changeme',
  'abcdefgh',
  'abc12345',
  'trustno1',
]);

/** Why a password is refused, in words for the person choosing it, or null when it is fine. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'is too common; choose a longer, less guessable one';
  if (new Set(lower).size < 3) return 'must use at least 3 different characters';
  if (username !== undefined && lower.includes(username.toLowerCase())) return 'must not contain the username';
  return null;
}
