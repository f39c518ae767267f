import assert from 'node:assert/strict';
import { PrefixViolationError, assertKeyInPrefix, guardedKey, matchPattern } from '../../../src/core/redis/prefixGuard';

describe('redis prefix guard', () => {
  it('builds keys under the prefix', () => {
    assert.equal(guardedKey('sess:', 'abc'), 'sess:abc');
    assert.equal(guardedKey('myapp:sess:', 'a.b-c_d'), 'myapp:sess:a.b-c_d');
  });

  it('refuses an empty prefix, an empty id and control characters', () => {
    assert.throws(() => guardedKey('', 'abc'), PrefixViolationError);
    assert.throws(() => guardedKey('sess:', ''), PrefixViolationError);
    assert.throws(() => guardedKey('sess:', 'a\r\nDEL x'), PrefixViolationError);
    assert.throws(() => guardedKey('sess:', undefined as unknown as string), PrefixViolationError);
  });

  it('checks keys that came from elsewhere', () => {
    assert.equal(assertKeyInPrefix('sess:', 'sess:x'), 'sess:x');
    for (const key of ['other', 'sess', 'sess:', 'SESS:x', 'xsess:y']) assert.throws(() => assertKeyInPrefix('sess:', key), PrefixViolationError, key);
  });

  it('escapes glob characters so SCAN matches only the prefix', () => {
    assert.equal(matchPattern('sess:'), 'sess:*');
    assert.equal(matchPattern('a*b?[c]\\'), 'a\\*b\\?\\[c\\]\\\\*');
  });
});
