import assert from 'node:assert/strict';
import { InspectorAddressError, isLoopbackHost, parseInspectorAddress } from '../../../src/core/inspector/address';

describe('inspector addresses', () => {
  it('parses HOST:PORT, a bare port, IPv6 and ws:// URLs', () => {
    assert.deepEqual(parseInspectorAddress('127.0.0.1:9229'), { host: '127.0.0.1', port: 9229 });
    assert.deepEqual(parseInspectorAddress('9230'), { host: '127.0.0.1', port: 9230 });
    assert.deepEqual(parseInspectorAddress('localhost:9229'), { host: 'localhost', port: 9229 });
    assert.deepEqual(parseInspectorAddress('[::1]:9229'), { host: '::1', port: 9229 });
    assert.deepEqual(parseInspectorAddress('ws://127.0.0.1:9229/abc-def'), { host: '127.0.0.1', port: 9229, webSocketUrl: 'ws://127.0.0.1:9229/abc-def' });
    assert.deepEqual(parseInspectorAddress(' http://127.0.0.2:9229 '), { host: '127.0.0.2', port: 9229 });
  });

  it('refuses anything that is not loopback, with one clear line', () => {
    for (const text of ['10.0.0.1:9229', '0.0.0.0:9229', 'example.com:9229', '[fe80::1]:9229', 'ws://192.168.1.2:9229/x']) {
      assert.throws(() => parseInspectorAddress(text), (err: Error) => err instanceof InspectorAddressError && /only to loopback/.test(err.message) && !err.message.includes('\n'), text);
    }
  });

  it('refuses malformed addresses', () => {
    for (const text of ['', 'nonsense', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'ftp://127.0.0.1:21', 'ws://']) {
      assert.throws(() => parseInspectorAddress(text), InspectorAddressError, text);
    }
  });

  it('knows loopback hosts', () => {
    assert.equal(isLoopbackHost('127.8.9.10'), true);
    assert.equal(isLoopbackHost('::1'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('::ffff:127.0.0.1'), true);
    assert.equal(isLoopbackHost('LOCALHOST'), true);
    assert.equal(isLoopbackHost('128.0.0.1'), false);
    assert.equal(isLoopbackHost('localhost.example.com'), false);
  });
});
