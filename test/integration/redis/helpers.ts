// Shared by the Redis integration tests: waiting on a source's events, and snapshots of keys outside
// the prefix (which no action may ever touch).
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import type { SessionChange, SessionSource, SourceState } from '../../../src/core/sessions/types';

export function nextChange(source: SessionSource, predicate: (changes: SessionChange[]) => boolean, timeoutMs = 10_000, what = 'a change'): Promise<SessionChange[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const stop = source.onChange((changes) => {
      if (!predicate(changes)) return;
      clearTimeout(timer);
      stop();
      resolve(changes);
    });
  });
}

export function stateReached(source: SessionSource, kind: SourceState['kind'], timeoutMs = 15_000): Promise<SourceState> {
  if (source.state.kind === kind) return Promise.resolve(source.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`timed out waiting for state ${kind} (now ${JSON.stringify(source.state)})`)); }, timeoutMs);
    const stop = source.onStateChange((state) => {
      if (state.kind !== kind) return;
      clearTimeout(timer);
      stop();
      resolve(state);
    });
  });
}

/** Seeds keys outside the prefix (and look-alikes) and returns a checker that they are untouched. */
export async function seedForeignKeys(client: Redis): Promise<() => Promise<void>> {
  const keys = ['other:1', 'sess', 'SESS:x', 'xsess:y', 'session:z', 'cache:sess:abc'];
  for (const k of keys) await client.set(k, `value-of-${k}`, 'EX', 100_000);
  await client.hset('profile:1', 'name', 'kept');
  await client.set('sess-no-colon', 'kept');
  return async () => {
    for (const k of keys) {
      assert.equal(await client.get(k), `value-of-${k}`, `${k} is untouched`);
      const ttl = await client.ttl(k);
      assert.ok(ttl > 99_000, `${k} keeps its TTL (${ttl})`);
    }
    assert.equal(await client.hget('profile:1', 'name'), 'kept');
    assert.equal(await client.get('sess-no-colon'), 'kept');
  };
}

/** Fails the current test when a promise rejection goes unhandled while `body` runs. */
export async function failOnUnhandledRejection<T>(body: () => Promise<T>): Promise<T> {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => { seen.push(reason); };
  process.on('unhandledRejection', onRejection);
  try {
    const result = await body();
    // Node reports a rejection left unhandled once the microtasks of the turn that made it have run.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen.map(String), [], 'no unhandled promise rejections');
    return result;
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

/**
 * Polls `condition` until it holds (for state no event announces), every `everyMs`; fails after `timeoutMs`.
 * A condition that is true at once returns at once.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
