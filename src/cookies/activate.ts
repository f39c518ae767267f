// The cookie decoder in VS Code: Decode Cookie… (palette, editor selection, hover) into the Cookies view,
// Sign Cookie…, signing-secret management, and "Open Session" handing a decoded session id to the Sessions view.
import * as vscode from 'vscode';
import { ContextKey } from '../common/contextKey';
import { runCommand } from '../common/log';
import type { Services } from '../common/services';
import { cookieDecoder } from '../common/featureBundles';
import { CookieResults, type BrowserTag, type CookieResult } from '../core/cookies/results';
import { BrowserSources, registerBrowserCommands } from './browserSources';
import type { CookiesNode } from './cookiesTreeProvider';
import { createCookiesView } from './cookiesView';
import { DECODED_SCHEME, DecodedDocuments, OpenSessionCodeLens } from './decodedDocument';
import { CookieHoverProvider } from './hover';
import { CookiePrompts } from './prompts';
import { signCookieCommand } from './signCommand';
import type { LabeledSecret } from '../secrets/secretSources';

const COMPONENT = 'cookies';

/** Argument of `sessionLens.decodeCookie`: the input itself (skips the input box), optionally with ad hoc secrets. */
export type DecodeArg = string | { input: string; secrets?: { label: string; value: string }[]; nowMs?: number };

/** Argument of `sessionLens.decodeCookieWithSecret`: the input, and the secret to try (else asked for, hidden). */
export interface TryAnotherSecretArg { input?: string; secret?: string; nowMs?: number }

/** How long the Cookies view waits for one store to say whether it holds a decoded session. */
const OWNER_LOOKUP_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); })]).finally(() => clearTimeout(timer));
}

/** How a secret entered once is named in the document (its value never is). */
export const AD_HOC_LABEL = 'the secret entered once';

export function activateCookieDecoder(services: Services): void {
  const { context, log, secrets, setups, testHooks } = services;
  const documents = new DecodedDocuments();
  const push = (d: vscode.Disposable) => context.subscriptions.push(d);
  push(documents);
  push(vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, documents));
  push(vscode.languages.registerCodeLensProvider({ scheme: DECODED_SCHEME }, new OpenSessionCodeLens(documents)));
  const prompts = new CookiePrompts();
  push(prompts);
  testHooks.set('cookies.documents', documents);
  testHooks.set('cookies.prompts', prompts);
  const results = new CookieResults();

  /** Registers a command whose body runs through runCommand and whose result is returned to callers. */
  const command = <A extends unknown[], R>(id: string, title: string, body: (...args: A) => Promise<R>) => {
    push(vscode.commands.registerCommand(id, async (...args: A) => {
      let result: R | undefined;
      await runCommand(log, COMPONENT, title, async () => { result = await body(...args); });
      return result;
    }));
  };

  const view = createCookiesView(services.deferred.cookiesView, results, documents, log, push, command);
  testHooks.set('cookies.results', results);
  testHooks.set('cookies.provider', view.provider);
  testHooks.set('cookies.treeView', view.treeView);

  /**
   * Decodes `input` with every secret known (SecretStorage, .env, the workspace's code, `adHoc`) and the workspace's
   * session setups, and stores the result in the Cookies view (a browser's replaces its previous one).
   */
  async function decodeToResult(input: string, adHoc: { label: string; value: string }[], nowMs: number, browser?: BrowserTag): Promise<CookieResult | { error: string }> {
    log.addSecretValues(adHoc.map((s) => s.value));
    const given: LabeledSecret[] = [...await secrets.list(), ...adHoc.map((s) => ({ ...s, origin: 'adHoc' as const }))];
    // What the workspace's code says: each cookie name's format, the secret its code names, salt and expiry.
    const hints = await setups.hints();
    const fromCode = hints.flatMap((h) => h.secrets ?? []).filter((s, i, all) => !given.some((g) => g.value === s.value) && all.findIndex((o) => o.value === s.value) === i);
    const known: LabeledSecret[] = [...given, ...fromCode.map((s) => ({ label: s.label, value: s.value, origin: 'env' as const }))];
    const result = await cookieDecoder().decodeCookies(input, { secrets: given.map(({ label, value }) => ({ label, value })), nowMs, hints });
    if ('error' in result) return result;
    // Stored with every secret value removed from its strings; the secrets themselves are not kept.
    const stored = results.add({ input, cookies: result.cookies, inputWarnings: result.warnings, secretLabels: known.map((s) => s.label), nowMs, ...(browser ? { browser } : {}) },
      [...known.map((s) => s.value), ...adHoc.map((s) => s.value)]);
    log.info(COMPONENT, `decoded ${result.cookies.length} cookie(s)${browser ? ` of ${browser.label}` : ''}: ${result.cookies.map((c) => `${c.format}/${c.verified}`).join(', ')}`);
    return stored;
  }

  /** Decodes, adds the result to the Cookies view and selects its cookie there; returns the result shown. */
  async function decodeAndShow(input: string, adHoc: { label: string; value: string }[] = [], nowMs = Date.now()): Promise<CookieResult | undefined> {
    const stored = await decodeToResult(input, adHoc, nowMs);
    if ('error' in stored) {
      void vscode.window.showWarningMessage(`Session Lens: ${stored.error}`);
      return undefined;
    }
    await describeOwners(stored);
    await view.show(stored);
    return stored;
  }

  /**
   * Whose session each cookie carries and what it holds, when a connected store has it (each store asked for at
   * most OWNER_LOOKUP_MS). With `markStale`, a session no connected store holds is said so (a browser's cookie of a
   * session logged out server-side); a pasted cookie says it only when the user reveals it.
   */
  async function describeOwners(result: CookieResult, markStale = false): Promise<void> {
    const sources = services.sessionSources.all();
    if (sources.length === 0) return;
    for (const [index, cookie] of result.cookies.entries()) {
      if (!cookie.sid) continue;
      let answered = 0;
      let owner = false;
      for (const source of sources) {
        const record = await withTimeout(source.get(cookie.sid), OWNER_LOOKUP_MS).then((r) => { if (source.state.kind === 'connected') answered += 1; return r; }, () => undefined);
        if (!record) continue;
        // Whose session and what it holds; the data is shown as the store has it (binary values stay unparsed).
        view.provider.setSidState(view.provider.sidNode(result.id, index), 'found', `${record.user ?? 'anonymous'} · ${source.label}`, record.data ?? undefined);
        owner = true;
        break;
      }
      // A store still loading or not answering says nothing; only stores that answered make a session stale.
      if (!owner && markStale && answered > 0) view.provider.setSidState(view.provider.sidNode(result.id, index), 'notFound');
    }
  }

  const browserSources = new BrowserSources(services, results, decodeToResult, describeOwners);
  push(browserSources);
  testHooks.set('cookies.browsers', browserSources);
  registerBrowserCommands(browserSources, view, command, services);
  const hasBrowsersKey = new ContextKey('sessionLens.cookies.hasBrowsers');
  push(browserSources.onDidChange(() => hasBrowsersKey.set(browserSources.list().length > 0)));

  command('sessionLens.decodeCookie', 'Decode Cookie', async (arg?: DecodeArg) => {
    if (typeof arg === 'string') return decodeAndShow(arg);
    if (arg && typeof arg === 'object' && typeof arg.input === 'string') return decodeAndShow(arg.input, arg.secrets ?? [], arg.nowMs);
    const input = await askForCookie();
    return input === undefined ? undefined : decodeAndShow(input);
  });

  /** The input box for a cookie, pre-filled with the editor's selection or the clipboard when either holds one. */
  async function askForCookie(): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    const selected = editor ? editor.selections.map((s) => editor.document.getText(s)).join('\n').trim() : '';
    const { looksLikeCookie } = cookieDecoder();
    const prefill = looksLikeCookie(selected) ? selected : (await prompts.clipboardText()).trim();
    return prompts.inputBox({
      title: 'Session Lens: Decode Cookie',
      prompt: 'A cookie value, name=value, a Cookie: header, a Set-Cookie line, a devtools row or curl -b/-H arguments',
      placeHolder: 'connect.sid=s%3A…',
      value: looksLikeCookie(prefill) ? prefill : undefined,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() ? undefined : 'Paste a cookie to decode'),
    });
  }

  // "Try another secret…": decodes again with one more secret, asked for hidden, used once and never stored.
  command('sessionLens.decodeCookieWithSecret', 'Try Another Secret', async (arg?: TryAnotherSecretArg) => {
    const input = typeof arg?.input === 'string' ? arg.input : await askForCookie();
    if (input === undefined) return undefined;
    const secret = typeof arg?.secret === 'string' ? arg.secret : await prompts.inputBox({
      title: 'Session Lens: Try Another Secret',
      prompt: 'A signing secret or key to verify this cookie with (hex: or base64: give raw bytes). Used once: not stored, not shown.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text ? undefined : 'The secret is empty'),
    });
    if (!secret) return undefined;
    return decodeAndShow(input, [{ label: AD_HOC_LABEL, value: secret }], arg?.nowMs);
  });

  command('sessionLens.decodeCookieSelection', 'Decode Cookie', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new Error('no editor is active');
    const selected = editor.selections.map((s) => editor.document.getText(s)).join('\n').trim();
    const text = selected || editor.document.lineAt(editor.selection.active.line).text.trim();
    if (!text) {
      void vscode.window.showInformationMessage('Session Lens: select a cookie to decode.');
      return undefined;
    }
    return decodeAndShow(text);
  });

  command('sessionLens.signCookie', 'Sign Cookie', (arg?: Parameters<typeof signCookieCommand>[2]) => signCookieCommand(services, documents, arg));

  command('sessionLens.addSigningSecret', 'Add Signing Secret', async (arg?: { label: string; value: string }) => {
    let label = arg?.label;
    let value = arg?.value;
    if (label === undefined) {
      label = await vscode.window.showInputBox({ title: 'Session Lens: Add Signing Secret (1/2)', prompt: 'A label to recognize this secret by (shown instead of the value)', placeHolder: 'dev server SESSION_SECRET', ignoreFocusOut: true, validateInput: (t) => (t.trim() ? undefined : 'A label is needed') });
      if (label === undefined) return false;
    }
    if (value === undefined) {
      value = await vscode.window.showInputBox({ title: 'Session Lens: Add Signing Secret (2/2)', prompt: 'The secret (hex: or base64: prefixes give raw key bytes). Kept in VS Code\'s secret storage, never shown again.', password: true, ignoreFocusOut: true, validateInput: (t) => (t ? undefined : 'The secret is empty') });
      if (value === undefined) return false;
    }
    await secrets.add(label, value);
    void vscode.window.showInformationMessage(`Session Lens: signing secret "${label.trim()}" stored.`);
    return true;
  });

  command('sessionLens.removeSigningSecret', 'Remove Signing Secret', async (arg?: string) => {
    let label = arg;
    if (label === undefined) {
      const labels = await secrets.storedLabels();
      if (labels.length === 0) {
        void vscode.window.showInformationMessage('Session Lens: no signing secret is stored. (.env secrets are removed by editing the file.)');
        return false;
      }
      label = await vscode.window.showQuickPick(labels, { title: 'Session Lens: Remove Signing Secret', placeHolder: 'The secret to remove' });
      if (label === undefined) return false;
    }
    const removed = await secrets.remove(label);
    void vscode.window.showInformationMessage(removed ? `Session Lens: signing secret "${label}" removed.` : `Session Lens: no stored signing secret is labelled "${label}".`);
    return removed;
  });

  command('sessionLens.listSigningSecrets', 'List Signing Secrets', async () => {
    const all = await secrets.list();
    const origin = { secretStorage: 'secret storage', env: '.env file', adHoc: 'this session' } as const;
    const lines = ['# Session Lens: signing secrets', '', 'Values are never shown. The decoder tries them in this order.', ''];
    if (all.length === 0) lines.push('No signing secret yet: run "Session Lens: Add Signing Secret…" or put SESSION_SECRET (or a similar name) in a .env file of a trusted workspace.');
    else lines.push('| # | Label | From |', '|---|---|---|', ...all.map((s, i) => `| ${i} | ${s.label.replace(/\|/g, '\\|')} | ${origin[s.origin]} |`));
    if (!vscode.workspace.isTrusted) lines.push('', '.env files are not read: this workspace is not trusted.');
    const uri = documents.addText('Signing Secrets', `${lines.join('\n')}\n`, all.map((s) => s.value));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    return all.map((s) => s.label);
  });

  // The session id node's command (Enter or click), and from the palette: the session of the cookie selected in the
  // Cookies view, else of the newest result (asked when it names several). True only when found and revealed.
  command('sessionLens.openSessionFromCookie', 'Open Session', async (arg?: { sid?: string } | CookiesNode) => {
    const node = arg && 'type' in arg ? arg : undefined;
    const target = node ?? (arg && 'sid' in arg && typeof arg.sid === 'string' ? undefined : view.treeView.selection[0]);
    const sid = arg && 'sid' in arg && typeof arg.sid === 'string' ? arg.sid : await sidOfNode(target);
    if (!sid) return false;
    const sidNode = target && target.type !== 'result' && target.type !== 'folded' && view.provider.cookieOf(target)?.sid === sid ? view.provider.sidNode(target.resultId, target.index) : undefined;
    const available = (await vscode.commands.getCommands(true)).includes('sessionLens.revealSession');
    if (!available) {
      void vscode.window.showInformationMessage(`Session Lens: no Sessions view is connected, so session ${sid} cannot be opened. Connect a store in the Sessions view first.`);
      if (sidNode) view.provider.setSidState(sidNode, 'notFound');
      return false;
    }
    const found = (await vscode.commands.executeCommand<boolean>('sessionLens.revealSession', { sid })) === true;
    if (sidNode) view.provider.setSidState(sidNode, found ? 'found' : 'notFound');
    return found;
  });

  /** The session id of a Cookies view node (its cookie's), else of the newest result. */
  async function sidOfNode(node: CookiesNode | undefined): Promise<string | undefined> {
    const own = node ? view.provider.cookieOf(node)?.sid : undefined;
    if (own) return own;
    const result = node ? view.provider.resultOf(node) : results.newest();
    const withSid = result?.cookies.filter((c) => c.sid) ?? [];
    if (withSid.length === 0) {
      void vscode.window.showInformationMessage('Session Lens: no decoded cookie names a session id; decode a session cookie first.');
      return undefined;
    }
    if (withSid.length === 1) return withSid[0].sid!;
    const pick = await vscode.window.showQuickPick(withSid.map((c) => ({ label: c.name ?? '(unnamed cookie)', description: c.sid!, sid: c.sid! })),
      { title: 'Session Lens: Open Session', placeHolder: 'The cookie whose session to open' });
    return pick?.sid;
  }

  services.deferred.cookieHover.attach(new CookieHoverProvider(secrets, setups, log));
}
