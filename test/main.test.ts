import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './support/eventually';
import { resolveTemporalCli } from '../src/embedded/temporal';
import { freePort, testLogger } from './support/stack';

const ROOT = path.resolve(__dirname, '..');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startMain(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(run: Run, text: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!run.output().includes(text)) {
    if (Date.now() > until || run.child.exitCode !== null) throw new Error(`no "${text}" in:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Is anything still listening on this port? */
async function listening(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
}

describe('main command (npm start): the embedded stack', function () {
  this.timeout(180_000);
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rsystems-main-'));
    const [port, pg, temporal, ui] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    env = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pg),
      TEMPORAL_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      AUTH_TOKEN_SECRET: '',
    };
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('starts everything, prints the addresses, serves the demo accounts, stops cleanly on SIGTERM, and keeps its data', async () => {
    const api = `http://127.0.0.1:${env.PORT}`;
    const first = startMain(env);
    try {
      await waitFor(first, 'is running', 150_000);
      assert.match(first.output(), new RegExp(`API +${api}/api`));
      assert.match(first.output(), new RegExp(`API docs +${api}/api/docs`));
      assert.match(first.output(), new RegExp(`Temporal UI +http://127.0.0.1:${env.TEMPORAL_UI_PORT}`));

      const health = await fetch(`${api}/api/health`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'healthy');
      assert.equal((await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`)).status, 200, 'Temporal Web UI');

      const login = await fetch(`${api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'democustomer', password: 'demo123' }),
      });
      assert.equal(login.status, 200);
      const { token } = (await login.json()) as { token: string };
      const created = await fetch(`${api}/api/repairs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ unitNumber: 'KEEP-1', description: 'survives a restart' }),
      });
      assert.equal(created.status, 201);
      const repair = (await created.json()) as { id: number };

      // The schedules are in place and visible in the Temporal UI, and run when triggered from the CLI.
      const ui = `http://127.0.0.1:${env.TEMPORAL_UI_PORT}/api/v1/namespaces/default`;
      const schedules = await eventually(async () => {
        const listed = (await (await fetch(`${ui}/schedules`)).json()) as { schedules?: { scheduleId: string }[] };
        const names = (listed.schedules ?? []).map((x) => x.scheduleId).sort();
        return names.length === 2 ? names : undefined;
      }, 'the schedules to be listed by the Temporal UI');
      assert.deepEqual(schedules, ['daily-digest', 'delivery-log-cleanup']);
      const cli = resolveTemporalCli(undefined, testLogger) as { path: string };
      await promisify(execFile)(cli.path, [
        'schedule',
        'trigger',
        '--schedule-id',
        'daily-digest',
        '--address',
        `127.0.0.1:${env.TEMPORAL_PORT}`,
      ]);
      await eventually(
        async () => {
          const query = encodeURIComponent('WorkflowType="localDigestWorkflow" AND ExecutionStatus="Completed"');
          const runs = (await (await fetch(`${ui}/workflows?query=${query}`)).json()) as { executions?: unknown[] };
          return runs.executions?.length === 1 ? true : undefined;
        },
        'the triggered digest to complete',
        30_000,
      );

      first.child.kill('SIGTERM');
      assert.equal(await first.exited, 0, first.output());
      assert.match(first.output(), /"msg":"stopped"/);
      for (const port of [env.PORT, env.TEMPORAL_UI_PORT]) assert.equal(await listening(Number(port)), false, `port ${port} closed`);

      // Second run: same data folder, so the same repair and the same token secret.
      const second = startMain(env);
      try {
        await waitFor(second, 'is running', 60_000);
        const again = await fetch(`${api}/api/repairs/${repair.id}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(again.status, 200);
        assert.equal(((await again.json()) as { unitNumber: string }).unitNumber, 'KEEP-1');
      } finally {
        second.child.kill('SIGTERM');
        assert.equal(await second.exited, 0, second.output());
      }
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
  });
});
