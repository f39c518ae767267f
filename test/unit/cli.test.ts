import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { version } from '../../package.json';

export function captureIo(stdin = '', env: Record<string, string | undefined> = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) { io.out += text; },
    stderr(text: string) { io.err += text; },
    readStdin: async () => stdin,
    env,
  };
  return io;
}

describe('session-lens CLI entry', () => {
  it('--help lists every subcommand with one line each', async () => {
    const io = captureIo();
    assert.equal(await main(['--help'], io), 0);
    for (const name of ['decode', 'sessions', 'lint']) assert.match(io.out, new RegExp(`^  ${name} +\\S.+$`, 'm'));
  });

  it('--version prints the package version', async () => {
    const io = captureIo();
    assert.equal(await main(['--version'], io), 0);
    assert.equal(io.out, `${version}\n`);
  });

  it('an unknown subcommand exits 2 with one line on stderr', async () => {
    const io = captureIo();
    assert.equal(await main(['frobnicate'], io), 2);
    assert.equal(io.err.trim().split('\n').length, 1);
    assert.match(io.err, /unknown command 'frobnicate'/);
  });

  it('a bad flag exits 2 with one line on stderr', async () => {
    const io = captureIo();
    assert.equal(await main(['--bogus'], io), 2);
    assert.equal(io.err.trim().split('\n').length, 1);
    assert.match(io.err, /bogus/);
  });

  it('no command at all exits 2', async () => {
    const io = captureIo();
    assert.equal(await main([], io), 2);
    assert.match(io.err, /missing command/);
  });

  it('does not treat prototype names as subcommands', async () => {
    const io = captureIo();
    assert.equal(await main(['toString'], io), 2);
  });
});
