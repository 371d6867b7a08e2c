import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { freePort } from './stack';

/**
 * A real S3 API on loopback for the `s3` photo storage: moto's server, pinned, installed into a
 * virtualenv cached in ~/.cache/rsystems exactly as scripts/fuzz.ts installs schemathesis (built in
 * a staging folder, renamed into place once it runs, so an interrupted install is never reused).
 */
export const MOTO_VERSION = '5.2.5';
const SPEC = `moto[server,s3]==${MOTO_VERSION}`;

// pip's words for "PyPI could not be reached"; any other install failure is a real one.
const UNREACHABLE =
  /NewConnectionError|Max retries exceeded|Temporary failure in name resolution|Network is unreachable|Connection refused|timed out|No matching distribution found/i;

const python = (dir: string) => path.join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
const works = (dir: string) =>
  spawnSync(python(dir), ['-c', 'import moto, moto.server, flask; print(moto.__version__)'], { encoding: 'utf8' }).stdout?.trim() ===
  MOTO_VERSION;

/** Runs a command to its end without blocking the event loop (a pip install takes a while). */
function run(cmd: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stderr }));
  });
}

/** The venv's python, or why moto cannot be had here (PyPI unreachable); any other failure throws. */
export async function ensureMoto(): Promise<{ python: string } | { unavailable: string }> {
  const cache = process.env.RSYSTEMS_CACHE_DIR ?? path.join(homedir(), '.cache', 'rsystems');
  const venv = path.join(cache, `moto-${MOTO_VERSION}`);
  if (existsSync(venv) && works(venv)) return { python: python(venv) };

  mkdirSync(cache, { recursive: true });
  const staging = `${venv}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const basePython = process.env.PYTHON ?? (spawnSync('python3', ['--version']).status === 0 ? 'python3' : 'python');
  try {
    const made = await run(basePython, ['-m', 'venv', staging], 120_000);
    if (made.status !== 0) throw new Error(`moto: \`${basePython} -m venv\` failed: ${made.stderr}`);
    const pip = await run(python(staging), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', SPEC], 540_000);
    if (pip.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      if (UNREACHABLE.test(pip.stderr)) return { unavailable: `pip could not reach PyPI to install ${SPEC}` };
      throw new Error(`moto: pip install ${SPEC} failed (exit ${pip.status}):\n${pip.stderr}`);
    }
    if (!works(staging)) throw new Error('moto: the freshly installed moto does not run');
    // Another test run may have finished the same install meanwhile: then its copy is used.
    if (!(existsSync(venv) && works(venv))) {
      rmSync(venv, { recursive: true, force: true }); // a broken earlier copy
      renameSync(staging, venv);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!works(venv)) throw new Error(`moto: moto in ${venv} does not run after the install`);
  return { python: python(venv) };
}

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** `moto_server` on a free loopback port, answering once it is up. */
export async function startMoto(venvPython: string): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(venvPython, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
