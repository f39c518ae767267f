import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import type { ListPage, SessionChange, SessionRecord, SessionSource, SourceState } from '../../../src/core/sessions/types';
import { Listeners } from '../../../src/core/listeners';

const rec = (id: string, user: string | null = null, data: unknown = { n: id }): SessionRecord =>
  ({ id, key: `sess:${id}`, ttl: 60, expiresAt: null, user, data });

/** An in-memory store: pages by position, records its calls, and emits changes and states on demand. */
class FakeSource implements SessionSource {
  readonly kind = 'redis' as const;
  readonly writable = true;
  readonly label: string;
  state: SourceState = { kind: 'connected' };
  records: SessionRecord[];
  readonly listCalls: { cursor?: string; limit: number }[] = [];
  readonly getCalls: string[] = [];
  /** Makes the next list() calls fail with this error. */
  failWith: Error | undefined;
  /** When set, list() waits for this before answering. */
  gate: Promise<void> | undefined;
  private readonly changeListeners = new Listeners<SessionChange[]>();
  private readonly stateListeners = new Listeners<SourceState>();

  constructor(readonly id: string, records: SessionRecord[]) {
    this.label = id;
    this.records = records;
  }

  async list(options: { cursor?: string; limit: number }): Promise<ListPage> {
    this.listCalls.push(options);
    const gate = this.gate;
    if (gate) await gate;
    if (this.failWith) throw this.failWith;
    const start = options.cursor ? Number(options.cursor) : 0;
    const end = start + options.limit;
    return { sessions: this.records.slice(start, end), ...(end < this.records.length ? { cursor: String(end) } : {}) };
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    this.getCalls.push(id);
    const r = this.records.find((x) => x.id === id);
    return r ? { ...r, value: JSON.stringify(r.data) } : undefined;
  }

  async set(): Promise<void> {}
  async destroy(): Promise<boolean> { return true; }
  async extend(): Promise<void> {}
  async close(): Promise<void> {}

  onChange(listener: (changes: SessionChange[]) => void): () => void {
    return this.changeListeners.add(listener);
  }

  onStateChange(listener: (state: SourceState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  emit(changes: SessionChange[]): void { this.changeListeners.fire(changes); }
  setState(state: SourceState): void { this.state = state; this.stateListeners.fire(state); }
  get listenerCount(): number { return this.changeListeners.size + this.stateListeners.size; }
}

/** Resolves once `predicate` holds, checked now and at each (coalesced) notification; without one, at the next notification. */
function changed(model: SessionsModel, predicate?: () => boolean, timeoutMs = 2000): Promise<void> {
  if (predicate?.()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error('timed out waiting for the model')); }, timeoutMs);
    const stop = model.onDidChange(() => {
      if (predicate && !predicate()) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** Runs every microtask the fake sources queued (they use no timers and no I/O). */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

const ids = (model: SessionsModel, sourceId: string) => model.snapshot(sourceId).sessions.map((r) => r.id);
const many = (n: number, user: (i: number) => string | null = () => null) => Array.from({ length: n }, (_, i) => rec(`s${i}`, user(i)));

describe('SessionsModel', () => {
  let model: SessionsModel;
  afterEach(() => model?.dispose());

  describe('paging', () => {
    it('loads the first page of a new source, then "load more" appends pages until the end', async () => {
      const source = new FakeSource('a', many(5));
      model = new SessionsModel({ pageSize: 2, notifyDelayMs: 1 });
      model.setSources([source]);
      await changed(model, () => !model.snapshot('a').loading && ids(model, 'a').length > 0);
      assert.deepEqual(ids(model, 'a'), ['s0', 's1']);
      assert.equal(model.snapshot('a').hasMore, true);
      assert.deepEqual(model.counts(), { loaded: 2, shown: 2, more: true });

      await model.loadMore('a');
      assert.deepEqual(ids(model, 'a'), ['s0', 's1', 's2', 's3']);
      await model.loadMore('a');
      assert.deepEqual(ids(model, 'a'), ['s0', 's1', 's2', 's3', 's4']);
      assert.equal(model.snapshot('a').hasMore, false);
      assert.deepEqual(model.counts(), { loaded: 5, shown: 5, more: false });
      assert.deepEqual(source.listCalls, [{ limit: 2 }, { cursor: '2', limit: 2 }, { cursor: '4', limit: 2 }]);

      // Nothing left to load: no call.
      await model.loadMore('a');
      assert.equal(source.listCalls.length, 3);
    });

    it('ignores "load more" while a page is loading, and keeps a session SCAN reports twice once', async () => {
      const source = new FakeSource('a', many(4));
      model = new SessionsModel({ pageSize: 2, notifyDelayMs: 1 });
      model.setSources([source]);
      await model.refresh('a');
      let release!: () => void;
      source.gate = new Promise((r) => { release = r; });
      const first = model.loadMore('a');
      const second = model.loadMore('a');
      assert.equal(model.snapshot('a').loading, true);
      source.gate = undefined;
      release();
      await Promise.all([first, second]);
      assert.equal(source.listCalls.filter((c) => c.cursor === '2').length, 1, 'one page request');
      // A duplicate in a later page replaces the earlier record, it does not add a second one.
      source.records = [...source.records, rec('s0', 'again')];
      await model.refresh('a');
      await model.loadMore('a');
      await model.loadMore('a');
      assert.deepEqual(ids(model, 'a'), ['s0', 's1', 's2', 's3']);
      assert.equal(model.find('s0')?.record.user, 'again');
    });

    it('starts over from the first page when the cursor went stale (a reconnection)', async () => {
      const source = new FakeSource('a', many(6));
      model = new SessionsModel({ pageSize: 2, notifyDelayMs: 1 });
      model.setSources([source]);
      await model.refresh('a');
      await model.loadMore('a');
      source.failWith = Object.assign(new Error('stale'), { name: 'StaleCursorError' });
      const failing = source.list.bind(source);
      source.list = async (options) => {
        if (options.cursor) return failing(options);
        source.failWith = undefined;
        return failing(options);
      };
      await model.loadMore('a');
      assert.deepEqual(source.listCalls.slice(-2), [{ cursor: '4', limit: 2 }, { limit: 2 }]);
      assert.deepEqual(ids(model, 'a'), ['s0', 's1'], 'back to the first page');
      assert.equal(model.snapshot('a').error, undefined);
    });

    it('keeps only the newest refresh when an older one answers late', async () => {
      const source = new FakeSource('a', [rec('old')]);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1 });
      let release!: () => void;
      source.gate = new Promise((r) => { release = r; });
      model.setSources([source]);
      const slow = model.refresh('a'); // the refresh started by setSources is also held
      source.gate = undefined;
      source.records = [rec('new')];
      await model.refresh('a');
      assert.deepEqual(ids(model, 'a'), ['new']);
      source.records = [rec('old')];
      release();
      await slow;
      assert.deepEqual(ids(model, 'a'), ['new'], 'the late answer is dropped');
      assert.equal(model.snapshot('a').loading, false);
    });

    it('shows a listing error with a one-line message, and loads again when the source reconnects', async () => {
      const source = new FakeSource('a', many(3));
      const errors: string[] = [];
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1, onError: (id, err) => errors.push(`${id}: ${(err as Error).message}`) });
      source.failWith = new Error('Redis is not connected: refused\nstack line');
      model.setSources([source]);
      await changed(model, () => model.snapshot('a').error !== undefined);
      assert.equal(model.snapshot('a').error, 'Redis is not connected: refused');
      assert.deepEqual(errors, ['a: Redis is not connected: refused\nstack line']);
      source.failWith = undefined;
      source.setState({ kind: 'disconnected', reason: 'down', retrying: true });
      assert.equal(model.snapshot('a').state.kind, 'disconnected');
      source.setState({ kind: 'connected' });
      await changed(model, () => ids(model, 'a').length === 3);
      assert.equal(model.snapshot('a').error, undefined);
    });
  });

  describe('filter', () => {
    const records = [
      rec('abc123', 'alice@example.test', { user: { email: 'alice@example.test' }, cart: ['Blue Widget'] }),
      rec('def456', 'bob', { user: { name: 'bob' }, role: 'admin' }),
      rec('ghi789', null, { views: 3 }),
      { ...rec('bin000', null, null), raw: 'binary value: hex cafe' },
    ];

    it('matches the sid, the user or any field text, case-insensitively, and counts what it shows', async () => {
      const source = new FakeSource('a', records);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1 });
      model.setSources([source]);
      await model.refresh();
      const shown = (text: string) => { model.setFilter(text); return ids(model, 'a'); };
      assert.deepEqual(shown('DEF4'), ['def456'], 'part of a sid');
      assert.deepEqual(shown('Alice'), ['abc123'], 'the user');
      assert.deepEqual(shown('blue widget'), ['abc123'], 'a field value');
      assert.deepEqual(shown('"role"'), ['def456'], 'a field name in the JSON text');
      assert.deepEqual(shown('hex cafe'), ['bin000'], 'the raw text of a value that is not JSON');
      assert.deepEqual(shown('nothing-like-this'), []);
      assert.deepEqual(model.counts(), { loaded: 4, shown: 0, more: false });
      model.setFilter('  bob  ');
      assert.equal(model.filter, 'bob', 'trimmed');
      assert.deepEqual(model.counts(), { loaded: 4, shown: 1, more: false });
      assert.deepEqual(shown(''), ['abc123', 'def456', 'ghi789', 'bin000']);
    });

    it('applies across sources and tells listeners once', async () => {
      const a = new FakeSource('a', [rec('a1', 'alice')]);
      const b = new FakeSource('b', [rec('b1', 'alice'), rec('b2', 'carol')]);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 5 });
      model.setSources([a, b]);
      await model.refresh();
      await changed(model);
      let calls = 0;
      model.onDidChange(() => calls++);
      model.setFilter('ali');
      model.setFilter('alic');
      model.setFilter('alice');
      await changed(model);
      assert.equal(calls, 1, 'three filter changes, one notification');
      assert.deepEqual(model.counts(), { loaded: 3, shown: 2, more: false });
      assert.deepEqual(model.snapshots().map((s) => s.sessions.map((r) => r.id)), [['a1'], ['b1']]);
    });
  });

  describe('group by user', () => {
    it('groups the shown sessions by user in alphabetical order, with anonymous ones apart', async () => {
      const source = new FakeSource('a', [rec('1', 'zoe'), rec('2', null), rec('3', 'adam'), rec('4', 'zoe'), rec('5', null), rec('6', 'Max')]);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1 });
      model.setSources([source]);
      await model.refresh();
      const { users, anonymous } = model.groups('a');
      assert.deepEqual(users.map((g) => [g.user, g.sessions.map((r) => r.id)]), [['adam', ['3']], ['Max', ['6']], ['zoe', ['1', '4']]]);
      assert.deepEqual(anonymous.map((r) => r.id), ['2', '5']);
      assert.deepEqual(model.sessionsOfUser('a', 'zoe').map((r) => r.id), ['1', '4']);

      model.setFilter('zoe');
      assert.deepEqual(model.groups('a'), { users: [{ user: 'zoe', sessions: [model.find('1')!.record, model.find('4')!.record] }], anonymous: [] });
      assert.deepEqual(model.groups('unknown'), { users: [], anonymous: [] });
    });
  });

  describe('live changes', () => {
    it('refetches set sessions, drops destroyed and expired ones, and marks what changed', async () => {
      const source = new FakeSource('a', [rec('keep'), rec('gone'), rec('old'), rec('edit', 'x')]);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1 });
      model.setSources([source]);
      await model.refresh();
      const listsBefore = source.listCalls.length;
      source.records = [rec('keep'), rec('edit', 'edited'), rec('added', 'new')];
      source.emit([{ kind: 'destroy', id: 'gone' }, { kind: 'expire', id: 'old' }, { kind: 'set', id: 'edit' }, { kind: 'set', id: 'added' }, { kind: 'touch', id: 'vanished' }]);
      await changed(model, () => model.snapshot('a').changed.size > 0);
      assert.deepEqual(ids(model, 'a'), ['keep', 'edit', 'added']);
      assert.equal(model.find('edit')?.record.user, 'edited');
      assert.deepEqual([...model.snapshot('a').changed].sort(), ['added', 'edit', 'vanished']);
      assert.equal(model.find('added')?.record.value, undefined, 'the stored text is not kept in the tree');
      assert.deepEqual(source.getCalls.sort(), ['added', 'edit', 'vanished']);
      assert.equal(source.listCalls.length, listsBefore, 'no full reload for a few changes');
    });

    it('reloads the source instead of fetching each session for a burst or a reset', async () => {
      const source = new FakeSource('a', many(3));
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1, maxIncrementalChanges: 5 });
      model.setSources([source]);
      await model.refresh();
      const listsBefore = source.listCalls.length;
      source.records = many(8);
      source.emit(many(8).map((r) => ({ kind: 'set' as const, id: r.id })));
      await changed(model, () => ids(model, 'a').length === 8);
      assert.equal(source.listCalls.length, listsBefore + 1, 'one listing');
      assert.equal(source.getCalls.length, 0, 'no per-session fetch');

      source.records = [rec('only')];
      source.emit([{ kind: 'reset' }]);
      await changed(model, () => ids(model, 'a').join() === 'only');
      assert.equal(source.getCalls.length, 0);
    });

    it('coalesces a burst of changes into one notification per window', async () => {
      // A fake clock: the notification window is stepped through, not waited for.
      mock.timers.enable({ apis: ['setTimeout'] });
      try {
        const source = new FakeSource('a', []);
        model = new SessionsModel({ pageSize: 10, notifyDelayMs: 40 });
        model.setSources([source]);
        await model.refresh();
        await drained();
        mock.timers.tick(40);
        let calls = 0;
        model.onDidChange(() => calls++);
        for (let i = 0; i < 20; i++) {
          source.records.push(rec(`n${i}`));
          source.emit([{ kind: 'set', id: `n${i}` }]);
        }
        await drained();
        assert.equal(ids(model, 'a').length, 20, 'all 20 applied');
        assert.equal(calls, 0, 'nothing announced before the window ends');
        mock.timers.tick(39);
        assert.equal(calls, 0, 'nothing announced before the window ends');
        mock.timers.tick(1);
        assert.equal(calls, 1, 'one notification for the burst');
        await drained();
        mock.timers.tick(1000);
        assert.equal(calls, 1, 'and no more after it');
      } finally {
        mock.timers.reset();
      }
    });

    it('applies an action at once with forget and reload', async () => {
      const source = new FakeSource('a', [rec('x', 'u'), rec('y')]);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1 });
      model.setSources([source]);
      await model.refresh();
      model.forget('a', 'x');
      assert.deepEqual(ids(model, 'a'), ['y']);
      source.records = [rec('y', 'now-known')];
      await model.reload('a', 'y');
      assert.equal(model.find('y')?.record.user, 'now-known');
      source.records = [];
      await model.reload('a', 'y');
      assert.deepEqual(ids(model, 'a'), []);
    });
  });

  describe('sources', () => {
    it('finds a session that is not loaded by asking each source, skipping one that fails', async () => {
      const broken = new FakeSource('broken', []);
      broken.get = async () => { throw new Error('down'); };
      const source = new FakeSource('a', many(5));
      model = new SessionsModel({ pageSize: 2, notifyDelayMs: 1 });
      model.setSources([broken, source]);
      await model.refresh();
      assert.equal(model.find('s4'), undefined);
      const found = await model.reveal('s4');
      assert.equal(found?.sourceId, 'a');
      assert.equal(model.find('s4', 'a')?.record.id, 's4', 'added to the loaded sessions');
      assert.equal(model.find('s4', 'broken'), undefined);
      assert.equal(await model.reveal('nope'), undefined);
      assert.deepEqual(model.counts(), { loaded: 3, shown: 3, more: true });
    });

    it('follows the registry: a removed source stops being listened to, a replaced one is reloaded', async () => {
      const a = new FakeSource('a', [rec('1')]);
      const b = new FakeSource('b', [rec('2')]);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1 });
      model.setSources([a, b]);
      await model.refresh();
      assert.equal(a.listenerCount, 2);
      model.setSources([b]);
      assert.equal(a.listenerCount, 0, 'unsubscribed');
      assert.deepEqual(model.snapshots().map((s) => s.source.id), ['b']);
      assert.throws(() => model.snapshot('a'), /unknown source/);
      const b2 = new FakeSource('b', [rec('3')]);
      model.setSources([b2]);
      assert.equal(b.listenerCount, 0, 'the replaced instance is dropped');
      await changed(model, () => ids(model, 'b').join() === '3');
    });

    it('stops notifying after dispose', async () => {
      const source = new FakeSource('a', [rec('1')]);
      model = new SessionsModel({ pageSize: 10, notifyDelayMs: 1 });
      let calls = 0;
      model.onDidChange(() => calls++);
      mock.timers.enable({ apis: ['setTimeout'] });
      try {
        model.setSources([source]);
        model.dispose();
        // The first listing (started by setSources) ends after dispose, and every window passes.
        await drained();
        assert.equal(source.listCalls.length, 1, 'the listing ran');
        mock.timers.tick(1000);
        assert.equal(calls, 0);
        assert.equal(source.listenerCount, 0);
      } finally {
        mock.timers.reset();
      }
    });
  });
});
