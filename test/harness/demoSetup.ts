// The setup `npm run demo` gives a new user, shared with the journey suite so that the journey walks exactly
// what the README promises: the fixture dev server (connect-redis on a private redis-server when one is
// installed, else the MemoryStore with an inspector port), a few browsers logged in, and a copy of the
// fixture workspace with the plain `.env` a real project has beside its other env files.
import { cpSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDevServer, type DevServer } from './devServer';
import { requireRedisServer, startRedis, type RedisServer } from './redis';

const root = resolve(__dirname, '../..');

/** The demo app's signing secret; it is written to the workspace's plain `.env` only. */
export const DEMO_SECRET = 'demo-secret-change-me-0123456789abcdef';

export interface DemoSetup {
  readonly app: DevServer;
  readonly redis: RedisServer | undefined;
  /** The workspace folder to open: the fixture workspace plus `.env`. */
  readonly workspace: string;
  /** Stops the app and the redis-server, newest first; safe to call twice. */
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** A folder the workspace is created in (the caller removes it). */
  dir: string;
  /** 'redis' fails when redis-server is missing; 'auto' (the demo's) falls back to the in-memory store. */
  store?: 'auto' | 'redis' | 'memory';
  /** Called with a line for the user when the store falls back. */
  onNotice?: (line: string) => void;
}

export async function startDemo(options: DemoOptions): Promise<DemoSetup> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => { for (const s of stops.splice(0).reverse()) await s().catch(() => {}); };
  try {
    let redis: RedisServer | undefined;
    const wanted = options.store ?? 'auto';
    if (wanted !== 'memory') {
      try {
        requireRedisServer();
        redis = await startRedis({ args: ['--notify-keyspace-events', 'KEA'] });
        stops.push(() => redis!.stop());
      } catch (err) {
        if (wanted === 'redis') throw err;
        options.onNotice?.(`no redis-server (${(err as Error).message}); using the in-memory store`);
      }
    }
    const app = await startDevServer(redis
      ? { store: 'redis', redisUrl: redis.url, secret: DEMO_SECRET }
      : { store: 'memory', inspect: true, secret: DEMO_SECRET });
    stops.push(() => app.stop());

    for (const user of ['alice', 'bob', 'carol']) await app.browser().get(`/login?user=${user}`);
    await app.browser().get('/login?user=alice');
    await app.browser().get('/count');

    // The fixture workspace keeps a `.env.development` with another secret: the plain `.env` must be read
    // beside it, as in most projects.
    const workspace = join(options.dir, 'workspace');
    cpSync(join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
    writeFileSync(join(workspace, '.env'), [
      `SESSION_SECRET=${DEMO_SECRET}`,
      ...(redis ? [`REDIS_URL=${redis.url}`] : []),
      `APP_URL=${app.url}`,
      '',
    ].join('\n'));
    return { app, redis, workspace, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
