import assert from 'node:assert/strict';
import { Listeners } from '../../src/core/listeners';

describe('Listeners', () => {
  it('calls every listener, survives one that throws, and removes a listener with the returned function', () => {
    const listeners = new Listeners<number>();
    const seen: string[] = [];
    const removeA = listeners.add((v) => seen.push(`a${v}`));
    listeners.add(() => { throw new Error('broken listener'); });
    listeners.add((v) => seen.push(`c${v}`));
    listeners.fire(1);
    removeA();
    listeners.fire(2);
    assert.deepEqual(seen, ['a1', 'c1', 'c2']);
    assert.equal(listeners.size, 2);
    listeners.clear();
    assert.equal(listeners.size, 0);
  });
});
