// What `session-lens sessions --inspect HOST:PORT` prints: every session of the Node process's express-session
// stores (in memory, or any store through its own methods), with the same record shape as the Redis listing plus
// `store`, the store it comes from (`RedisStore#1`).
import type { SessionRecord } from '../sessions/types';
import { addressEndpoint } from './endpoint';
import { InspectorSessionSource } from './inspectorSource';

export interface ListInspectorOptions {
  /** Also scan the heap when no store is found by walking the app (pauses the app on large heaps). */
  heapScan?: boolean;
  /** Per-request timeout (ms); default 10000. */
  timeoutMs?: number;
}

export class NoStoreError extends Error {}

export async function listInspectorSessions(address: string, options: ListInspectorOptions = {}): Promise<{ sessions: SessionRecord[]; stores: string[] }> {
  const source = new InspectorSessionSource(addressEndpoint(address, { reconnect: false, timeoutMs: options.timeoutMs }), {
    heapScan: options.heapScan, pollMs: 0, requestTimeoutMs: options.timeoutMs,
  });
  try {
    await source.start();
    const discovery = source.discovery!;
    if (source.stores.length === 0) {
      throw new NoStoreError(`no express-session store found in the process at ${address} (walked ${discovery.apps} app(s), ${discovery.layers} middleware layer(s))${discovery.heapScan ? '' : '; retry with --heap-scan to search the whole heap (pauses the app)'}`);
    }
    return { sessions: await source.listAll(), stores: source.stores.map((s) => s.name) };
  } finally {
    await source.close();
  }
}
