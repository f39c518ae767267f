// The process picker's data: --inspect flags, and (on Linux) finding a process's random inspector port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe as describeProcess, findInspectorAddress, listNodeProcesses } from '../../../src/inprocess/processes';

describe('Node processes for "Attach to Node Process…"', () => {
  it('reads --inspect flags from the command line and NODE_OPTIONS', () => {
    assert.deepEqual(describeProcess(1, ['node', '--inspect', 'app.js'], '').inspectFlag, { host: '127.0.0.1', port: 9229 });
    assert.deepEqual(describeProcess(1, ['node', '--inspect-brk=0.0.0.0:9300', 'app.js'], '').inspectFlag, { host: '0.0.0.0', port: 9300 });
    assert.deepEqual(describeProcess(1, ['node', 'app.js'], '--inspect=9231').inspectFlag, { host: '127.0.0.1', port: 9231 });
    const random = describeProcess(1, ['node', '--inspect=127.0.0.1:0', 'app.js'], '');
    assert.equal(random.inspectFlag, undefined);
    assert.equal(random.inspectRequested, true);
    assert.equal(describeProcess(1, ['node', 'app.js'], '').inspectRequested, false);
  });

  it('lists a running Node process and finds its inspector on a random loopback port', async function () {
    if (process.platform !== 'linux') this.skip();
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const announced = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stderr!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Debugger listening on ws:\/\/([^/\s]+)\//.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(out)));
      });
      const found = (await listNodeProcesses()).find((p) => p.pid === child.pid);
      assert.ok(found, 'the child is listed');
      assert.equal(await findInspectorAddress(found), announced);
    } finally {
      child.kill();
    }
  });
});
