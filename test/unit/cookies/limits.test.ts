// Guards against slow or oversize input (issue 8): size and count caps with one-line reasons, linear-time
// .env reading that agrees with dotenv, and the "another secret may verify this" flag.
import assert from 'node:assert/strict';
import { parse } from 'dotenv';
import { performance } from 'node:perf_hooks';
import { decodeCookies } from '../../../src/core/cookies/decode';
import { MAX_COOKIES, MAX_INPUT_CHARS, parseCookieInput } from '../../../src/core/cookies/input';
import { isSecretVariable, secretAssignments, secretsFromEnvText } from '../../../src/core/secrets/envSecrets';
import { saltBytes } from '../../../src/core/secrets/secret';
import { vectors } from './vectors.test';

/** What dotenv itself reads from the whole text, restricted to secret names (the reference). */
function dotenvSecrets(text: string): [string, string][] {
  return Object.entries(parse(text)).filter(([k, v]) => isSecretVariable(k) && v !== '');
}

describe('cookie decoder limits', () => {
  it('refuses input over 64 KiB before any parsing, in one line', () => {
    const r = parseCookieInput(`a=${'x'.repeat(MAX_INPUT_CHARS)}`);
    assert.ok('error' in r);
    assert.match(r.error, /too long .*64 KiB/);
    assert.ok(!r.error.includes('\n'));
  });

  it('refuses more than 200 cookies at once instead of decoding each', async () => {
    const many = Array.from({ length: MAX_COOKIES + 1 }, (_, i) => `c${i}=v`).join('; ');
    const r = await decodeCookies(many);
    assert.ok('error' in r);
    assert.match(r.error, /201 cookies; at most 200/);
    const ok = await decodeCookies(Array.from({ length: MAX_COOKIES }, (_, i) => `c${i}=v`).join('; '));
    assert.ok(!('error' in ok) && ok.cookies.length === MAX_COOKIES);
  });

  it('keeps warnings on one line when the input has control characters', () => {
    const r = parseCookieInput('a\tb\r\u2028c\n');
    const warnings = 'error' in r ? [r.error] : r.warnings;
    for (const w of warnings) assert.ok(!/[\r\n\u2028]/.test(w), JSON.stringify(w));
  });

  it('reads .env files in linear time where dotenv on the whole text is quadratic', () => {
    const text = `SESSION_SECRET=first\nexport SECRET_${'\n'.repeat(60_000)}#\nK='${"\nK='".repeat(5000)}`;
    const started = performance.now();
    const found = secretsFromEnvText(text, '.env');
    const ms = performance.now() - started;
    assert.deepEqual(found.map((s) => s.value), ['first']);
    // A generous bound (shared CI machines): dotenv over this text takes seconds.
    assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
  });

  it('agrees with dotenv on quoted, multi-line, escaped, exported and commented values', () => {
    const cases = [
      'SESSION_SECRET="keyboard cat" # comment\nAUTH_SECRET=plain value   \n',
      'A="multi\nSESSION_SECRET=inside-another-value\n"\nCOOKIE_SECRET=outside',
      'SESSION_SECRET="line1\nline2"\nJWT_SECRET: colon-form # c',
      "SESSION_SECRET='it\\'s'\nexport NEXTAUTH_SECRET=`back\\`tick`",
      'SESSION_SECRET="unclosed\nAUTH_SECRET=after-an-unclosed-quote',
      'SESSION_SECRET="closes" then text\nAUTH_SECRET=x',
      'SESSION_SECRET="esc\\" at the end\\"\nAUTH_SECRET=y',
      'SESSION_SECRET=one\nSESSION_SECRET=two\nAUTH_SECRET=z',
      '\uFEFFSESSION_SECRET=bom\r\nAUTH_SECRET=crlf\r\n',
    ];
    for (const text of cases) {
      const mine = secretsFromEnvText(text, 'f').map((s) => [s.variable, s.value]);
      assert.deepEqual(mine, dotenvSecrets(text), JSON.stringify(text));
    }
    assert.deepEqual(secretAssignments('A="x\nSESSION_SECRET=no\n"\nSESSION_SECRET=yes'), ['SESSION_SECRET=yes']);
  });

  it('takes a 16-byte salt as ASCII, hex: or base64:', () => {
    assert.deepEqual(saltBytes('app-salt-16bytes'), { bytes: Buffer.from('app-salt-16bytes') });
    assert.deepEqual(saltBytes(`hex:${'ab'.repeat(16)}`), { bytes: Buffer.alloc(16, 0xab) });
    assert.ok('error' in saltBytes('short'));
    assert.ok('error' in saltBytes('hex:abc'));
  });

  it('flags a well-formed signed cookie that no secret verified, and not a broken or unsigned one', async () => {
    const flag = async (id: string, secrets: string[]) => {
      const v = vectors.find((x) => x.id === id)!;
      const r = await decodeCookies(v.input, { secrets: secrets.map((value, i) => ({ label: `#${i}`, value })), nowMs: v.now * 1000 });
      assert.ok(!('error' in r));
      return r.cookies[0].secretMayHelp;
    };
    assert.equal(await flag('express-session/valid', []), true);
    assert.equal(await flag('express-session/wrong-secret', ['wrong secret']), true);
    assert.equal(await flag('express-session/valid', ['keyboard cat']), false);
    assert.equal(await flag('express-session/truncated', ['keyboard cat']), false);
    assert.equal(await flag('jwt/alg-none', []), false);
    assert.equal(await flag('cookie-session/unsigned', ['keyboard cat']), false);
  });
});
