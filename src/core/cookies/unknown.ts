// Explains a value no format recognizes, as far as it can be read: URL-decoding, base64/JSON, tokens.
import { fromBase64, fromBase64Url, isBase64, isBase64Url, tryJson, utf8 } from './encoding';
import type { InputCookie } from './types';

export interface UnknownExplanation {
  payload: unknown;
  notes: string[];
}

const PRINTABLE = /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/;

export function explainUnknown(cookie: InputCookie): UnknownExplanation {
  const v = cookie.value;
  const notes: string[] = [`${v.length} characters${cookie.rawValue !== v ? ', after URL-decoding once' : ''}.`];
  let payload: unknown = null;
  const decoded = (isBase64Url(v) ? fromBase64Url(v) : null) ?? (isBase64(v) ? fromBase64(v) : null);
  const text = decoded && decoded.length > 0 ? utf8(decoded) : null;
  const direct = tryJson(v);
  if (direct !== undefined && typeof direct === 'object' && direct !== null) {
    payload = direct;
    notes.push('The value is plain JSON (unsigned).');
  } else if (text !== null && PRINTABLE.test(text)) {
    const json = tryJson(text);
    if (json !== undefined && typeof json === 'object') {
      payload = json;
      notes.push('The value is base64-encoded JSON with no signature this decoder knows.');
    } else if (text.length >= 4) {
      notes.push('The value base64-decodes to text.');
      payload = text;
    }
  } else if (decoded && decoded.length >= 16) {
    notes.push(`The value base64-decodes to ${decoded.length} bytes of binary data (encrypted or random).`);
  }
  if (/^[A-Za-z0-9_-]{20,64}$/.test(v) && payload === null) notes.push('It looks like a bare random identifier: an unsigned session id or an opaque token kept server-side.');
  if (/^[0-9a-f]{32,}$/i.test(v)) notes.push('It is a hex string (a random token or a hash).');
  const dots = v.split('.').length - 1;
  if (dots > 0 && payload === null) notes.push(`It has ${dots + 1} "."-separated parts.`);
  return { payload, notes };
}
