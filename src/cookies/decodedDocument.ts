// The read-only result document: markdown with a header block, one section per cookie.
// Served from memory under the `session-lens-decoded:` scheme, so nothing is written to disk.
import * as vscode from 'vscode';
import type { DecodedCookie } from '../core/cookies/decode';
import { redact } from '../core/redact';
import { attributesText, foldedLines, isFolded, relativeTime, verdictText } from '../core/cookies/report';

export const DECODED_SCHEME = 'session-lens-decoded';

export interface DecodedView {
  /** The text that was decoded (cookies only, no secret), so the document can decode it again. */
  input: string;
  cookies: readonly DecodedCookie[];
  inputWarnings: readonly string[];
  secretLabels: readonly string[];
  nowMs: number;
}

export const TRY_ANOTHER_SECRET = 'Try another secret…';
const TRY_ANOTHER_SECRET_HINT = `no secret verified this cookie: "${TRY_ANOTHER_SECRET}" above it decodes it again with a secret you type (used once, never stored).`;

const VERDICT_ICON = (c: DecodedCookie) => (c.verified === true ? '✅' : c.verified === false ? '❌' : '⚪');

/** Renders the document; every known secret value is removed from the text as a last guard. */
export function renderDecoded(view: DecodedView, secretValues: readonly string[]): string {
  const lines: string[] = ['# Session Lens: decoded cookies', ''];
  lines.push('| | |', '|---|---|');
  lines.push(`| Decoded at | ${new Date(view.nowMs).toISOString()} |`);
  lines.push(`| Cookies | ${view.cookies.length} |`);
  lines.push(`| Secrets tried | ${view.secretLabels.length ? view.secretLabels.map((l, i) => `#${i} ${mdEscape(l)}`).join(', ') : 'none (add one with "Session Lens: Add Signing Secret…" or a .env file)'} |`);
  lines.push('');
  for (const w of view.inputWarnings) lines.push(`> ⚠️ ${mdEscape(w)}`, '');
  for (const c of shownCookies(view.cookies)) {
    lines.push(`## ${VERDICT_ICON(c)} ${mdEscape(c.name ?? '(unnamed cookie)')}: ${c.format}`, '');
    lines.push(`- **Format:** ${c.format}${c.library ? ` (${mdEscape(c.library)})` : ''}`);
    lines.push(`- **Verification:** ${mdEscape(verdictText(c))}${c.secretIndex !== null ? ` (secret #${c.secretIndex})` : ''}`);
    if (c.sid) lines.push(`- **Session id:** \`${c.sid}\``);
    if (c.expiresAt) lines.push(`- **Expires:** ${c.expiresAt} (${relativeTime(Date.parse(c.expiresAt), view.nowMs)})${c.expired ? ' — **EXPIRED**' : ''}`);
    else lines.push('- **Expires:** not stated (browser session or server-side expiry)');
    const attrs = attributesText(c);
    if (attrs) lines.push(`- **Attributes:** ${mdEscape(attrs)}`);
    if (c.error) lines.push(`- **Problem:** ${mdEscape(c.error)}`);
    if (c.warnings.length) lines.push('- **Warnings:**', ...c.warnings.map((w) => `  - ⚠️ ${mdEscape(w)}`));
    if (c.notes.length) lines.push('- **Notes:**', ...c.notes.map((n) => `  - ${mdEscape(n)}`));
    if (c.secretMayHelp) lines.push(`- **Next step:** ${TRY_ANOTHER_SECRET_HINT}`);
    lines.push('');
    if (c.payload !== null && c.payload !== undefined) {
      lines.push('Payload:', '', '```json', JSON.stringify(c.payload, null, 2) ?? String(c.payload), '```', '');
    } else {
      lines.push('Payload: not readable here (kept server-side, or encrypted without a matching secret).', '');
    }
  }
  // Cookies that are not sessions (analytics, CSRF tokens, …) and, among several, unrecognized ones: one line each kind.
  for (const line of foldedLines(view.cookies)) lines.push(mdEscape(line), '');
  return redact(lines.join('\n'), secretValues);
}

/** The cookies with a section of their own (a `## ` heading), in order; the others are folded into summary lines. */
function shownCookies(cookies: readonly DecodedCookie[]): DecodedCookie[] {
  return cookies.filter((c) => !isFolded(c, cookies));
}

function mdEscape(text: string): string {
  return text.replace(/[|<>]/g, (c) => `\\${c}`);
}

/** Holds the rendered documents in memory and serves them read-only. */
export class DecodedDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly views = new Map<string, DecodedView>();
  private counter = 0;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Stores a new document and returns its URI (`session-lens-decoded:/Decoded Cookie N.md`). */
  add(view: DecodedView, text: string): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/Decoded Cookie ${this.counter}.md` });
    this.texts.set(uri.toString(), text);
    this.views.set(uri.toString(), view);
    // Keep memory bounded: old documents stay readable while open but are dropped past 50.
    if (this.texts.size > 50) {
      const oldest = this.texts.keys().next().value as string;
      this.texts.delete(oldest);
      this.views.delete(oldest);
    }
    return uri;
  }

  /** Stores a plain document (sign results, the secret list); secret values are redacted from it. */
  addText(title: string, text: string, secretValues: readonly string[]): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: DECODED_SCHEME, path: `/${title} ${this.counter}.md` });
    this.texts.set(uri.toString(), redact(text, secretValues));
    return uri;
  }

  viewOf(uri: vscode.Uri): DecodedView | undefined {
    return this.views.get(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# Session Lens\n\nThis decoded cookie is no longer in memory; decode it again.';
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
    this.views.clear();
  }
}

/** "Open Session" above each cookie that names a session id; "Try another secret…" above each one no secret verified. */
export class OpenSessionCodeLens implements vscode.CodeLensProvider {
  constructor(private readonly documents: DecodedDocuments) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const view = this.documents.viewOf(document.uri);
    if (!view) return [];
    const lenses: vscode.CodeLens[] = [];
    const cookies = shownCookies(view.cookies);
    let cookieIndex = -1;
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineAt(line).text;
      if (text.startsWith('## ')) cookieIndex += 1;
      const cookie = cookies[cookieIndex];
      if (!text.startsWith('## ') || !cookie) continue;
      const range = new vscode.Range(line, 0, line, 0);
      if (cookie.sid) {
        lenses.push(new vscode.CodeLens(range, {
          title: 'Open Session', command: 'sessionLens.openSessionFromCookie', arguments: [{ sid: cookie.sid, format: cookie.format }],
        }));
      }
      if (cookie.secretMayHelp) {
        lenses.push(new vscode.CodeLens(range, {
          title: TRY_ANOTHER_SECRET, command: 'sessionLens.decodeCookieWithSecret', arguments: [{ input: view.input }],
          tooltip: 'Decode again with one more secret, typed hidden; it is used once and never stored',
        }));
      }
    }
    return lenses;
  }
}
