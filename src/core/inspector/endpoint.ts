// Endpoints of `InspectorSessionSource`: a Node process's `--inspect` address (rediscovered through
// `/json/list` after each restart, since the WebSocket id changes).
import { formatAddress, parseInspectorAddress, resolveWebSocketUrl } from './address';
import type { InspectorEndpoint } from './inspectorSource';

/** The endpoint of a process listening on an inspector address (`HOST:PORT` or `ws://…`); loopback only. */
export function addressEndpoint(text: string, options: { reconnect?: boolean; timeoutMs?: number } = {}): InspectorEndpoint {
  const address = parseInspectorAddress(text);
  return {
    description: formatAddress(address),
    reconnect: options.reconnect ?? true,
    // A ws:// URL given by hand is used as is the first time; after a restart its id is stale, so ask /json/list.
    resolve: (() => {
      let first = true;
      return async () => {
        if (first && address.webSocketUrl) { first = false; return address.webSocketUrl; }
        return resolveWebSocketUrl({ host: address.host, port: address.port }, { timeoutMs: options.timeoutMs });
      };
    })(),
  };
}
