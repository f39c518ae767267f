// The CDP client against a scripted WebSocket server: answers, errors, events, timeouts and closes.
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket } from 'ws';
import { CdpClient, CdpConnectionError, CdpError, safeUrl } from '../../../src/core/inspector/cdpClient';

describe('CDP client', () => {
  let server: WebSocketServer;
  let url: string;
  let peer: WebSocket | undefined;
  let onRequest: (msg: { id: number; method: string; params: any }, socket: WebSocket) => void;

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/target-id`;
    onRequest = (msg, socket) => socket.send(JSON.stringify({ id: msg.id, result: { echo: msg.method } }));
    server.on('connection', (socket) => {
      peer = socket;
      socket.on('message', (data) => onRequest(JSON.parse(data.toString()), socket));
    });
  });
  afterEach(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise((r) => server.close(r));
  });

  it('resolves answers by id and rejects protocol errors', async () => {
    onRequest = (msg, socket) => {
      if (msg.method === 'Bad.method') socket.send(JSON.stringify({ id: msg.id, error: { code: -32601, message: 'not found' } }));
      else socket.send(JSON.stringify({ id: msg.id, result: { echo: msg.params } }));
    };
    const client = await CdpClient.connect(url);
    try {
      const [a, b] = await Promise.all([client.send('A.x', { n: 1 }), client.send('B.y', { n: 2 })]);
      assert.deepEqual(a, { echo: { n: 1 } });
      assert.deepEqual(b, { echo: { n: 2 } });
      await assert.rejects(client.send('Bad.method'), (err: Error) => err instanceof CdpError && err.message === 'Bad.method: not found');
    } finally {
      await client.close();
    }
  });

  it('delivers events to listeners until they stop listening', async () => {
    const client = await CdpClient.connect(url);
    try {
      const seen: unknown[] = [];
      const stop = client.on('Runtime.bindingCalled', (p) => seen.push(p));
      const got = new Promise((r) => client.on('Runtime.bindingCalled', r));
      peer!.send(JSON.stringify({ method: 'Runtime.bindingCalled', params: { name: 'b', payload: '1' } }));
      await got;
      stop();
      peer!.send(JSON.stringify({ method: 'Runtime.bindingCalled', params: { name: 'b', payload: '2' } }));
      await client.send('Ping.ping');
      assert.deepEqual(seen, [{ name: 'b', payload: '1' }]);
    } finally {
      await client.close();
    }
  });

  it('times out a request that gets no answer', async () => {
    onRequest = () => undefined;
    const client = await CdpClient.connect(url, { requestTimeoutMs: 100 });
    try {
      await assert.rejects(client.send('Slow.call'), (err: Error) => err instanceof CdpConnectionError && /no answer from the inspector within 100 ms/.test(err.message));
    } finally {
      await client.close();
    }
  });

  it('fails pending requests at once when the other side goes away, and reports the close', async () => {
    // The peer goes away once the request has reached it (so it is pending on the client, not unsent).
    let received!: () => void;
    const arrived = new Promise<void>((r) => { received = r; });
    onRequest = () => received();
    const client = await CdpClient.connect(url, { requestTimeoutMs: 30_000 });
    const closed = new Promise<string>((r) => client.onClose(r));
    const pending = client.send('Never.answered');
    await arrived;
    peer!.terminate();
    await assert.rejects(pending, /Never\.answered: the inspector connection closed/);
    assert.match(await closed, /closed/);
    assert.equal(client.closed, true);
    await assert.rejects(client.send('After.close'), CdpConnectionError);
    await client.close();
  });

  it('fails pending requests on a local close', async () => {
    onRequest = () => undefined;
    const client = await CdpClient.connect(url);
    const rejected = assert.rejects(client.send('Never.answered'), /was closed/);
    await client.close();
    await rejected;
  });

  it('gives a clear error when nothing listens or the server refuses the upgrade', async () => {
    await assert.rejects(CdpClient.connect('ws://127.0.0.1:1/x'), (err: Error) => err instanceof CdpConnectionError && /cannot open a WebSocket to ws:\/\/127\.0\.0\.1:1/.test(err.message));
    const http = await import('node:http');
    const plain = http.createServer((_q, s) => { s.statusCode = 404; s.end(); });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    try {
      const port = (plain.address() as { port: number }).port;
      await assert.rejects(CdpClient.connect(`ws://127.0.0.1:${port}/x`), /refused the WebSocket \(HTTP 404\): it is not a Node inspector/);
    } finally {
      await new Promise((r) => plain.close(r));
    }
  });

  it('never shows the target id of a WebSocket URL', () => {
    assert.equal(safeUrl('ws://127.0.0.1:9229/0f2c-secret-id'), 'ws://127.0.0.1:9229');
  });
});
