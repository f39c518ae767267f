// What the workspace's code says about its session setups, shown where it helps: the Sessions view offers the
// store the app uses when nothing is connected, **Show Session Config** lists every setup with where it is, and
// a hover on a setup's call says what was found and leads to its sessions.
import * as vscode from 'vscode';
import { runCommand } from '../common/log';
import type { Services } from '../common/services';
import type { SessionSetup } from '../core/setups';
import type { WorkspaceSetups } from './workspaceSetups';

const COMPONENT = 'setups';
const JS_TS: vscode.DocumentSelector = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'].map((language) => ({ language, scheme: 'file' }));

/** One line for a setup: library, cookie, secret source, store. */
export function describeSetup(s: SessionSetup): string {
  const secret = s.secret.kind === 'env' ? `secret from ${s.secret.name}` : s.secret.kind === 'literal' ? `secret written in the code (${s.secret.name})` : 'secret not found';
  return [s.library, s.cookieName ? `cookie ${s.cookieName}` : '', secret, storeText(s)].filter(Boolean).join(' · ');
}

export function storeText(s: SessionSetup): string {
  const store = s.store;
  if (!store) return 'session kept in the cookie';
  const where = store.prefix ? `prefix ${store.prefix}` : store.table ? `table ${store.table}` : store.path ? `at ${store.path}` : '';
  return [`store ${store.kind}`, where, store.urlVariable ? `URL in ${store.urlVariable}` : ''].filter(Boolean).join(', ');
}

export function activateSetups(services: Services): void {
  const { context, log, setups } = services;
  const push = (d: vscode.Disposable) => context.subscriptions.push(d);

  push(vscode.commands.registerCommand('sessionLens.showSessionConfig', async () => {
    let chosen: SessionSetup | undefined;
    await runCommand(log, COMPONENT, 'Show Session Config', async () => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showInformationMessage('Session Lens reads the session setups of trusted workspaces only.');
        return;
      }
      const found = await setups.setups();
      if (found.length === 0) {
        void vscode.window.showInformationMessage('Session Lens found no session setup (express-session, cookie-session, @fastify/session, @fastify/secure-session, koa-session, iron-session, Auth.js) in the workspace\'s code.');
        return;
      }
      const pick = await vscode.window.showQuickPick(found.map((s) => ({
        label: `${s.library}${s.cookieName ? ` — ${s.cookieName}` : ''}`,
        description: `${s.file}:${s.line}`,
        detail: describeSetup(s),
        setup: s,
      })), { title: 'Session Lens: Session Config', placeHolder: 'The session setups of the workspace\'s code; choose one to open it', matchOnDetail: true });
      chosen = pick?.setup;
      if (chosen) await openSetup(chosen);
    });
    return chosen;
  }));

  push(vscode.languages.registerHoverProvider(JS_TS, new SetupHoverProvider(setups)));
}

async function openSetup(setup: SessionSetup): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.find((f) => setup.file.startsWith(`${f.name}/`)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  const relative = (vscode.workspace.workspaceFolders?.length ?? 0) > 1 && setup.file.startsWith(`${folder.name}/`) ? setup.file.slice(folder.name.length + 1) : setup.file;
  const position = new vscode.Position(Math.max(0, setup.line - 1), 0);
  await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, relative), { selection: new vscode.Range(position, position) });
}

/** On the line of a setup's call: what Session Lens read from it, and links to its sessions and the decoder. */
export class SetupHoverProvider implements vscode.HoverProvider {
  constructor(private readonly setups: WorkspaceSetups) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const text = document.lineAt(position.line).text;
    // Cheap first: only lines that can start a setup.
    if (!/session|Session|Auth|Iron|iron/.test(text)) return undefined;
    const file = vscode.workspace.asRelativePath(document.uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
    const here = (await this.setups.setups()).filter((s) => s.file === file && s.line === position.line + 1);
    if (here.length === 0) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    for (const s of here) {
      md.appendMarkdown(`**Session Lens** — ${escape(s.library)} session setup\n\n`);
      md.appendMarkdown(`- cookie: ${code(s.cookieName ?? 'not known')}\n`);
      md.appendMarkdown(`- secret: ${s.secret.kind === 'env' ? `from ${code(s.secret.name ?? '')}` : s.secret.kind === 'literal' ? 'written in the code' : 'not found'}\n`);
      md.appendMarkdown(`- ${escape(storeText(s))}\n`);
      if (s.maxAgeMs !== null) md.appendMarkdown(`- cookie maxAge: ${Math.round(s.maxAgeMs / 1000)} s\n`);
      if (s.expirySeconds !== null) md.appendMarkdown(`- expiry: ${s.expirySeconds} s\n`);
      md.appendMarkdown('\n');
    }
    md.appendMarkdown('[Show Sessions](command:sessionLens.sessions.focus) · [Decode Cookie…](command:sessionLens.decodeCookie) · [All Session Config](command:sessionLens.showSessionConfig)');
    md.isTrusted = { enabledCommands: ['sessionLens.sessions.focus', 'sessionLens.decodeCookie', 'sessionLens.showSessionConfig'] };
    return new vscode.Hover(md);
  }
}

/** Markdown text as itself: the characters that mark up inline text are escaped. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, '\\$&');
}

/** A code span (its content is never markup; backticks cannot occur in names). */
function code(text: string): string {
  return `\`${text.replace(/`/g, '')}\``;
}
