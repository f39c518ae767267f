// Human-readable report of decoded cookies: used by the CLI's text output and the VS Code document.
import type { DecodedCookie } from './decode';

/** "in 3 days", "2 hours ago". */
export function relativeTime(targetMs: number, nowMs: number): string {
  const diff = targetMs - nowMs;
  const abs = Math.abs(diff);
  const units: [string, number][] = [['year', 365 * 864e5], ['day', 864e5], ['hour', 36e5], ['minute', 6e4], ['second', 1e3]];
  const [unit, size] = units.find(([, ms]) => abs >= ms) ?? ['second', 1e3];
  const n = Math.round(abs / size);
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

export function verdictText(c: DecodedCookie): string {
  if (c.verified === true) return `verified with ${c.secretLabel ?? `secret #${c.secretIndex}`}`;
  if (c.verified === false) return 'NOT verified';
  return 'not checked (no secret given)';
}

export function attributesText(c: DecodedCookie): string {
  const a = c.attributes;
  const parts: string[] = [];
  if (a.domain) parts.push(`Domain=${a.domain}`);
  if (a.path) parts.push(`Path=${a.path}`);
  if (a.expires) parts.push(`Expires=${a.expires}`);
  if (a.maxAge !== undefined) parts.push(`Max-Age=${a.maxAge}`);
  if (a.httpOnly) parts.push('HttpOnly');
  if (a.secure) parts.push('Secure');
  if (a.sameSite) parts.push(`SameSite=${a.sameSite}`);
  if (a.partitioned) parts.push('Partitioned');
  return parts.join('; ');
}

/**
 * Whether a cookie is folded into one summary line instead of its own section: cookies that are not sessions
 * (analytics, CSRF tokens, preferences, …), and, among several cookies, those no format recognizes. A single
 * unrecognized cookie keeps its section and its "format not recognized" reason.
 */
export function isFolded(c: DecodedCookie, all: readonly DecodedCookie[]): boolean {
  return c.kind === 'not-session' || (c.kind === 'unknown' && all.length > 1);
}

/** The summary lines of the folded cookies: "Not session cookies: _ga (analytics), theme (preference)", …; empty when none. */
export function foldedLines(cookies: readonly DecodedCookie[]): string[] {
  const folded = cookies.filter((c) => isFolded(c, cookies));
  const lines: string[] = [];
  const others = folded.filter((c) => c.kind === 'not-session');
  if (others.length) lines.push(`Not session cookies: ${others.map((c) => `${c.name ?? '(unnamed cookie)'} (${c.purpose ?? 'not a session'})`).join(', ')}`);
  const unknown = folded.filter((c) => c.kind === 'unknown');
  if (unknown.length) lines.push(`Other cookies, no session format recognized: ${unknown.map((c) => c.name ?? '(unnamed cookie)').join(', ')}`);
  if (folded.length === cookies.length && folded.length > 0) lines.unshift('No session cookie in the input.');
  return lines;
}

/**
 * @param secretHint shown under each cookie that another secret may verify (the CLI points to --secret).
 */
export function formatDecodedText(cookies: readonly DecodedCookie[], inputWarnings: readonly string[], nowMs: number, secretHint?: string): string {
  const lines: string[] = [];
  for (const w of inputWarnings) lines.push(`warning: ${w}`);
  cookies.filter((c) => !isFolded(c, cookies)).forEach((c, i) => {
    if (i > 0 || inputWarnings.length > 0) lines.push('');
    lines.push(`${c.name ?? '(unnamed cookie)'}: ${c.format}${c.library ? ` (${c.library})` : ''}`);
    lines.push(`  verified:   ${verdictText(c)}`);
    if (c.sid) lines.push(`  session id: ${c.sid}`);
    if (c.expiresAt) lines.push(`  expires:    ${c.expiresAt} (${relativeTime(Date.parse(c.expiresAt), nowMs)})${c.expired ? ' EXPIRED' : ''}`);
    const attrs = attributesText(c);
    if (attrs) lines.push(`  attributes: ${attrs}`);
    if (c.error) lines.push(`  error:      ${c.error}`);
    for (const w of c.warnings) lines.push(`  warning:    ${w}`);
    for (const n of c.notes) lines.push(`  note:       ${n}`);
    if (secretHint && c.secretMayHelp) lines.push(`  hint:       ${secretHint}`);
    if (c.payload !== null && c.payload !== undefined) {
      const json = JSON.stringify(c.payload, null, 2) ?? String(c.payload);
      lines.push('  payload:', ...json.split('\n').map((l) => `    ${l}`));
    }
  });
  const folded = foldedLines(cookies);
  if (folded.length) {
    if (lines.length) lines.push('');
    lines.push(...folded);
  }
  return `${lines.join('\n')}\n`;
}
