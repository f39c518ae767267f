// Every vector made by the real libraries (scripts/gen-cookie-vectors.mjs) must decode as its library reads it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeCookies, type DecodedCookie } from '../../../src/core/cookies/decode';

interface Vector {
  id: string;
  format: string;
  input: string;
  secrets: string[];
  /** Key-derivation salts (@fastify/secure-session's `salt` option), when the vector needs them. */
  salts?: string[];
  now: number;
  expect: {
    format: string;
    verified?: boolean | null;
    verifiedNot?: boolean;
    secretIndex?: number | null;
    sid?: string;
    payload?: Record<string, unknown>;
    expired?: boolean;
    hasError?: boolean;
    warningMatch?: string;
    warningOrError?: string;
    attributes?: Record<string, unknown>;
    chunks?: number;
  };
}

export const vectors = (JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/cookies/vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;

export async function decodeVector(v: Vector): Promise<DecodedCookie[]> {
  const result = await decodeCookies(v.input, {
    secrets: v.secrets.map((value, i) => ({ label: `secret #${i}`, value })),
    salts: (v.salts ?? []).map((value, i) => ({ label: `salt #${i}`, value })),
    nowMs: v.now * 1000,
  });
  assert.ok(!('error' in result), `input refused: ${'error' in result ? result.error : ''}`);
  return result.cookies;
}

export function checkVector(v: Vector, cookies: readonly DecodedCookie[]): void {
  assert.equal(cookies.length, 1, `one cookie expected, got ${cookies.map((c) => c.name).join(', ')}`);
  const [c] = cookies;
  const e = v.expect;
  const all = [...c.warnings, c.error ?? ''].join(' | ');
  if (!e.verifiedNot) assert.equal(c.format, e.format, `format (${all})`);
  if (e.verified !== undefined) assert.equal(c.verified, e.verified, `verified (${all})`);
  if (e.verifiedNot) assert.notEqual(c.verified, true, 'must not verify');
  if (e.secretIndex !== undefined) assert.equal(c.secretIndex, e.secretIndex, 'secretIndex');
  if (e.sid !== undefined) assert.equal(c.sid, e.sid, 'sid');
  if (e.expired !== undefined) assert.equal(c.expired, e.expired, `expired (expiresAt ${c.expiresAt})`);
  if (e.expired) assert.ok(c.expiresAt, 'an expired cookie has an expiresAt');
  if (e.hasError) assert.ok(c.error, 'a one-line error');
  if (c.error) assert.ok(!c.error.includes('\n'), 'errors are one line');
  if (e.warningMatch) assert.match(all, new RegExp(e.warningMatch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'warning');
  if (e.warningOrError) assert.ok(all.includes(e.warningOrError), `warning or error mentions ${e.warningOrError}: ${all}`);
  if (e.payload) {
    assert.ok(c.payload && typeof c.payload === 'object', 'payload is an object');
    for (const [k, value] of Object.entries(e.payload)) assert.deepEqual((c.payload as Record<string, unknown>)[k], value, `payload.${k}`);
  }
  if (e.attributes) for (const [k, value] of Object.entries(e.attributes)) assert.deepEqual((c.attributes as Record<string, unknown>)[k], value, `attributes.${k}`);
  if (e.chunks) assert.ok(c.notes.some((n) => n.includes(`${e.chunks} chunk`)), 'chunk note');
}

describe('cookie vectors from the real libraries', function () {
  this.timeout(60_000);
  it('covers every format and the standard cases', () => {
    const formats = new Set(vectors.map((v) => v.format));
    for (const f of ['express-session', 'fastify-session', 'cookie-session', 'koa-session', 'fastify-secure-session', 'iron-session', 'hapi-iron', 'jwt', 'authjs', 'next-auth', 'flask', 'django', 'rails']) {
      assert.ok(formats.has(f), `vectors for ${f}`);
      for (const kase of ['valid', 'tampered', 'wrong-secret', 'rotated', 'expired', 'truncated', 'double-encoded']) {
        assert.ok(vectors.some((v) => v.format === f && v.id === `${f}/${kase}`), `${f}/${kase}`);
      }
    }
  });
  for (const v of vectors) {
    it(v.id, async () => checkVector(v, await decodeVector(v)));
  }
});
