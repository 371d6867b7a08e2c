import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ConflictError, ValidationError } from '../../src/domain/errors';
import { runOps } from '../../src/ops/cli';
import { projectRoot } from '../../src/config';
import type { Db } from '../../src/db';
import { verifyPassword } from '../../src/security/password';
import { freshDatabase } from '../support/harness';

const SECRET = 'production-secret-production-secret-42';

describe('ops: create-admin (the first admin of a production deployment)', () => {
  let db: Db;
  let url: string;
  before(async () => ({ db, url } = await freshDatabase()));
  after(() => db?.destroy());

  const production = (extra: Record<string, string> = {}) => ({
    NODE_ENV: 'production',
    AUTH_TOKEN_SECRET: SECRET,
    DATABASE_URL: url,
    ...extra,
  });
  const run = async (argv: string[], env: Record<string, string>, secret?: string) => {
    const lines: string[] = [];
    const code = await runOps(
      'create-admin',
      argv,
      env,
      (l) => lines.push(l),
      secret === undefined ? undefined : () => Promise.resolve(secret),
    );
    return { code, out: lines.join('\n') };
  };

  it('creates an admin with a hashed password from ADMIN_PASSWORD, under a production configuration', async () => {
    const { code, out } = await run(
      ['--username', 'root', '--email', 'ops@example.com'],
      production({ ADMIN_PASSWORD: 'Correct-Horse-Battery' }),
    );
    assert.equal(code, 0);
    assert.match(out, /admin "root" created/);
    assert.doesNotMatch(out, /Correct-Horse-Battery/);
    const user = await db.models.User.query().findOne({ username: 'root' });
    assert.equal(user?.role, 'admin');
    assert.equal(user?.email, 'ops@example.com');
    assert.equal(await verifyPassword('Correct-Horse-Battery', user.passwordHash), true);
  });

  it('refuses a weak password or a taken username, and creates nothing', async () => {
    const before = await db.models.User.query().resultSize();
    for (const weak of ['short', 'password123', 'aaaaaaaaaaaa', 'xx-newroot-xx']) {
      await assert.rejects(
        run(['--username', 'newroot'], production({ ADMIN_PASSWORD: weak })),
        (e: unknown) => e instanceof ValidationError && 'password' in e.fields,
      );
    }
    await assert.rejects(run(['--username', 'ROOT'], production({ ADMIN_PASSWORD: 'Another-Good-One' })), ConflictError);
    await assert.rejects(
      run(['--username', 'a b'], production({ ADMIN_PASSWORD: 'Another-Good-One' })),
      (e: unknown) => e instanceof ValidationError && 'username' in e.fields,
    );
    await assert.rejects(run([], production({ ADMIN_PASSWORD: 'Another-Good-One' })), /--username is required/);
    assert.equal(await db.models.User.query().resultSize(), before);
  });

  it('reads the password from stdin when ADMIN_PASSWORD is unset (a real process, piped)', async () => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(projectRoot, 'src/ops/cli.ts'), 'create-admin', '--username', 'piped'],
      {
        cwd: projectRoot,
        env: { PATH: process.env.PATH, ...production() },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.stdin.end('Stdin-Strong-Secret-9\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /Stdin-Strong-Secret-9/);
    const user = await db.models.User.query().findOne({ username: 'piped' });
    assert.equal(await verifyPassword('Stdin-Strong-Secret-9', user!.passwordHash), true);
  });

  it('exits 2 naming the field when the piped password is weak', async () => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(projectRoot, 'src/ops/cli.ts'), 'create-admin', '--username', 'weakling'],
      {
        cwd: projectRoot,
        env: { PATH: process.env.PATH, ...production() },
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end('1234\n');
    assert.equal(await new Promise<number | null>((resolve) => child.on('close', resolve)), 2);
    assert.match(stderr, /password must be at least 8 characters/);
    assert.equal(await db.models.User.query().findOne({ username: 'weakling' }), undefined);
  });
});
