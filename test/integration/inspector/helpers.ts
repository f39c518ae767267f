// Helpers of the in-process store tests: the fixture variants (ESM, bundled), raw CDP clients, bulk sessions.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { CdpClient } from '../../../src/core/inspector/cdpClient';
import { resolveWebSocketUrl, parseInspectorAddress } from '../../../src/core/inspector/address';
import { discoverStores } from '../../../src/core/inspector/storeDiscovery';

export const FIXTURES = resolve(__dirname, '../../fixtures/dev-server');
export const ESM_APP = join(FIXTURES, 'app-esm.mjs');

let bundled: string | undefined;
/** The bundled, minified variant of the fixture app (built once per run into a temporary folder). */
export async function bundledApp(): Promise<string> {
  if (bundled) return bundled;
  const outfile = join(mkdtempSync(join(tmpdir(), 'session-lens-bundle-')), 'server.min.js');
  await esbuild.build({
    entryPoints: [join(FIXTURES, 'app-bundle-entry.js')],
    outfile, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent',
  });
  bundled = outfile;
  return outfile;
}

/** A raw CDP connection to the process at `address` (for test setup that the product must not do). */
export async function rawClient(address: string): Promise<CdpClient> {
  return CdpClient.connect(await resolveWebSocketUrl(parseInspectorAddress(address)));
}

/** Adds `count` MemoryStore sessions directly to the first store of the process (fast bulk setup). */
export async function addBulkSessions(address: string, count: number, valueBytes = 200): Promise<void> {
  const client = await rawClient(address);
  try {
    const { stores } = await discoverStores(client);
    if (stores.length === 0) throw new Error('no store to fill');
    await client.send('Runtime.callFunctionOn', {
      objectId: stores[0].objectId,
      functionDeclaration: `function (kind, count, pad) {
        const expires = new Date(Date.now() + 3600e3).toISOString();
        for (let i = 0; i < count; i++) {
          const id = 'bulk' + String(i).padStart(8, '0') + 'xxxxxxxxxxxxxxxxxxxxxxxx';
          const value = JSON.stringify({ cookie: { originalMaxAge: 3600e3, expires, httpOnly: true, path: '/' }, user: { id: i, email: 'user' + i + '@example.test' }, pad: 'x'.repeat(pad) });
          if (kind === 'memory') this.sessions[id] = value; else this.store.set(id, value, 3600e3);
        }
      }`,
      arguments: [{ value: stores[0].kind }, { value: count }, { value: valueBytes }],
    }, { timeoutMs: 60_000 });
  } finally {
    await client.close();
  }
}

/** Fails the current test file when a promise rejection goes unhandled. */
export function trackUnhandledRejections(): { check(): void; dispose(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => { seen.push(reason); };
  process.on('unhandledRejection', listener);
  return {
    check() { if (seen.length > 0) throw new Error(`unhandled rejection: ${String((seen[0] as Error)?.stack ?? seen[0])}`); },
    dispose() { process.off('unhandledRejection', listener); },
  };
}
