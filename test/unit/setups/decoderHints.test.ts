import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { decodeCookies } from '../../../src/core/cookies/decode';
import { decoderHints, findSessionSetups } from '../../../src/core/setups';

function fastifySessionValue(sid: string, secret: string): string {
  return `${sid}.${createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
}

describe('decoder hints from session setups', () => {
  const setups = findSessionSetups([{
    path: 'src/server.ts',
    text: [
      "import fastifySession from '@fastify/session';",
      "app.register(fastifySession, { cookieName: 'app', secret: process.env.APP_SIGNING_MATERIAL ?? 'a-dev-only-fallback-secret-of-32-chars' });",
    ].join('\n'),
  }]);
  const envFiles = [{ label: 'api/.env.local', text: 'APP_SIGNING_MATERIAL=from-the-nested-file-xxxxxxxxxxxxxx\n' }, { label: '.env', text: 'APP_SIGNING_MATERIAL=from-the-root-file-xxxxxxxxxxxxxxxx\nOTHER=1\n' }];

  it('names the format, the env values of the variable the code reads (plain .env first) and the literal fallback', () => {
    const [hint] = decoderHints(setups, envFiles);
    assert.deepEqual(hint, {
      name: 'app', formats: ['fastify-session'], salts: [],
      secrets: [
        { label: 'APP_SIGNING_MATERIAL (.env)', value: 'from-the-root-file-xxxxxxxxxxxxxxxx' },
        { label: 'APP_SIGNING_MATERIAL (api/.env.local)', value: 'from-the-nested-file-xxxxxxxxxxxxxx' },
        { label: 'secret literal (src/server.ts:2)', value: 'a-dev-only-fallback-secret-of-32-chars' },
      ],
    });
  });

  it('the decoder uses a hint only for its cookie name, after the secrets given, and labels the match', async () => {
    const hints = decoderHints(setups, envFiles);
    const value = fastifySessionValue('d2f1c0ffee', 'from-the-nested-file-xxxxxxxxxxxxxx');
    const hinted = await decodeCookies(`app=${value}`, { secrets: [{ label: '--secret #0', value: 'unrelated' }], hints });
    assert.ok(!('error' in hinted));
    assert.deepEqual([hinted.cookies[0].format, hinted.cookies[0].verified, hinted.cookies[0].secretLabel, hinted.cookies[0].secretIndex, hinted.cookies[0].sid],
      ['fastify-session', true, 'APP_SIGNING_MATERIAL (api/.env.local)', 2, 'd2f1c0ffee']);
    // Another name gets no hint's format: the same value is sniffed as usual.
    const plain = await decodeCookies(`other=${value}`, { hints: hints.map((h) => ({ ...h, secrets: [] })) });
    const unhinted = await decodeCookies(`other=${value}`);
    assert.deepEqual(plain, unhinted);
  });

  it('a salt or secret of a hint that the decoder cannot use is skipped, not an error for the whole input', async () => {
    const result = await decodeCookies(`app=${fastifySessionValue('abc', 'x')}`, { hints: [{ name: 'app', formats: ['fastify-session'], secrets: [{ label: 'x', value: 'hex:zz' }], salts: [{ label: 'salt', value: 'short' }] }] });
    assert.ok(!('error' in result));
    assert.equal(result.cookies[0].format, 'fastify-session');
  });
});
