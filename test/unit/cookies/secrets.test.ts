import assert from 'node:assert/strict';
import { secretsFromEnvText } from '../../../src/core/secrets/envSecrets';
import { secretBytes, toSecretKeys } from '../../../src/core/secrets/secret';

describe('cookie secrets', () => {
  it('gives raw bytes for hex: and base64: prefixes and UTF-8 otherwise', () => {
    assert.deepEqual(secretBytes('hex:00ff'), { bytes: Buffer.from([0, 255]), raw: true });
    assert.deepEqual(secretBytes('base64:AP8='), { bytes: Buffer.from([0, 255]), raw: true });
    assert.deepEqual(secretBytes('keyboard cat'), { bytes: Buffer.from('keyboard cat'), raw: false });
    assert.ok('error' in secretBytes('hex:0g'));
    assert.ok('error' in secretBytes('base64:!!'));
  });
  it('reports a malformed secret by its label, never its value', () => {
    const { errors } = toSecretKeys([{ label: '--secret #0', value: 'hex:zzzz-very-secret' }]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /--secret #0/);
    assert.ok(!errors[0].includes('very-secret'));
  });
  it('finds session secrets in .env text with dotenv\'s parser', () => {
    const env = [
      '# comment', 'SESSION_SECRET="keyboard cat"', "export NEXTAUTH_SECRET='abc def'", 'DATABASE_URL=postgres://x',
      'SECRET_KEY_BASE=deadbeef # trailing comment', 'SESSION_SECRETS=one,two', 'MY_COOKIE_SECRET=x1', 'PORT=3000',
    ].join('\n');
    const found = secretsFromEnvText(env, '.env');
    assert.deepEqual(found.map((s) => [s.label, s.value]), [
      ['SESSION_SECRET (.env)', 'keyboard cat'],
      ['NEXTAUTH_SECRET (.env)', 'abc def'],
      ['SECRET_KEY_BASE (.env)', 'deadbeef'],
      ['SESSION_SECRETS[0] (.env)', 'one'],
      ['SESSION_SECRETS[1] (.env)', 'two'],
      ['MY_COOKIE_SECRET (.env)', 'x1'],
    ]);
  });
});
