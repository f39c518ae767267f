// Faults of in-process reading: the process exits mid-listing, it is paused at a breakpoint, the
// inspector port is not Node, the address is not loopback. No hang, a clear error, nothing unhandled.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';
import { listInspectorSessions } from '../../../src/core/inspector/cli';
import { addressEndpoint } from '../../../src/core/inspector/endpoint';
import { InspectorSessionSource } from '../../../src/core/inspector/inspectorSource';
import { DEV_SERVER_APP, startDevServer } from '../../harness/devServer';
import { addBulkSessions, rawClient, trackUnhandledRejections } from './helpers';

describe('in-process faults', function () {
  this.timeout(60_000);
  const rejections = trackUnhandledRejections();
  after(() => { rejections.check(); rejections.dispose(); });

  it('the process exits in the middle of a listing: a clear error, state disconnected, nothing hangs', async () => {
    const app = await startDevServer({ inspect: true, store: 'memory' });
    const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!, { reconnect: false }), { pollMs: 0 });
    try {
      await app.browser().get('/login?user=alice');
      await addBulkSessions(app.inspectorAddress!, 100_000, 400);
      await source.start();
      // Kill it as soon as the listing's request (tens of megabytes to produce) has been sent: the process
      // dies while it is producing or sending the answer, never before it got the request.
      const client = source.client!;
      const send = client.send.bind(client);
      let killed = false;
      client.send = ((...args: Parameters<typeof send>) => {
        const reply = send(...args);
        if (!killed && args[0] === 'Runtime.callFunctionOn') { killed = true; app.process.kill('SIGKILL'); }
        return reply;
      }) as typeof client.send;
      const listing = source.listAll();
      const started = Date.now();
      await assert.rejects(listing, /inspector connection|closed|ended/);
      assert.equal(killed, true, 'the process was killed during the listing');
      assert.ok(Date.now() - started < 10_000, 'the failure comes quickly, not after a timeout');
      assert.equal(source.state.kind, 'disconnected');
      if (app.process.exitCode === null && app.process.signalCode === null) await new Promise((r) => app.process.once('exit', r));
      await assert.rejects(source.list({ limit: 10 }), /no Node inspector|nothing listens|cannot reach/);
    } finally {
      await source.close();
      await app.stop();
    }
  });

  it('the process is paused at a breakpoint: listing, destroy and set still answer, without a hang', async () => {
    const app = await startDevServer({ inspect: true, store: 'memory' });
    const debuggerClient = await rawClient(app.inspectorAddress!);
    const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0, requestTimeoutMs: 5000 });
    try {
      const alice = app.browser();
      await alice.get('/login?user=alice');
      const aliceSid = (await alice.sessionId())!;
      await source.start();
      // Another debugger (like VS Code) stops the app in /profile.
      await debuggerClient.send('Debugger.enable');
      const line = (await import('node:fs')).readFileSync(DEV_SERVER_APP, 'utf8').split('\n').findIndex((l) => l.includes("if (!req.session.user) return res.status(401)"));
      const { breakpointId } = await debuggerClient.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(DEV_SERVER_APP).toString(), lineNumber: line });
      const paused = new Promise((resolve) => debuggerClient.on('Debugger.paused', resolve));
      const pendingProfile = alice.get('/profile');
      await paused;
      const started = Date.now();
      const { sessions } = await listInspectorSessions(app.inspectorAddress!, { timeoutMs: 5000 });
      assert.deepEqual(sessions.map((s) => s.id), [aliceSid]);
      const page = await source.list({ limit: 10 });
      assert.equal(page.sessions.length, 1);
      const bob = app.browser();
      const record = (await source.get(aliceSid))!;
      await source.set(aliceSid, { ...(record.data as object), note: 'edited while paused' });
      assert.equal(((await source.get(aliceSid))!.data as any).note, 'edited while paused');
      assert.ok(Date.now() - started < 5000, 'every call answered while paused');
      await debuggerClient.send('Debugger.removeBreakpoint', { breakpointId });
      await debuggerClient.send('Debugger.resume');
      const profile = await pendingProfile;
      assert.equal(profile.status, 200);
      // Destroy after resuming still works; bob has no session.
      assert.equal(await source.destroy(aliceSid), true);
      assert.equal((await alice.get('/profile')).status, 401);
      assert.equal((await bob.get('/profile')).status, 401);
    } finally {
      await debuggerClient.send('Debugger.resume').catch(() => undefined);
      await debuggerClient.close();
      await source.close();
      await app.stop();
    }
  });

  describe('an inspector port that is not Node', () => {
    let http: Server;
    let wss: WebSocketServer;
    let port = 0;
    before(async () => {
      // An HTTP server that pretends to list a target, and a WebSocket that never answers like CDP.
      http = createServer((req, res) => {
        if (req.url === '/json/list') {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify([{ id: 'x', type: 'node', webSocketDebuggerUrl: `ws://127.0.0.1:${port}/x` }]));
        } else {
          res.statusCode = 404;
          res.end('not found');
        }
      });
      wss = new WebSocketServer({ server: http });
      wss.on('connection', (socket) => socket.on('message', () => socket.send('{"hello":"not cdp"}')));
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      port = (http.address() as { port: number }).port;
    });
    after(async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise((r) => http.close(r));
    });

    it('a plain HTTP server (no /json/list) is refused with a clear error', async () => {
      const plain = createServer((_req, res) => { res.statusCode = 404; res.end('nope'); });
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      try {
        const address = `127.0.0.1:${(plain.address() as { port: number }).port}`;
        await assert.rejects(listInspectorSessions(address), new RegExp(`^Error: ${address} is not a Node inspector: /json/list answered HTTP 404$`.replace(/\./g, '\\.')));
      } finally {
        await new Promise((r) => plain.close(r));
      }
    });

    it('a WebSocket server that does not speak CDP gives a clear error within the timeout', async () => {
      const started = Date.now();
      await assert.rejects(listInspectorSessions(`127.0.0.1:${port}`, { timeoutMs: 1500 }), /does not speak the inspector protocol: no answer from the inspector within 1500 ms/);
      await assert.rejects(listInspectorSessions(`ws://127.0.0.1:${port}/x`, { timeoutMs: 1500 }), /does not speak the inspector protocol: no answer from the inspector within 1500 ms/);
      assert.ok(Date.now() - started < 6000);
    });

    it('nothing listening gives a clear error', async () => {
      await assert.rejects(listInspectorSessions('127.0.0.1:1'), /no Node inspector at 127\.0\.0\.1:1: nothing listens there/);
    });

    it('a non-loopback address is refused before any connection', async () => {
      await assert.rejects(listInspectorSessions('10.0.0.5:9229'), /Session Lens attaches only to loopback addresses/);
      await assert.rejects(listInspectorSessions('example.com:9229'), /only to loopback/);
    });
  });
});
