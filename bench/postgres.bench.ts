// PostgreSQL listing (connect-pg-simple's table): 100,000 sessions (quick: 10,000). Time to the first page and
// to the full listing through PgSessionSource, next to a baseline in the same run that reads the same rows with
// `pg` alone (one query, `pg` parsing the json column), measured alternately; the median of each.
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { seedPgSessions, startPostgres } from '../test/harness/postgres';
import { PgSessionSource } from '../src/core/postgres/pgSessionSource';
import { parsePostgresUrl } from '../src/core/postgres/target';
import { listAllSessions } from '../src/core/sessions/listAll';
import type { BenchOptions, BenchRow } from './types';

const PAGE = 200;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const sessions = options.quick ? 10_000 : 100_000;
  const pg = await startPostgres();
  const client = new Client({ connectionString: pg.url });
  try {
    await seedPgSessions(pg, { count: sessions });
    await pg.query('VACUUM ANALYZE session');
    await client.connect();
    const source = await PgSessionSource.connect({ id: 'bench', target: parsePostgresUrl(pg.url), writable: false });
    const baseline = async () => {
      const { rows } = await client.query('SELECT sid, sess, expire FROM session WHERE expire >= to_timestamp($1)', [Date.now() / 1000]);
      if (rows.length !== sessions) throw new Error(`baseline read ${rows.length} rows`);
    };
    const full = async () => {
      const { sessions: listed } = await listAllSessions(source);
      if (listed.length !== sessions) throw new Error(`listed ${listed.length} sessions`);
    };
    await baseline();
    await full();
    const runs = options.quick ? 3 : 5;
    const base: number[] = [];
    const ours: number[] = [];
    const first: number[] = [];
    for (let i = 0; i < runs; i++) {
      base.push(await timed(baseline));
      ours.push(await timed(full));
      first.push(await timed(() => source.list({ limit: PAGE })));
    }
    await source.close();
    const [b, o, f] = [median(base), median(ours), median(first)];
    return [
      { area: 'postgres', name: `full listing, ${sessions.toLocaleString('en')} sessions (connect-pg-simple table)`, value: Math.round(o), unit: 'ms',
        baseline: { name: 'pg alone, one SELECT of the same rows', value: Math.round(b) }, target: '<= 1.5x pg alone', met: o <= 1.5 * b },
      { area: 'postgres', name: `first page (${PAGE} sessions)`, value: Math.round(f * 10) / 10, unit: 'ms', target: '<= 100 ms', met: f <= 100 },
    ];
  } finally {
    await client.end().catch(() => {});
    await pg.stop();
  }
}
