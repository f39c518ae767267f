// Inspector addresses: parsing `HOST:PORT` or `ws://` URLs, the loopback-only rule, and the `/json/list`
// discovery of a Node process's inspector WebSocket.
import { request } from 'node:http';
import { isIP } from 'node:net';

export class InspectorAddressError extends Error {}

export interface InspectorAddress {
  host: string;
  port: number;
}

/** Parses `HOST:PORT`, `PORT`, `[::1]:PORT`, `http://HOST:PORT` or `ws://HOST:PORT/<id>`; refuses non-loopback hosts. */
export function parseInspectorAddress(text: string): InspectorAddress & { webSocketUrl?: string } {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return checked({ host: '127.0.0.1', port: Number(trimmed) }, text);
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw new InspectorAddressError(`'${text}' is not an inspector address: expected HOST:PORT (e.g. 127.0.0.1:9229)`);
  }
  if (!['ws:', 'http:'].includes(url.protocol)) throw new InspectorAddressError(`'${text}' is not an inspector address: use HOST:PORT or a ws:// URL`);
  if (!url.port) throw new InspectorAddressError(`'${text}' has no port: expected HOST:PORT (e.g. 127.0.0.1:9229)`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const address = checked({ host, port: Number(url.port) }, text);
  return url.protocol === 'ws:' && url.pathname.length > 1 ? { ...address, webSocketUrl: url.toString() } : address;
}

function checked(address: InspectorAddress, text: string): InspectorAddress {
  if (!Number.isInteger(address.port) || address.port < 1 || address.port > 65535) {
    throw new InspectorAddressError(`'${text}' has no valid port (1-65535)`);
  }
  if (!isLoopbackHost(address.host)) {
    throw new InspectorAddressError(`refusing inspector address ${address.host}: Session Lens attaches only to loopback addresses (127.0.0.1, ::1, localhost)`);
  }
  return address;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

export function formatAddress(address: InspectorAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

export interface InspectorTarget {
  webSocketDebuggerUrl: string;
  /** `node` for a Node process; `page`, `iframe`, `service_worker`, … for a browser's targets. */
  type?: string;
  /** The script the process runs (`file:///…/app.js`), when Node reports it. */
  url?: string;
  title?: string;
  id: string;
}

/** What answers on the port, for messages: a Node process's inspector, or a browser's remote debugging port. */
export type DebugEndpointKind = 'node' | 'browser';

const ENDPOINT_WORDS: Record<DebugEndpointKind, { name: string; start: string }> = {
  node: { name: 'a Node inspector', start: 'start the app with --inspect' },
  browser: { name: 'a browser debugging port', start: 'start the browser with --remote-debugging-port=PORT --user-data-dir=DIR; Chrome ignores the port on its default profile' },
};

/**
 * Asks the inspector's HTTP endpoint for its targets. Fails with one clear line when nothing listens,
 * when the port answers but is not an inspector, or when it points outside loopback.
 */
export async function listInspectorTargets(address: InspectorAddress, options: { timeoutMs?: number; kind?: DebugEndpointKind } = {}): Promise<InspectorTarget[]> {
  const where = formatAddress(address);
  const timeoutMs = options.timeoutMs ?? 3000;
  const words = ENDPOINT_WORDS[options.kind ?? 'node'];
  const { status, body } = await httpGet(address, '/json/list', timeoutMs, words);
  if (status !== 200) throw new InspectorAddressError(`${where} is not ${words.name}: /json/list answered HTTP ${status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InspectorAddressError(`${where} is not ${words.name}: /json/list did not answer JSON`);
  }
  if (!Array.isArray(parsed)) throw new InspectorAddressError(`${where} is not ${words.name}: /json/list did not answer a list of targets`);
  const targets: InspectorTarget[] = [];
  for (const entry of parsed as Record<string, unknown>[]) {
    if (!entry || typeof entry.webSocketDebuggerUrl !== 'string') continue;
    const ws = entry.webSocketDebuggerUrl;
    let host: string;
    try { host = new URL(ws).hostname; } catch { continue; }
    if (!isLoopbackHost(host)) continue;
    targets.push({ webSocketDebuggerUrl: ws, ...(typeof entry.type === 'string' ? { type: entry.type } : {}), url: typeof entry.url === 'string' ? entry.url : undefined, title: typeof entry.title === 'string' ? entry.title : undefined, id: String(entry.id ?? '') });
  }
  if (targets.length === 0) throw new InspectorAddressError(`${where} is not ${words.name}: /json/list names no loopback WebSocket target`);
  return targets;
}

/** The WebSocket URL of the Node process behind `address` (the first target). */
export async function resolveWebSocketUrl(address: InspectorAddress & { webSocketUrl?: string }, options: { timeoutMs?: number } = {}): Promise<string> {
  if (address.webSocketUrl) return address.webSocketUrl;
  return (await listInspectorTargets(address, options))[0].webSocketDebuggerUrl;
}

/** A small GET with a timeout (node:http, not fetch: fetch refuses some ports an inspector may use). */
function httpGet(address: InspectorAddress, path: string, timeoutMs: number, words: { name: string; start: string }): Promise<{ status: number; body: string }> {
  const where = formatAddress(address);
  return new Promise((resolve, reject) => {
    const req = request({ host: address.host, port: address.port, path, method: 'GET', timeout: timeoutMs, headers: { host: where } }, (res) => {
      let body = '';
      let size = 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        size += chunk.length;
        if (size > 1024 * 1024) { req.destroy(); reject(new InspectorAddressError(`${where} is not ${words.name}: /json/list answered more than 1 MB`)); return; }
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (err) => reject(new InspectorAddressError(`cannot read from ${where}: ${err.message}`)));
    });
    req.on('timeout', () => {
      req.destroy();
      reject(new InspectorAddressError(`no answer from ${where} within ${timeoutMs} ms: it is not ${words.name}, or the process is stuck`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') reject(new InspectorAddressError(`no ${words.name.replace(/^an? /, '')} at ${where}: nothing listens there (${words.start})`));
      else if (err.code === 'ECONNRESET') reject(new InspectorAddressError(`${where} closed the connection (the process may be exiting)`));
      else if (err.code?.startsWith('HPE_')) reject(new InspectorAddressError(`${where} is not ${words.name}: it does not answer HTTP`));
      else reject(new InspectorAddressError(`cannot reach ${where}: ${err.code ?? err.message}`));
    });
    req.end();
  });
}
