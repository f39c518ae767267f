// Hover on cookie-like strings in .http/.rest files and logs: format, verdict, session id and expiry.
import * as vscode from 'vscode';
import type { Log } from '../common/log';
import { cookieDecoder } from '../common/featureBundles';
import { relativeTime, verdictText } from '../core/cookies/report';
import type { SecretSources } from '../secrets/secretSources';
import type { WorkspaceSetups } from '../setups/workspaceSetups';

/** A run of cookie-value characters long enough to be a session cookie. */
const COOKIE_TOKEN = /[A-Za-z0-9%._~:+/=*;-]{20,}/;

export class CookieHoverProvider implements vscode.HoverProvider {
  constructor(private readonly secrets: SecretSources, private readonly setups: WorkspaceSetups, private readonly log: Log) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    try {
      const range = document.getWordRangeAtPosition(position, COOKIE_TOKEN);
      if (!range) return undefined;
      const text = document.getText(range).replace(/;+$/, '');
      const list = await this.secrets.list();
      const result = await cookieDecoder().decodeCookies(text, { secrets: list.map(({ label, value }) => ({ label, value })), hints: await this.setups.hints() });
      if ('error' in result) return undefined;
      const known = result.cookies.filter((c) => c.format !== 'unknown');
      if (known.length === 0) return undefined;
      const md = new vscode.MarkdownString(undefined, true);
      for (const c of known) {
        md.appendMarkdown(`**${c.format}**: ${verdictText(c)}\n\n`);
        if (c.sid) md.appendMarkdown(`session id \`${c.sid}\`\n\n`);
        if (c.expiresAt) md.appendMarkdown(`expires ${c.expiresAt} (${relativeTime(Date.parse(c.expiresAt), Date.now())})${c.expired ? ' **expired**' : ''}\n\n`);
        if (c.error) md.appendText(`${c.error}\n\n`);
      }
      const args = encodeURIComponent(JSON.stringify([text]));
      md.appendMarkdown(`[Decode Cookie](command:sessionLens.decodeCookie?${args})`);
      md.isTrusted = { enabledCommands: ['sessionLens.decodeCookie'] };
      return new vscode.Hover(md, range);
    } catch (err) {
      this.log.debug('cookies', `hover failed: ${String(err)}`);
      return undefined;
    }
  }
}
