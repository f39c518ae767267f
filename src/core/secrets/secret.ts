// Signing secrets as the decoder uses them: a label to show, a value never shown, and the key bytes.

/** A secret handed to the decoder. `label` is what output may show; `value` never leaves the process. */
export interface SigningSecret {
  readonly label: string;
  readonly value: string;
}

/** A secret ready for the formats: its position in the list the user gave and its key bytes. */
export interface SecretKey extends SigningSecret {
  readonly index: number;
  /** `hex:` / `base64:` prefixes give raw bytes; anything else is the UTF-8 of the value. */
  readonly bytes: Buffer;
  /** True when the bytes came from a `hex:` or `base64:` prefix. */
  readonly raw: boolean;
}

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Turns a secret value into key bytes, or gives a one-line reason why the prefix is malformed. */
export function secretBytes(value: string): { bytes: Buffer; raw: boolean } | { error: string } {
  if (value.startsWith('hex:')) {
    const hex = value.slice(4).trim();
    if (hex.length === 0 || hex.length % 2 !== 0 || !HEX.test(hex)) return { error: 'a hex: secret needs an even number of hex digits' };
    return { bytes: Buffer.from(hex, 'hex'), raw: true };
  }
  if (value.startsWith('base64:')) {
    const b64 = value.slice(7).trim();
    if (b64.length === 0 || !BASE64.test(b64)) return { error: 'a base64: secret needs base64 characters only' };
    return { bytes: Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64'), raw: true };
  }
  return { bytes: Buffer.from(value, 'utf8'), raw: false };
}

/** Prepares secrets for decoding; malformed ones are reported by label, never by value. */
export function toSecretKeys(secrets: readonly SigningSecret[]): { keys: SecretKey[]; errors: string[] } {
  const keys: SecretKey[] = [];
  const errors: string[] = [];
  secrets.forEach((secret, index) => {
    const parsed = secretBytes(secret.value);
    if ('error' in parsed) errors.push(`${secret.label}: ${parsed.error}`);
    else keys.push({ ...secret, index, bytes: parsed.bytes, raw: parsed.raw });
  });
  return { keys, errors };
}

/** libsodium's crypto_pwhash_SALTBYTES: the salt length @fastify/secure-session requires. */
export const SALT_BYTES = 16;

/**
 * A key-derivation salt (@fastify/secure-session's `salt` option): `hex:`/`base64:` give raw bytes,
 * anything else is taken as the library takes a string salt (ASCII). It must be 16 bytes.
 */
export function saltBytes(value: string): { bytes: Buffer } | { error: string } {
  const raw = value.startsWith('hex:') || value.startsWith('base64:') ? secretBytes(value) : { bytes: Buffer.from(value, 'ascii') };
  if ('error' in raw) return raw;
  if (raw.bytes.length !== SALT_BYTES) return { error: `a salt is ${SALT_BYTES} bytes (crypto_pwhash_SALTBYTES); this one is ${raw.bytes.length}` };
  return { bytes: raw.bytes };
}
