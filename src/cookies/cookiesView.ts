// The Cookies view: the decoder's results as a native tree, and its commands — reveal a cookie's session in the
// Sessions view, copy a payload value or its path, Open as JSON (read-only, in memory), Export as Markdown, Clear.
import * as vscode from 'vscode';
import { ContextKey } from '../common/contextKey';
import type { DeferredTreeView } from '../common/deferred';
import type { Log } from '../common/log';
import { copyText, resultJson, valueAt, valuePath, type CookieResult, type CookieResults } from '../core/cookies/results';
import { CookiesTreeProvider, type CookiesNode } from './cookiesTreeProvider';
import { renderDecoded, type DecodedDocuments } from './decodedDocument';

export const COOKIES_VIEW = 'sessionLens.cookies';
export const COOKIES_JSON_SCHEME = 'session-lens-cookies';
/** How often the countdowns are redrawn while the view is visible. */
const TICK_MS = 15_000;

type Register = <A extends unknown[], R>(id: string, title: string, body: (...args: A) => Promise<R>) => void;

export interface CookiesView {
  readonly provider: CookiesTreeProvider;
  readonly treeView: vscode.TreeView<CookiesNode>;
  /** Shows the view, focused, with the result's first cookie selected. */
  show(result: CookieResult): Promise<void>;
  /** Shows the view, focused, with this node selected. */
  reveal(node: CookiesNode): Promise<void>;
}

/** Serves Open as JSON documents from memory (`session-lens-cookies:/Cookie Result N.json`). */
class JsonDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  add(title: string, text: string): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: COOKIES_JSON_SCHEME, path: `/${title.replace(/[/\\]/g, '_')} (${this.counter}).json` });
    this.texts.set(uri.toString(), text);
    if (this.texts.size > 50) this.texts.delete(this.texts.keys().next().value as string);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '{ "note": "This result is no longer in memory; decode the cookie again." }\n';
  }

  clear(): void {
    this.texts.clear();
  }
}

export function createCookiesView(view: DeferredTreeView<CookiesNode>, results: CookieResults, documents: DecodedDocuments, log: Log, push: (d: vscode.Disposable) => void, command: Register): CookiesView {
  const provider = new CookiesTreeProvider(results);
  push(provider);
  const treeView = view.attach(provider);
  const json = new JsonDocuments();
  push(vscode.workspace.registerTextDocumentContentProvider(COOKIES_JSON_SCHEME, json));
  push({ dispose: () => json.clear() });

  const hasResultsKey = new ContextKey('sessionLens.cookies.hasResults');
  const updateContext = () => hasResultsKey.set(results.list().length > 0);
  push({ dispose: results.onDidChange(updateContext) });
  updateContext();

  // Countdowns run only while someone can see them.
  let ticker: NodeJS.Timeout | undefined;
  const tick = () => {
    if (treeView.visible && results.list().length > 0 && !ticker) {
      provider.refresh();
      ticker = setInterval(() => provider.refresh(), TICK_MS);
    } else if ((!treeView.visible || results.list().length === 0) && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
  push(treeView.onDidChangeVisibility(tick));
  push({ dispose: results.onDidChange(tick) });
  push({ dispose: () => { if (ticker) clearInterval(ticker); } });

  /** The node a context-menu or palette command acts on: its argument, else the view's selection. */
  const target = (arg: unknown): CookiesNode | undefined => {
    if (arg && typeof arg === 'object' && 'type' in arg && 'resultId' in arg) return arg as CookiesNode;
    return treeView.selection[0];
  };

  command('sessionLens.clearCookieResults', 'Clear decoded cookies', async () => {
    results.clear();
    json.clear();
  });

  command('sessionLens.openCookieResultAsJson', 'Open as JSON', async (arg?: CookiesNode) => {
    const node = target(arg);
    const result = node ? provider.resultOf(node) : results.newest();
    if (!result) throw new Error('no decoded cookie to open; decode one first');
    const cookie = node && node.type !== 'result' && node.type !== 'folded' ? node.index : undefined;
    const name = cookie === undefined ? `Cookie Result ${result.id}` : `${result.cookies[cookie]?.name ?? 'Cookie'} of Result ${result.id}`;
    const uri = json.add(name, resultJson(result, cookie));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json').then(undefined, () => doc);
    await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  });

  command('sessionLens.exportCookieResultMarkdown', 'Export as Markdown', async (arg?: CookiesNode) => {
    const node = target(arg);
    const result = node ? provider.resultOf(node) : results.newest();
    if (!result) throw new Error('no decoded cookie to export; decode one first');
    // The stored result holds no secret value (redacted when stored), so nothing more needs removing here.
    const uri = documents.add(result, renderDecoded(result, []));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    return uri;
  });

  command('sessionLens.copyCookieValue', 'Copy value', async (arg?: CookiesNode) => {
    const node = target(arg);
    if (!node || (node.type !== 'value' && node.type !== 'payload' && node.type !== 'stored')) throw new Error('choose a value of a decoded cookie');
    const text = copyText(valueAt(provider.valueRoot(node), node.type === 'value' ? node.path : []));
    await vscode.env.clipboard.writeText(text);
    return text;
  });

  command('sessionLens.copyCookiePath', 'Copy path', async (arg?: CookiesNode) => {
    const node = target(arg);
    if (!node || (node.type !== 'value' && node.type !== 'payload' && node.type !== 'stored')) throw new Error('choose a value of a decoded cookie');
    const text = node.type === 'value' ? valuePath(node.path) : '';
    await vscode.env.clipboard.writeText(text);
    return text;
  });

  async function show(result: CookieResult): Promise<void> {
    await vscode.commands.executeCommand(`${COOKIES_VIEW}.focus`);
    try {
      // Older results fold away; the new one opens with its cookie and what is under it.
      if (results.list().length > 1) await vscode.commands.executeCommand(`workbench.actions.treeView.${COOKIES_VIEW}.collapseAll`);
      await treeView.reveal(provider.firstCookieNode(result), { select: true, focus: true, expand: 2 });
    } catch (err) {
      // The result is listed either way; only the selection is missing.
      log.debug('cookies', `could not select the new cookie: ${String(err)}`);
    }
  }

  async function reveal(node: CookiesNode): Promise<void> {
    await vscode.commands.executeCommand(`${COOKIES_VIEW}.focus`);
    await treeView.reveal(node, { select: true, focus: true, expand: true });
  }

  return { provider, treeView, show, reveal };
}
