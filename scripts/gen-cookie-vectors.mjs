#!/usr/bin/env node
// Generates test/fixtures/cookies/vectors.json by running the REAL libraries that make each cookie:
// express-session (express app), @fastify/session and @fastify/secure-session (fastify inject),
// cookie-session (express app), koa-session (koa app), iron-session (sealData), @hapi/iron (seal),
// jose (JWT), @auth/core/jwt (encode). next-auth v4 is not installed (its peer dependencies pull in
// Next.js), so its tokens are built with jose following next-auth's documented algorithm
// (HKDF-SHA256(secret, "", "NextAuth.js Generated Encryption Key", 32), dir + A256GCM).
// Flask (itsdangerous), Django (django.core.signing) and Rails (ActiveSupport::MessageEncryptor with
// KeyGenerator) vectors come from the real Python/Ruby libraries when they are installed
// (Debian: python3-flask python3-django ruby-activesupport); the committed JSON keeps tests independent of them.
//
// Cases per format: valid, tampered, wrong-secret, rotated (made with an old secret, verified by the
// second of [new, old]), expired, truncated, double-encoded.
// Usage: node scripts/gen-cookie-vectors.mjs [--add]  (run from the repository root)
//   --add keeps every vector already in the fixture byte-identical and appends only vectors whose id is
//   new (the way to add cases: a full run regenerates every value, since sids, nonces and times differ).
import { execFileSync } from 'node:child_process';
import { hkdfSync, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const OUT = 'test/fixtures/cookies/vectors.json';
const NOW = Math.floor(Date.now() / 1000);
/** "Later" clock for the expired cases: past every default lifetime used below (60 days). */
const LATER = NOW + 60 * 86400;
const vectors = [];

const S = {
  express: ['keyboard cat', 'old keyboard cat', 'wrong secret'],
  long: ['a-secret-with-at-least-32-characters!!', 'an-older-secret-with-32-characters-too!', 'the-wrong-secret-of-32-characters-long'],
  flask: ['flask-dev-secret', 'flask-old-secret', 'flask-wrong-secret'],
  django: ['django-insecure-test-secret-key-0123456789', 'django-old-secret-key-0123456789abcdef', 'django-wrong-secret-key-0123456789abcde'],
  rails: ['b'.repeat(64) + '0123456789abcdef'.repeat(4), 'c'.repeat(128), 'd'.repeat(128)],
};

function add(format, kase, input, secrets, now, expect, extra = {}) {
  vectors.push({ id: `${format}/${kase}`, format, case: kase, input, secrets, now, expect: { format, ...expect }, ...extra });
}

/** Flips one character in the middle of the value (kept in the same alphabet). */
function tamper(value, at = 0.4) {
  let i = Math.floor(value.length * at);
  while (i < value.length && !/[A-Za-z0-9]/.test(value[i])) i++;
  const c = value[i];
  const r = c === 'A' ? 'B' : c === 'a' ? 'b' : c === '0' ? '1' : /[A-Z]/.test(c) ? 'A' : /[a-z]/.test(c) ? 'a' : '0';
  return value.slice(0, i) + r + value.slice(i + 1);
}

/** Standard cases for a format whose value is made by `make(secrets)` → { name, value, sid?, payload? }. */
async function standardCases(format, secrets, make, { expiredInput, expectPayload = true, sidKnown = false } = {}) {
  const [current, old, wrong] = secrets;
  const v = await make([current]);
  const base = { sid: sidKnown ? v.sid : undefined, payload: expectPayload ? v.payload : undefined };
  add(format, 'valid', `${v.name}=${v.value}`, [current], NOW, { verified: true, secretIndex: 0, expired: false, ...base });
  add(format, 'wrong-secret', `${v.name}=${v.value}`, [wrong], NOW, { verified: false, secretIndex: null });
  add(format, 'no-secret', `${v.name}=${v.value}`, [], NOW, { verified: null, secretIndex: null });
  const r = await make([old]);
  add(format, 'rotated', `${r.name}=${r.value}`, [current, old], NOW, { verified: true, secretIndex: 1 });
  const decoded = decodeURIComponent(v.value);
  // Re-encode edited values the way the library sent them (URL-encoded or not).
  const enc = (text) => (v.value === decoded ? text : encodeURIComponent(text));
  add(format, 'tampered', `${v.name}=${enc(tamper(decoded))}`, [current], NOW, { verified: false });
  add(format, 'truncated', `${v.name}=${enc(decoded.slice(0, -5))}`, [current], NOW, { verified: false, hasError: true });
  const twice = encodeURIComponent(encodeURIComponent(decoded));
  add(format, 'double-encoded', `${v.name}=${twice}`, [current], NOW,
    twice === decoded ? { verified: true, secretIndex: 0 } : { verifiedNot: true, warningMatch: 'encoded twice' },
    { note: twice === decoded ? 'the value has no characters URL-encoding changes, so encoding twice is a no-op' : undefined });
  const e = expiredInput ? await expiredInput([current]) : `${v.name}=${v.value}`;
  add(format, 'expired', e, [current], LATER, { expired: true });
}

// ---------- HTTP helpers for express / koa apps ----------
async function listen(handler) {
  const http = require('node:http');
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
async function getSetCookies(server, path = '/') {
  const { port } = server.address();
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  await res.text();
  return res.headers.getSetCookie();
}
const valueOf = (line) => line.split(';')[0].slice(line.indexOf('=') + 1);
const nameOf = (line) => line.slice(0, line.indexOf('='));

// ---------- express-session ----------
async function expressSessionCookie(secrets, maxAge = 3600_000) {
  const express = require('express');
  const session = require('express-session');
  const app = express();
  app.use(session({ secret: secrets.length === 1 ? secrets[0] : secrets, resave: false, saveUninitialized: false, cookie: { maxAge } }));
  app.get('/', (req, res) => { req.session.user = 'alice'; res.send('ok'); });
  const server = await listen(app);
  try {
    const [line] = await getSetCookies(server);
    const value = valueOf(line);
    const sid = decodeURIComponent(value).slice(2, decodeURIComponent(value).lastIndexOf('.'));
    return { name: nameOf(line), value, sid, line };
  } finally { server.close(); }
}
await standardCases('express-session', S.express, (s) => expressSessionCookie(s), {
  expectPayload: false, sidKnown: true,
  expiredInput: async (s) => `Set-Cookie: ${(await expressSessionCookie(s, 3600_000)).line}`,
});
{
  const v = await expressSessionCookie([S.express[0]]);
  add('express-session', 'set-cookie-attributes', `Set-Cookie: ${v.line}`, [S.express[0]], NOW,
    { verified: true, secretIndex: 0, sid: v.sid, expired: false, attributes: { httpOnly: true, path: '/' } });
}

// ---------- @fastify/session ----------
async function fastifySessionCookie(secrets, maxAge = 3600_000) {
  const Fastify = require('fastify');
  const app = Fastify();
  await app.register(require('@fastify/cookie'));
  await app.register(require('@fastify/session'), { secret: secrets.length === 1 ? secrets[0] : secrets, cookie: { secure: false, maxAge }, saveUninitialized: false });
  app.get('/', async (req) => { req.session.set('user', 'alice'); return 'ok'; });
  const res = await app.inject({ url: '/' });
  await app.close();
  const line = [res.headers['set-cookie']].flat()[0];
  const value = valueOf(line);
  return { name: nameOf(line), value, sid: decodeURIComponent(value).slice(0, decodeURIComponent(value).lastIndexOf('.')), line };
}
await standardCases('fastify-session', S.long, (s) => fastifySessionCookie(s), {
  expectPayload: false, sidKnown: true,
  expiredInput: async (s) => `Set-Cookie: ${(await fastifySessionCookie(s)).line}`,
});

// ---------- cookie-session ----------
async function cookieSessionCookies(secrets, maxAge = 3600_000) {
  const express = require('express');
  const cookieSession = require('cookie-session');
  const app = express();
  app.use(cookieSession({ name: 'session', keys: secrets, maxAge }));
  app.get('/', (req, res) => { req.session.user = 'alice'; req.session.n = 1; res.send('ok'); });
  const server = await listen(app);
  try {
    const lines = await getSetCookies(server);
    const main = lines.find((l) => l.startsWith('session='));
    const sig = lines.find((l) => l.startsWith('session.sig='));
    return { name: 'session', value: valueOf(main), sig: valueOf(sig), lines, payload: { user: 'alice', n: 1 } };
  } finally { server.close(); }
}
async function keygripCases(format, make, expectPayload) {
  const [current, old, wrong] = S.express;
  const v = await make([current]);
  const header = (value, sig) => `Cookie: ${v.name}=${value}; ${v.name}.sig=${sig}`;
  add(format, 'valid', header(v.value, v.sig), [current], NOW, { verified: true, secretIndex: 0, expired: false, payload: expectPayload });
  add(format, 'wrong-secret', header(v.value, v.sig), [wrong], NOW, { verified: false });
  add(format, 'no-secret', header(v.value, v.sig), [], NOW, { verified: null, payload: expectPayload });
  const r = await make([old]);
  add(format, 'rotated', header(r.value, r.sig), [current, old], NOW, { verified: true, secretIndex: 1 });
  add(format, 'tampered', header(tamper(v.value, 0.5), v.sig), [current], NOW, { verified: false });
  add(format, 'renamed', `Cookie: other=${v.value}; other.sig=${v.sig}`, [current], NOW, { verified: false },
    { note: 'keygrip signs "<name>=<value>", so the same value under another name fails' });
  add(format, 'unsigned', `${v.name}=${v.value}`, [current], NOW, { verified: false, warningOrError: '.sig' });
  add(format, 'truncated', header(v.value, v.sig.slice(0, -4)), [current], NOW, { verified: false, hasError: true });
  const twice = encodeURIComponent(encodeURIComponent(v.value));
  add(format, 'double-encoded', header(twice, v.sig), [current], NOW,
    twice === v.value ? { verified: true } : { verifiedNot: true, warningMatch: 'encoded twice' });
  add(format, 'expired', v.lines.map((l) => `Set-Cookie: ${l}`).join('\n'), [current], LATER, { expired: true, verified: true });
}
await keygripCases('cookie-session', cookieSessionCookies, { user: 'alice', n: 1 });

// ---------- koa-session ----------
async function koaSessionCookies(keys) {
  const { default: Koa } = await import('koa');
  const { default: session } = await import('koa-session');
  const app = new Koa();
  app.keys = keys;
  app.use(session({ maxAge: 3600_000 }, app));
  app.use((ctx) => { ctx.session.user = 'alice'; ctx.body = 'ok'; });
  const server = await listen(app.callback());
  try {
    const lines = await getSetCookies(server);
    const main = lines.find((l) => l.startsWith('koa.sess='));
    const sig = lines.find((l) => l.startsWith('koa.sess.sig='));
    return { name: 'koa.sess', value: valueOf(main), sig: valueOf(sig), lines };
  } finally { server.close(); }
}
await keygripCases('koa-session', koaSessionCookies, { user: 'alice', _maxAge: 3600000 });

// ---------- @fastify/secure-session ----------
async function secureSessionCookie(secret, extraOptions = {}) {
  const Fastify = require('fastify');
  const app = Fastify();
  const options = Buffer.isBuffer(secret[0]) ? { key: secret[0] } : { secret: secret[0], ...extraOptions };
  await app.register(require('@fastify/secure-session'), { ...options, cookie: { path: '/' } });
  app.get('/', async (req) => { req.session.set('user', 'alice'); return 'ok'; });
  const res = await app.inject({ url: '/' });
  await app.close();
  const line = [res.headers['set-cookie']].flat()[0];
  return { name: nameOf(line), value: valueOf(line), payload: { user: 'alice' }, line };
}
{
  const key = randomBytes(32);
  const oldKey = randomBytes(32);
  const wrongKey = randomBytes(32);
  const hex = (b) => `hex:${b.toString('hex')}`;
  // Raw 32-byte keys (the fast path) for every case, plus one secret+salt (argon2id) vector.
  await standardCases('fastify-secure-session', [hex(key), hex(oldKey), hex(wrongKey)],
    (s) => secureSessionCookie([Buffer.from(s[0].slice(4), 'hex')]) );
  const v = await secureSessionCookie([S.long[0]]);
  add('fastify-secure-session', 'derived-key', `${v.name}=${v.value}`, [S.long[0]], NOW, { verified: true, secretIndex: 0, payload: { user: 'alice' } },
    { note: 'secret + default salt through argon2id (crypto_pwhash MODERATE)' });
  // An app that sets its own `salt` (16 bytes; a string is taken as ASCII by the library).
  const salt = 'app-salt-16bytes';
  const salted = await secureSessionCookie([S.long[0]], { salt });
  add('fastify-secure-session', 'custom-salt', `${salted.name}=${salted.value}`, [S.long[0]], NOW, { verified: true, secretIndex: 0, payload: { user: 'alice' } },
    { salts: [salt], note: 'secret + salt option "app-salt-16bytes" (the CLI\'s --salt); the default salt is tried first and fails' });
  add('fastify-secure-session', 'custom-salt-base64', `${salted.name}=${salted.value}`, [S.long[0]], NOW, { verified: true, secretIndex: 0 },
    { salts: [`base64:${Buffer.from(salt, 'ascii').toString('base64')}`], note: 'the same salt given as raw bytes' });
  add('fastify-secure-session', 'custom-salt-missing', `${salted.name}=${salted.value}`, [S.long[0]], NOW, { verified: false, secretIndex: null },
    { note: 'without the app\'s salt the default salt derives another key, so the right secret does not verify' });
}

// ---------- iron-session ----------
{
  const { sealData } = await import('iron-session');
  const make = async (secrets, ttl = 3600) => ({ name: 'iron-session', value: await sealData({ user: 'alice' }, { password: secrets[0], ttl }), payload: { user: 'alice' } });
  await standardCases('iron-session', S.long, make, { expiredInput: async (s) => `iron-session=${(await make(s)).value}` });
  const multi = await sealData({ user: 'bob' }, { password: { 2: S.long[1], 3: S.long[0] } });
  add('iron-session', 'password-map', `iron-session=${multi}`, [S.long[1], S.long[0]], NOW, { verified: true, secretIndex: 1, payload: { user: 'bob' } },
    { note: 'password map {2: old, 3: current}: the seal names id 3, matched by the second secret given' });
}

// ---------- @hapi/iron ----------
{
  const Iron = require('@hapi/iron');
  const make = async (secrets, ttl = 3600_000) => ({ name: 'sid', value: await Iron.seal({ user: 'alice' }, secrets[0], { ...Iron.defaults, ttl }), payload: { user: 'alice' } });
  await standardCases('hapi-iron', S.long, make);
}

// ---------- JWT (jose) ----------
{
  const { SignJWT, exportSPKI, exportJWK } = await import('jose');
  const sign = async (secrets, exp = NOW + 3600) => ({
    name: 'token',
    value: await new SignJWT({ sub: 'user-1', sid: 'sess-42', role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(NOW).setExpirationTime(exp).sign(new TextEncoder().encode(secrets[0])),
    payload: { sub: 'user-1', sid: 'sess-42', role: 'admin' }, sid: 'sess-42',
  });
  await standardCases('jwt', S.long, sign, { sidKnown: true });
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const es = await new SignJWT({ sub: 'user-2' }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(NOW + 3600).sign(privateKey);
  add('jwt', 'es256-pem', `token=${es}`, [await exportSPKI(publicKey)], NOW, { verified: true, secretIndex: 0, payload: { sub: 'user-2' } });
  add('jwt', 'es256-jwk', `token=${es}`, [S.long[0], JSON.stringify(await exportJWK(publicKey))], NOW, { verified: true, secretIndex: 1 });
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`;
  add('jwt', 'alg-none', `token=${none}`, [S.long[0]], NOW, { verified: false, warningMatch: 'alg: none' });
  add('jwt', 'alg-none-no-secret', `token=${none}`, [], NOW, { verified: false, warningMatch: 'alg: none' });
  const future = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).setNotBefore(NOW + 3600).sign(new TextEncoder().encode(S.long[0]));
  add('jwt', 'not-before', `token=${future}`, [S.long[0]], NOW, { verified: true, warningMatch: 'nbf' });
}

// ---------- Auth.js (@auth/core) ----------
{
  const { encode } = await import('@auth/core/jwt');
  const make = async (secrets, maxAge = 3600, name = 'authjs.session-token', token = { sub: 'user-1', email: 'a@example.com' }) => ({
    name, value: await encode({ token, secret: secrets[0], salt: name, maxAge }), payload: token,
  });
  await standardCases('authjs', S.long, (s) => make(s));
  const secure = await make([S.long[0]], 3600, '__Secure-authjs.session-token');
  add('authjs', 'secure-prefix', `__Secure-authjs.session-token=${secure.value}`, [S.long[0]], NOW, { verified: true, secretIndex: 0, payload: secure.payload });
  add('authjs', 'bare-value-default-name', secure.value, [S.long[0]], NOW, { verified: true, secretIndex: 0 },
    { note: 'no name given: the default cookie names are tried as the HKDF salt' });
  add('authjs', 'wrong-name', `other-name=${secure.value}`, [S.long[0]], NOW, { verified: false, warningOrError: 'made for __Secure-authjs.session-token' },
    { note: 'the given name is the HKDF salt and fails; it decrypts under __Secure-authjs.session-token, which Auth.js would not use for other-name: not verified, and the error names the cookie it was made for' });
  const plain = await make([S.long[0]]);
  add('authjs', 'made-for-other-name', `__Secure-authjs.session-token=${plain.value}`, [S.long[0]], NOW,
    { verified: false, secretIndex: null, payload: plain.payload, warningOrError: 'made for authjs.session-token; Auth.js rejects it under __Secure-authjs.session-token' },
    { note: 'made for authjs.session-token, pasted as __Secure-authjs.session-token: Auth.js derives another key and rejects it' });
  const legacy = await make([S.long[0]], 3600, 'next-auth.session-token');
  add('authjs', 'made-for-next-auth-name', `authjs.session-token=${legacy.value}`, [S.long[0]], NOW,
    { verified: false, warningOrError: 'made for next-auth.session-token' },
    { note: 'an Auth.js token whose salt is the next-auth cookie name (a migrated app), pasted under the Auth.js name' });
  add('authjs', 'custom-name', `app-session=${(await make([S.long[0]], 3600, 'app-session')).value}`, [S.long[0]], NOW,
    { verified: true, secretIndex: 0 }, { note: 'an app that names its cookie itself: the given name is the salt' });
  // Chunking as Auth.js's SessionStore does it: values past 3936 characters are split into `<name>.<i>` cookies.
  const big = await make([S.long[0]], 3600, 'authjs.session-token', { sub: 'user-1', blob: 'x'.repeat(5000) });
  const size = 3936;
  const chunks = [];
  for (let i = 0; i * size < big.value.length; i++) chunks.push(`authjs.session-token.${i}=${big.value.slice(i * size, (i + 1) * size)}`);
  add('authjs', 'chunked', `Cookie: ${chunks.join('; ')}`, [S.long[0]], NOW, { verified: true, secretIndex: 0, payload: { sub: 'user-1' }, chunks: chunks.length });
}

// ---------- next-auth v4 (built with jose; see the header comment) ----------
{
  const { EncryptJWT } = await import('jose');
  const key = (secret) => new Uint8Array(hkdfSync('sha256', secret, '', 'NextAuth.js Generated Encryption Key', 32));
  const make = async (secrets, exp = NOW + 3600) => ({
    name: 'next-auth.session-token',
    value: await new EncryptJWT({ name: 'Alice', sub: 'user-1' }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt(NOW).setExpirationTime(exp).setJti('jti-1').encrypt(key(secrets[0])),
    payload: { name: 'Alice', sub: 'user-1' },
  });
  await standardCases('next-auth', S.long, make);
}

// ---------- Flask, Django, Rails (real Python / Ruby libraries) ----------
function tool(cmd, args, input) {
  try {
    return JSON.parse(execFileSync(cmd, args, { input: JSON.stringify(input), encoding: 'utf8' }));
  } catch (err) {
    console.error(`skipped ${cmd}: ${err.message.split('\n')[0]}`);
    return null;
  }
}
const FLASK = String.raw`
import json, sys, time
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
req = json.load(sys.stdin)
out = []
for item in req:
    app = Flask("v"); app.secret_key = item["secret"]
    s = SecureCookieSessionInterface().get_signing_serializer(app)
    out.append(s.dumps(item["data"]))
print(json.dumps(out))
`;
// Flask's TaggedJSONSerializer tags: tuple, UUID, bytes (text and binary), Markup, datetime, and a dict whose only
// key is a tag (TagDict escapes it as {" di": {key + "__": value}}).
const FLASK_TAGGED = String.raw`
import json, sys, uuid, datetime
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup
req = json.load(sys.stdin)
app = Flask("v"); app.secret_key = req["secret"]
s = SecureCookieSessionInterface().get_signing_serializer(app)
data = {
    "cart": ("a", ("b", 2)),
    "token": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "raw": b"bytes\x00\xff",
    "note": b"hello",
    "html": Markup("<b>hi</b>"),
    "seen": datetime.datetime(2026, 11, 30, 12, 0, 0, tzinfo=datetime.timezone.utc),
    "escaped": {" t": [1, 2]},
    "escaped_di": {" di": "x"},
    "plain": {"a__": 1, " t": 3},
}
print(json.dumps([s.dumps(data)]))
`;
const DJANGO = String.raw`
import json, sys
from django.conf import settings
settings.configure(SECRET_KEY="unused")
from django.core import signing
req = json.load(sys.stdin)
out = []
for item in req:
    salt = "django.contrib.sessions.backends.signed_cookies"
    signer = signing.TimestampSigner(key=item["secret"], salt=salt, algorithm=item.get("algorithm", "sha256"))
    out.append(signer.sign_object(item["data"], serializer=signing.JSONSerializer, compress=True))
print(json.dumps(out))
`;
const RAILS = String.raw`
require "json"; require "cgi"; require "openssl"
require "active_support"; require "active_support/core_ext/time"; require "active_support/key_generator"; require "active_support/message_encryptor"
req = JSON.parse(STDIN.read)
out = req.map do |item|
  digest = item["digest"] == "sha256" ? OpenSSL::Digest::SHA256 : OpenSSL::Digest::SHA1
  key = ActiveSupport::KeyGenerator.new(item["secret"], iterations: 1000, hash_digest_class: digest).generate_key("authenticated encrypted cookie", 32)
  enc = ActiveSupport::MessageEncryptor.new(key, cipher: "aes-256-gcm", serializer: JSON)
  CGI.escape(enc.encrypt_and_sign(item["data"], purpose: "cookie.#{item["name"]}", expires_in: item["expires_in"]))
end
puts JSON.generate(out)
`;
{
  const data = { user_id: 7, cart: ['a', 'b'] };
  const flask = tool('/usr/bin/python3', ['-c', FLASK], [
    { secret: S.flask[0], data }, { secret: S.flask[1], data }, { secret: S.flask[0], data: { big: 'y'.repeat(200) } },
  ]);
  if (flask) {
    const [v, r, compressed] = flask;
    const make = async (s) => ({ name: 'session', value: s[0] === S.flask[0] ? v : r, payload: data });
    await standardCases('flask', S.flask, make);
    add('flask', 'compressed', `session=${compressed}`, [S.flask[0]], NOW, { verified: true, secretIndex: 0, payload: { big: 'y'.repeat(200) } });
  }
  const tagged = tool('/usr/bin/python3', ['-c', FLASK_TAGGED], { secret: S.flask[0] });
  if (tagged) {
    add('flask', 'tagged', `session=${tagged[0]}`, [S.flask[0]], NOW, {
      verified: true, secretIndex: 0, payload: {
        cart: ['a', ['b', 2]], token: '12345678-1234-5678-1234-567812345678', raw: 'base64:Ynl0ZXMA/w==', note: 'hello',
        html: '<b>hi</b>', seen: '2026-11-30T12:00:00.000Z', escaped: { ' t': [1, 2] }, escaped_di: { ' di': 'x' }, plain: { a__: 1, ' t': 3 },
      },
    }, { note: 'TaggedJSONSerializer tags restored as Flask loads them: tuples, UUID, bytes, Markup, datetime, escaped dict keys ( di)' });
  }
  const djangoData = { _auth_user_id: '7', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' };
  const django = tool('/usr/bin/python3', ['-c', DJANGO], [
    { secret: S.django[0], data: djangoData }, { secret: S.django[1], data: djangoData }, { secret: S.django[0], data: djangoData, algorithm: 'sha1' },
  ]);
  if (django) {
    const [v, r, legacy] = django;
    await standardCases('django', S.django, async (s) => ({ name: 'sessionid', value: s[0] === S.django[0] ? v : r, payload: djangoData }));
    add('django', 'legacy-sha1', `sessionid=${legacy}`, [S.django[0]], NOW, { verified: true, secretIndex: 0, payload: djangoData });
  }
  const railsData = { session_id: 'f3b1c2d4e5f60718293a4b5c6d7e8f90', _csrf_token: 'csrf-token-value' };
  const rails = tool('ruby', ['-e', RAILS], [
    { secret: S.rails[0], data: railsData, name: '_app_session', digest: 'sha256', expires_in: 3600 },
    { secret: S.rails[1], data: railsData, name: '_app_session', digest: 'sha256', expires_in: 3600 },
    { secret: S.rails[0], data: railsData, name: '_app_session', digest: 'sha1', expires_in: null },
  ]);
  if (rails) {
    const [v, r, sha1] = rails;
    await standardCases('rails', S.rails, async (s) => ({ name: '_app_session', value: s[0] === S.rails[0] ? v : r, payload: railsData, sid: railsData.session_id }), { sidKnown: true });
    add('rails', 'sha1-key-generator', `_app_session=${sha1}`, [S.rails[0]], NOW, { verified: true, secretIndex: 0, sid: railsData.session_id, expired: false });
    add('rails', 'purpose-mismatch', `_other_session=${v}`, [S.rails[0]], NOW, { verified: false, warningMatch: 'purpose' });
  }
  // Rails 7.1 metadata ("data" instead of base64 "message") is not producible with the Debian ActiveSupport 6.1,
  // so this one vector follows the documented format: AES-256-GCM under the PBKDF2-SHA256 key, b64(ct)--b64(iv)--b64(tag).
  {
    const { pbkdf2Sync, createCipheriv } = await import('node:crypto');
    const key = pbkdf2Sync(S.rails[0], 'authenticated encrypted cookie', 1000, 32, 'sha256');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const plain = JSON.stringify({ _rails: { data: railsData, exp: null, pur: 'cookie._app_session' } });
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    const value = encodeURIComponent(`${ct.toString('base64')}--${iv.toString('base64')}--${cipher.getAuthTag().toString('base64')}`);
    add('rails', 'rails-7.1-data', `_app_session=${value}`, [S.rails[0]], NOW, { verified: true, secretIndex: 0, sid: railsData.session_id, payload: railsData },
      { note: 'built from the documented Rails 7.1 format, not by Rails' });
  }
}

if (process.argv.includes('--add') && existsSync(OUT)) {
  const existing = JSON.parse(readFileSync(OUT, 'utf8'));
  const known = new Set(existing.vectors.map((v) => v.id));
  const added = vectors.filter((v) => !known.has(v.id));
  existing.vectors.push(...added);
  writeFileSync(OUT, `${JSON.stringify(existing, null, 2)}\n`);
  console.log(`kept ${known.size} vectors, added ${added.length} to ${OUT}: ${added.map((v) => v.id).join(', ') || 'none'}`);
} else {
  writeFileSync(OUT, `${JSON.stringify({ generatedAt: new Date(NOW * 1000).toISOString(), vectors }, null, 2)}\n`);
  console.log(`wrote ${vectors.length} vectors to ${OUT}`);
}
