// "Attach to Node Process…" for a process started WITHOUT --inspect: SIGUSR1 opens its inspector, the
// process's own listening sockets tell which port, and its sessions are listed. Only this test's child
// process gets the signal.
import assert from 'node:assert/strict';
import { addressEndpoint } from '../../../src/core/inspector/endpoint';
import { InspectorSessionSource } from '../../../src/core/inspector/inspectorSource';
import { findInspectorAddress, listNodeProcesses, openInspectorAndWait } from '../../../src/inprocess/processes';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { trackUnhandledRejections } from './helpers';

describe('in-process: opening the inspector of a running process with SIGUSR1', function () {
  this.timeout(60_000);
  const rejections = trackUnhandledRejections();
  let app: DevServer | undefined;
  after(async () => { await app?.stop(); rejections.check(); rejections.dispose(); });

  it('finds no inspector, opens one, attaches and lists the sessions', async function () {
    if (process.platform !== 'linux') this.skip(); // the port is found from /proc on Linux only
    // No --inspect: `--inspect-port` only says where SIGUSR1 opens it (a free port, so no clash with 9229).
    const nodeOptions = [process.env.NODE_OPTIONS, '--inspect-port=127.0.0.1:0'].filter(Boolean).join(' ');
    app = await startDevServer({ store: 'memory', env: { NODE_OPTIONS: nodeOptions } });
    const pid = app.process.pid!;
    const { body } = await app.browser().get('/login?user=alice');

    const proc = (await listNodeProcesses()).find((p) => p.pid === pid);
    assert.ok(proc, 'the dev server is in the process list');
    assert.equal(proc.inspectRequested, false, 'started without --inspect');
    assert.equal(await findInspectorAddress(proc), undefined, 'no inspector before the signal (its HTTP port is not taken for one)');

    const address = await openInspectorAndWait(proc, { timeoutMs: 10_000 });
    assert.ok(address, 'an inspector answers after SIGUSR1');
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    assert.match(app.output(), new RegExp(`Debugger listening on ws://${address.replace(/\./g, '\\.')}/`), 'the process itself announced that port');

    const source = new InspectorSessionSource(addressEndpoint(address), { pollMs: 0 });
    try {
      await source.start();
      const sessions = await source.listAll();
      assert.deepEqual(sessions.map((s) => [s.id, s.user]), [[body.sid, 'alice@example.test']]);
    } finally {
      await source.close();
    }
    assert.equal(app.process.exitCode, null, 'the process is still running');
  });
});
