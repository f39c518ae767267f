// Installs code-server (VS Code's server build) from the npm registry into a cache folder, following
// ../shared/notes/vscode-host-testing.md. A second run finds the marker file and returns at once.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const codeServerHome = join(root, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = join(codeServerHome, 'node_modules/code-server/out/node/entry.js');
const marker = join(codeServerHome, '.installed');

function run(cmd, args, cwd, env = {}) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

export function installCodeServer() {
  if (existsSync(marker)) return codeServerEntry;
  for (const tool of ['/usr/bin/rg']) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: install the Debian package 'ripgrep' (see README, Develop).`);
  }
  console.log(`[host] installing code-server ${CODE_SERVER_VERSION} into ${codeServerHome} (one time, about two minutes)`);
  rmSync(codeServerHome, { recursive: true, force: true });
  mkdirSync(codeServerHome, { recursive: true });
  writeFileSync(join(codeServerHome, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }));
  const npm = 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  run(npm, ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', ...quiet], codeServerHome);
  const vscodeDir = join(codeServerHome, 'node_modules/code-server/lib/vscode');
  run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], vscodeDir);
  const rgBin = join(vscodeDir, 'node_modules/@vscode/ripgrep/bin');
  mkdirSync(rgBin, { recursive: true });
  copyFileSync('/usr/bin/rg', join(rgBin, 'rg'));
  run(npm, ['rebuild', ...quiet], vscodeDir, { npm_config_yes: 'true' });
  const asar = join(vscodeDir, 'node_modules.asar');
  rmSync(asar, { force: true });
  symlinkSync('node_modules', asar);
  run(npm, ['install', '--omit=dev', ...quiet], join(vscodeDir, 'extensions'));
  run(npm, ['rebuild', 'argon2', ...quiet], codeServerHome);
  writeFileSync(marker, new Date().toISOString());
  return codeServerEntry;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installCodeServer();
  console.log(`[host] code-server ready: ${codeServerEntry}`);
}
