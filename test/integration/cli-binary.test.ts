// The bundled `session-lens` command as users run it: node dist/cli.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli.js');

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
}

describe('bundled CLI (dist/cli.js)', () => {
  before(function () {
    this.timeout(60_000);
    if (!existsSync(cli)) spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: 'ignore' });
  });

  it('prints help and version, and exits 2 on an unknown subcommand', () => {
    const help = run('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Commands:\n {2}decode/);
    const ver = run('--version');
    assert.equal(ver.status, 0);
    assert.match(ver.stdout, /^\d+\.\d+\.\d+\n$/);
    const bad = run('nope');
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^session-lens: unknown command 'nope'/);
  });
});
