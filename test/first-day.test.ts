import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from './support/eventually';
import { freePort } from './support/stack';

const ROOT = path.resolve(__dirname, '..');
const SECRET = 'first-day-secret-first-day-secret-0123456';

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string>, stdin?: string): Proc {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  if (stdin !== undefined) child.stdin?.end(stdin);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/**
 * The acceptance, as a new operator would do it: a production-mode stack (here the embedded
 * PostgreSQL and Temporal with NODE_ENV=production and a secret; no demo accounts) taken from empty
 * to a working business through the ops CLI and the API alone.
 */
describe('first day of a production deployment: from empty to a working business, CLI and API only', function () {
  this.timeout(240_000);
  let dataDir: string;
  let env: Record<string, string>;
  let main: Proc | undefined;
  let api: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-first-day-'));
    const [port, pg, temporal, ui] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    env = {
      NODE_ENV: 'production',
      AUTH_TOKEN_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pg),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      PUBLIC_APP_URL: 'https://portal.example.com',
    };
    api = `http://127.0.0.1:${port}/api`;
    main = run(['src/main.ts'], env);
    await eventually(
      async () =>
        (await fetch(`${api}/health`)
          .then((r) => r.status === 200)
          .catch(() => false)) || undefined,
      'the production-mode stack answering /api/health',
      180_000,
    );
  });
  after(async () => {
    if (main && main.child.exitCode === null) {
      main.child.kill('SIGTERM');
      await main.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, route: string, body?: unknown, token?: string) => {
    const res = await fetch(`${api}${route}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const login = async (username: string, password: string) => {
    const res = await call('POST', '/auth/login', { username, password });
    assert.equal(res.status, 200, `login ${username}: ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };

  it('runs the day', async () => {
    assert.equal(
      (await call('POST', '/auth/login', { username: 'demoadmin', password: 'demo123' })).status,
      401,
      'no demo accounts in production',
    );

    // 1. The first admin, from the CLI: a weak password is refused, a good one from stdin accepted.
    const weak = run(['src/ops/cli.ts', 'create-admin', '--username', 'owner'], { ...env, ADMIN_PASSWORD: 'owner123' });
    assert.equal(await weak.exited, 2, weak.output());
    const cli = run(['src/ops/cli.ts', 'create-admin', '--username', 'owner', '--email', 'owner@rs.example'], env, 'Windshield-Day-One!\n');
    assert.equal(await cli.exited, 0, cli.output());
    assert.match(cli.output(), /admin "owner" created/);
    const again = run(['src/ops/cli.ts', 'create-admin', '--username', 'OWNER'], { ...env, ADMIN_PASSWORD: 'Another-Strong-One' });
    assert.equal(await again.exited, 1, 'a taken username');
    const admin = await login('owner', 'Windshield-Day-One!');

    // 2. Customers, users and technicians, from the API.
    const fleet = await call('POST', '/customers', { name: 'Fleet One', email: 'ops@fleet.one' }, admin);
    assert.equal(fleet.status, 201);
    const manager = await call(
      'POST',
      '/users',
      { username: 'fleet-mgr', password: 'Fleet-Manager-Pass', role: 'customer', customerId: fleet.body.id, email: 'mgr@fleet.one' },
      admin,
    );
    assert.equal(manager.status, 201);
    const tech = await call(
      'POST',
      '/users',
      { username: 'tina', password: 'Tina-Fixes-Glass', role: 'technician', phone: '+15555550142' },
      admin,
    );
    assert.equal(tech.status, 201);
    const found = await call('GET', '/customers?q=fleet', undefined, await login('tina', 'Tina-Fixes-Glass'));
    assert.deepEqual(
      found.body.items,
      [{ id: fleet.body.id, name: 'Fleet One' }],
      'a technician finds the customer by name, id and name only',
    );
    const users = await call('GET', '/users?role=customer', undefined, admin);
    assert.deepEqual(
      users.body.items.map((u: { username: string }) => u.username),
      ['fleet-mgr'],
    );

    // 3. Templates and the brand.
    await call(
      'PUT',
      '/admin/brand',
      { companyName: 'RS Glass', logoUrl: null, primaryColor: '#0b5394', accentColor: '#f1c232', footerText: 'RS Glass, Austin' },
      admin,
    );
    const templates = await call('GET', '/admin/templates', undefined, admin);
    const started = templates.body.items.find((t: { name: string }) => t.name === 'work_started');
    assert.ok(started, 'the default templates are installed');
    const version = await call(
      'POST',
      '/admin/templates/work_started/versions',
      {
        title: 'We are on it: {{ repair.unitNumber }}',
        message: 'A technician started on {{ repair.unitNumber }}.',
        emailSubject: '{{ brand.companyName }}: work started on {{ repair.unitNumber }}',
        emailHtml: '<p>Work started on {{ repair.unitNumber }}.</p>',
        emailText: 'Work started on {{ repair.unitNumber }}.',
        sms: 'Work started on {{ repair.unitNumber }}.',
      },
      admin,
    );
    assert.equal(version.status, 201, JSON.stringify(version.body));
    assert.equal((await call('POST', `/admin/templates/work_started/versions/${version.body.version}/activate`, {}, admin)).status, 200);

    // 4. The customer forgot their password: reset from the emailed link (read from the outbox).
    assert.equal((await call('POST', '/auth/password-reset', { username: 'fleet-mgr' })).status, 202);
    assert.equal((await call('POST', '/auth/password-reset', { username: 'nobody' })).status, 202);
    const email = await eventually(async () => {
      const box = await call('GET', `/admin/outbox?to=${encodeURIComponent('mgr@fleet.one')}&channel=email`, undefined, admin);
      return box.body.items[0] as { body: string } | undefined;
    }, 'the reset email');
    const link = /https:\/\/portal\.example\.com\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(email.body);
    assert.ok(link, email.body);
    const confirm = await call('POST', '/auth/password-reset/confirm', { token: link[1], newPassword: 'Remembered-This-Time' });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    assert.equal((await call('POST', '/auth/login', { username: 'fleet-mgr', password: 'Fleet-Manager-Pass' })).status, 401);
    const customer = await login('fleet-mgr', 'Remembered-This-Time');

    // 5. The business runs: the customer's request reaches the technician, who starts it.
    const repair = await call('POST', '/repairs', { unitNumber: 'TRK-7', description: 'Chip on the driver side' }, customer);
    assert.equal(repair.status, 201);
    const techToken = await login('tina', 'Tina-Fixes-Glass');
    await eventually(async () => {
      const r = await call('GET', `/repairs/${repair.body.id}`, undefined, techToken);
      return r.body.technicianId === tech.body.technicianId || undefined;
    }, 'the repair assigned to the only technician');
    for (const move of ['submit', 'approve', 'start'] as const) {
      const who = move === 'approve' ? customer : techToken;
      const res = await call('POST', `/repairs/${repair.body.id}/${move}`, move === 'submit' ? { estimatedCost: 80 } : {}, who);
      assert.equal(res.status, 200, `${move}: ${JSON.stringify(res.body)}`);
    }
    const notice = await eventually(async () => {
      const list = await call('GET', `/notifications?repairId=${repair.body.id}`, undefined, customer);
      return list.body.items.find((n: { title: string }) => n.title.startsWith('We are on it')) as { title: string } | undefined;
    }, 'the work-started notification from the new template version');
    assert.equal(notice.title, 'We are on it: TRK-7');
  });
});
