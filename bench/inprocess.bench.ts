// Reading the app's store through the inspector at 10,000 sessions (2,000 with --quick): the in-memory stores
// and connect-pg-simple (through its own methods inside the app): discovery, ids-only refresh, full listing,
// and the longest event-loop stall the listing causes inside the app, measured in the app with
// perf_hooks.monitorEventLoopDelay. Baselines: a bare CDP round trip, and the stall of an idle window.
import { CdpClient } from '../src/core/inspector/cdpClient';
import { addressEndpoint } from '../src/core/inspector/endpoint';
import { InspectorSessionSource } from '../src/core/inspector/inspectorSource';
import { discoverStores } from '../src/core/inspector/storeDiscovery';
import { addBulkSessions, rawClient } from '../test/integration/inspector/helpers';
import { startDevServer, type DevServer } from '../test/harness/devServer';
import { seedPgSessions, startPostgres, type PostgresServer } from '../test/harness/postgres';
import type { BenchOptions, BenchRow } from './types';

const AREA = 'inprocess';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Starts an event-loop delay histogram inside the app; `read()` returns its max (ms) and resets it. */
async function loopMonitor(client: CdpClient): Promise<{ read(): Promise<number> }> {
  await client.send('Runtime.evaluate', {
    expression: `(() => {
      const ph = (process.getBuiltinModule ? process.getBuiltinModule('perf_hooks') : require('perf_hooks'));
      const h = ph.monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      globalThis.__sessionLensBenchLoop = h;
    })()`,
    includeCommandLineAPI: true,
  });
  return {
    async read() {
      // Let the histogram record the loop turn that follows the work.
      await new Promise((r) => setTimeout(r, 30));
      const { result } = await client.send('Runtime.evaluate', {
        expression: '(() => { const h = globalThis.__sessionLensBenchLoop; const max = h.max / 1e6; h.reset(); return max; })()',
        returnByValue: true,
      });
      return result.value as number;
    },
  };
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const count = options.quick ? 2000 : 10_000;
  const runs = options.quick ? 3 : 7;
  const rows: BenchRow[] = [];
  let pg: PostgresServer | undefined;
  const variants: { store: string; start(): Promise<DevServer> }[] = [
    ...(['memory', 'memorystore'] as const).map((store) => ({
      store,
      async start() {
        const app = await startDevServer({ inspect: true, store });
        await app.browser().get('/login?user=alice');
        await addBulkSessions(app.inspectorAddress!, count - 1, 200);
        return app;
      },
    })),
    {
      store: 'connect-pg-simple through the app',
      async start() {
        pg = await startPostgres();
        await seedPgSessions(pg, { count: count - 1 });
        const app = await startDevServer({ inspect: true, store: 'pg', databaseUrl: pg.url });
        await app.browser().get('/login?user=alice');
        return app;
      },
    },
  ];
  for (const { store, start } of variants) {
    const app = await start();
    const monitorClient = await rawClient(app.inspectorAddress!);
    const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0 });
    try {
      const monitor = await loopMonitor(monitorClient);
      const name = (what: string) => `${store}: ${what} (${count} sessions)`;

      const roundTrips: number[] = [];
      for (let i = 0; i < runs; i++) roundTrips.push(await timed(() => monitorClient.send('Runtime.evaluate', { expression: '1', returnByValue: true })));
      const baseline = { name: 'CDP round trip', value: median(roundTrips) };

      const discovery: number[] = [];
      for (let i = 0; i < runs; i++) discovery.push(await timed(() => discoverStores(monitorClient)));
      rows.push({ area: AREA, name: name('store discovery'), value: median(discovery), unit: 'ms', baseline });

      await source.start();
      const ids: number[] = [];
      for (let i = 0; i < runs; i++) ids.push(await timed(() => source.listIds()));
      const idsMs = median(ids);
      rows.push({ area: AREA, name: name('ids-only refresh'), value: idsMs, unit: 'ms', baseline, target: '< 50 ms', met: idsMs < 50 });

      await monitor.read();
      const idle = await monitor.read();
      const full: number[] = [];
      const stalls: number[] = [];
      for (let i = 0; i < runs; i++) {
        await monitor.read();
        full.push(await timed(() => source.listAll()));
        stalls.push(await monitor.read());
      }
      rows.push({ area: AREA, name: name('full listing'), value: median(full), unit: 'ms', baseline });
      const stall = Math.max(...stalls);
      rows.push({ area: AREA, name: name('longest event-loop stall in the app during a full listing'), value: stall, unit: 'ms', baseline: { name: 'idle window', value: idle }, target: '< 100 ms', met: stall < 100 });

      const pageStalls: number[] = [];
      for (let i = 0; i < runs; i++) {
        await monitor.read();
        await source.list({ limit: 100 });
        pageStalls.push(await monitor.read());
      }
      rows.push({ area: AREA, name: name('longest stall for one page of 100 (what the view loads)'), value: Math.max(...pageStalls), unit: 'ms', baseline: { name: 'idle window', value: idle }, target: '< 100 ms', met: Math.max(...pageStalls) < 100 });
    } finally {
      await source.close();
      await monitorClient.close();
      await app.stop();
      await pg?.stop();
      pg = undefined;
    }
  }
  return rows;
}
