// Redis listing: 100,000 sessions among 1,000,000 keys (quick: 10k among 100k). Time to the first page
// and to the full listing through RedisSessionSource, next to a baseline in the same run that does only a
// pipelined SCAN + MGET with ioredis; peak memory of the full listing.
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { startRedis } from '../test/harness/redis';
import { RedisSessionSource } from '../src/core/redis/redisSessionSource';
import { parseRedisUrl } from '../src/core/redis/url';
import { listAllSessions } from '../src/core/sessions/listAll';
import type { BenchOptions, BenchRow } from './types';

const PAGE = 200;

async function seed(client: Redis, sessions: number, otherKeys: number): Promise<void> {
  // Other keys first, fast, through DEBUG POPULATE; then realistic connect-redis values.
  await client.call('DEBUG', 'POPULATE', String(otherKeys), 'cache', '64');
  const expires = new Date(Date.now() + 86400_000).toISOString();
  for (let i = 0; i < sessions; i += 5000) {
    const p = client.pipeline();
    for (let j = i; j < Math.min(sessions, i + 5000); j++) {
      p.set(`sess:bench-${j.toString(36).padStart(8, '0')}-xxxxxxxxxxxxxxxxxxxx`, JSON.stringify({
        cookie: { originalMaxAge: 86400000, expires, httpOnly: true, path: '/', sameSite: 'lax' },
        user: { id: j, name: `user${j}`, email: `user${j}@example.test`, roles: ['user'] },
        loggedInAt: expires,
      }), 'EX', 86400);
    }
    await p.exec();
  }
}

async function baselineList(client: Redis, stopAfter = Number.POSITIVE_INFINITY): Promise<number> {
  let cursor = '0';
  let found = 0;
  const fetches: Promise<unknown>[] = [];
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', 'sess:*', 'COUNT', 1000);
    cursor = next;
    if (keys.length) { fetches.push(client.mget(keys)); found += keys.length; }
  } while (cursor !== '0' && found < stopAfter);
  await Promise.all(fetches);
  return found;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed<T>(body: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await body();
  return { ms: performance.now() - started, value };
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const sessions = options.quick ? 10_000 : 100_000;
  const total = options.quick ? 100_000 : 1_000_000;
  const redis = await startRedis({ args: ['--enable-debug-command', 'yes'] });
  const client = new Redis(redis.url);
  const source = await RedisSessionSource.connect({ id: 'bench', target: parseRedisUrl(redis.url), retry: false, writable: false });
  try {
    await seed(client, sessions, total - sessions);
    const runs = Number(process.env.BENCH_RUNS) || (options.quick ? 3 : 5);
    const firstPage: number[] = [];
    const firstBaseline: number[] = [];
    const full: number[] = [];
    const fullBaseline: number[] = [];
    let listed = 0;
    let peakHeap = 0;
    for (let i = 0; i < runs; i++) {
      firstBaseline.push((await timed(() => baselineList(client, PAGE))).ms);
      firstPage.push((await timed(() => source.list({ limit: PAGE }))).ms);
      fullBaseline.push((await timed(() => baselineList(client))).ms);
      const result = await timed(() => listAllSessions(source, { pageSize: 1000 }));
      full.push(result.ms);
      listed = result.value.sessions.length;
    }
    {
      // Peak memory in a listing of its own: sampling the heap slows what it measures, so it is not timed.
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let peak = heapBefore;
      const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 5);
      await listAllSessions(source, { pageSize: 1000 });
      clearInterval(sampler);
      peakHeap = Math.max(peak, process.memoryUsage().heapUsed) - heapBefore;
    }
    if (listed !== sessions) throw new Error(`listed ${listed} sessions, expected ${sessions}`);
    const fp = median(firstPage);
    const fl = median(full);
    const flBase = median(fullBaseline);
    const label = `${sessions.toLocaleString('en')} sessions among ${total.toLocaleString('en')} keys`;
    return [
      { area: 'redis', name: `first page (${PAGE}), ${label}`, value: Math.round(fp), unit: 'ms', baseline: { name: 'SCAN+MGET to 200 keys', value: Math.round(median(firstBaseline)) }, target: '< 100 ms', met: fp < 100 },
      { area: 'redis', name: `full listing, ${label}`, value: Math.round(fl), unit: 'ms', baseline: { name: 'pipelined SCAN+MGET (ioredis)', value: Math.round(flBase) }, target: '<= 1.5x baseline', met: fl <= 1.5 * flBase },
      { area: 'redis', name: `peak heap growth during the full listing, ${label}`, value: Math.round(peakHeap / 1024 / 1024), unit: 'MB' },
    ];
  } finally {
    await source.close();
    client.disconnect();
    await redis.stop();
  }
}
