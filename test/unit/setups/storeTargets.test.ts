import assert from 'node:assert/strict';
import { findSessionSetups, storeTargets } from '../../../src/core/setups';

const APP = `const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const client = createClient({ url: process.env.CACHE_REDIS_URL });
app.use(session({ secret: process.env.SESSION_SECRET, store: new RedisStore({ client, prefix: 'shop:sess:' }) }));
`;

describe('storeTargets', () => {
  const setups = findSessionSetups([{ path: 'src/app.js', text: APP }]);

  it('resolves the store URL variable the code names from the .env files, plain .env first, with the prefix', () => {
    const targets = storeTargets(setups, [
      { label: '.env.local', text: 'CACHE_REDIS_URL=redis://127.0.0.1:7000\n' },
      { label: '.env', text: 'CACHE_REDIS_URL=redis://127.0.0.1:6380/2\n' },
    ]);
    assert.deepEqual(targets, [{ kind: 'connect-redis', url: 'redis://127.0.0.1:6380/2', variable: 'CACHE_REDIS_URL', envFile: '.env', prefix: 'shop:sess:', file: 'src/app.js', line: 5 }]);
  });

  it('offers nothing when no .env file sets the variable, or the store names no URL variable', () => {
    assert.deepEqual(storeTargets(setups, [{ label: '.env', text: 'REDIS_URL=redis://127.0.0.1:6379\n' }]), []);
    const noUrl = findSessionSetups([{ path: 'a.js', text: "const session = require('express-session');\napp.use(session({ secret: 'x' }));\n" }]);
    assert.deepEqual(storeTargets(noUrl, [{ label: '.env', text: 'REDIS_URL=redis://127.0.0.1:6379\n' }]), []);
  });
});
