#!/usr/bin/env node
// Bootstrap that runs before any dependency exists, so it uses only Node built-ins.
//   --install   run `npm ci` when node_modules is missing or older than package-lock.json
//   --compose   make sure `docker-compose` (Debian's, to validate docker-compose.yml) is present
//   --browser   make sure Debian's `chromium` (headless, for the suites that drive a real browser) is present
// The Temporal CLI and PostgreSQL are found or built by the TypeScript code itself (src/embedded).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`ensure: \`${cmd} ${argv.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

if (args.has('--install')) {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (mtime(installed) < mtime(path.join(root, 'package-lock.json'))) {
    console.log('ensure: installing npm dependencies (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

/** Installs a Debian package when missing (as root, with apt); otherwise says which suite will skip. */
function ensureDebianPackage(command, pkg, why) {
  if (has(command)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && has('apt-get')) {
    console.log(`ensure: installing Debian's ${pkg} ${why}`);
    const quiet = { stdio: ['ignore', 'ignore', 'inherit'] };
    run('apt-get', ['update', '-qq'], quiet);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], {
      ...quiet,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.warn(`ensure: ${pkg} is not installed; the suites that need it (${why}) will be skipped`);
  }
}

if (args.has('--compose')) ensureDebianPackage('docker-compose', 'docker-compose', 'to validate docker-compose.yml');
if (args.has('--browser')) ensureDebianPackage('chromium', 'chromium', 'for the headless-browser checks');
