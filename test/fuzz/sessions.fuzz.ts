// Fuzz targets for what Session Lens reads from stores and workspaces: session values, user labels,
// .env files, Redis URLs and the store prefix written in app code.
import { findRedisUrls, findStorePrefix } from '../../src/core/redis/discovery';
import { parseRedisUrl, RedisUrlError } from '../../src/core/redis/url';
import { secretsFromEnvText } from '../../src/core/secrets/envSecrets';
import { parseSessionValue, sessionUser } from '../../src/core/sessions/describe';
import type { FuzzTarget } from './types';

const sessionSeeds = [
  '{"cookie":{"originalMaxAge":3600000,"expires":"2026-12-01T00:00:00.000Z","httpOnly":true,"path":"/"},"user":{"id":1,"name":"alice"}}',
  '{"cookie":{},"passport":{"user":"42"}}',
  'a:2:{s:4:"user";s:5:"alice";}',
  '\u001f\u008b\u0008\u0000',
  '[]',
  '',
];

const envSeeds = [
  'SESSION_SECRET=keyboard cat\nREDIS_URL=redis://:pw@127.0.0.1:6379/0\n',
  'export COOKIE_SECRET="multi\nline"\n# comment\nSECRET_KEY_BASE=abc # trailing\n',
  "AUTH_SECRET='single quoted'\nREDIS_URL=rediss://user:pass@cache.internal:6380\n",
];

export const targets: FuzzTarget[] = [
  {
    name: 'sessions: stored value parser',
    seeds: sessionSeeds,
    run: (input) => {
      const parsed = parseSessionValue(Buffer.from(input, 'latin1'));
      return { user: sessionUser(parsed.data), raw: parsed.raw };
    },
  },
  {
    name: 'sessions: .env secrets',
    seeds: envSeeds,
    run: (input) => secretsFromEnvText(input, '.env').map((s) => s.label),
  },
  {
    name: 'sessions: .env Redis URLs and app code prefix',
    seeds: [...envSeeds, "app.use(session({ store: new RedisStore({ client, prefix: 'myapp:' }) }))"],
    run: (input) => ({ urls: findRedisUrls(input).length, prefix: findStorePrefix(input) }),
  },
  {
    name: 'sessions: Redis URL parser',
    seeds: ['redis://127.0.0.1:6379', 'rediss://user:pw@h:6380/2', 'redis+sentinel://127.0.0.1:26379,127.0.0.1:26380/mymaster', 'redis://[::1]:6379'],
    run: (input) => {
      try {
        return parseRedisUrl(input).kind;
      } catch (err) {
        // A refused URL must say why in one line; anything else escapes.
        if (err instanceof RedisUrlError) return { error: err.message };
        throw err;
      }
    },
  },
];
