// The Debian/Ubuntu packages the demo and the tests need, installed where this process can (root, or sudo
// without a password); otherwise it stops at once with the one command to run. `npm run demo`, `npm test`
// and CI call it first.
//   node scripts/system-packages.mjs [demo|test|ci]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Headers and tools code-server's native modules are built with (one time, see test/host/install-code-server.mjs).
const CODE_SERVER_BUILD = ['ripgrep', 'libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev', 'pkg-config'];
export const PACKAGES = {
  demo: ['redis-server', ...CODE_SERVER_BUILD],
  // PostgreSQL's server for the connect-pg-simple tests (the harness runs its own clusters as a plain user).
  test: ['redis-server', 'redis-tools', 'postgresql', 'chromium', ...CODE_SERVER_BUILD],
  // CI also runs the unit and integration layers with the clock a year ahead.
  ci: ['redis-server', 'redis-tools', 'postgresql', 'chromium', 'faketime', ...CODE_SERVER_BUILD],
};

function installed(pkg) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
}

function canRun(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Installs what `purpose` needs and is missing; exits the process with the command to run when it cannot. */
export function ensureSystemPackages(purpose) {
  const wanted = PACKAGES[purpose];
  if (!wanted) throw new Error(`unknown purpose '${purpose}' (${Object.keys(PACKAGES).join(', ')})`);
  if (!existsSync('/usr/bin/dpkg-query') || !existsSync('/usr/bin/apt-get')) {
    // Not Debian: the README's table names the packages for Homebrew; nothing is installed from here.
    return;
  }
  const missing = wanted.filter((p) => !installed(p));
  if (missing.length === 0) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? [] : canRun('sudo', ['-n', 'true']) ? ['sudo', '-n'] : undefined;
  const command = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!sudo) {
    console.error(`[setup] missing system packages: ${missing.join(' ')}\n[setup] run:  ${command}`);
    process.exit(1);
  }
  console.log(`[setup] installing ${missing.join(' ')} (Debian packages, one time)`);
  const apt = (args) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
    execFileSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  try {
    apt(['update', '-q']);
    apt(['install', '-y', '-q', '--no-install-recommends', ...missing]);
  } catch {
    console.error(`[setup] installing the packages failed; run:  ${command}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureSystemPackages(process.argv[2] ?? 'test');
}
