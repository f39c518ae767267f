// Small, total (never throwing) decoding helpers used by the formats.
import { timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Decompressed payloads larger than this are refused (zip bombs). */
export const MAX_INFLATED_BYTES = 1 << 20;

export function isBase64Url(text: string): boolean {
  return BASE64URL.test(text);
}

export function isBase64(text: string): boolean {
  return text.length % 4 !== 1 && BASE64.test(text);
}

/** Strict base64url (no padding) to bytes, or null. */
export function fromBase64Url(text: string): Buffer | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  return Buffer.from(text, 'base64url');
}

/** Standard base64 (padding optional) to bytes, or null. */
export function fromBase64(text: string): Buffer | null {
  if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) return null;
  return Buffer.from(text, 'base64');
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Parses JSON, or returns undefined. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bytes as UTF-8 text when they are valid UTF-8, else null. */
export function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** zlib-inflates with a size cap; null when the data is not zlib or too large. */
export function inflate(bytes: Uint8Array): Buffer | null {
  try {
    return inflateSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    return null;
  }
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A time in ms since the epoch as a Date, or null when it is not a sane time. */
export function dateFromMs(ms: number): Date | null {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  return new Date(ms);
}
