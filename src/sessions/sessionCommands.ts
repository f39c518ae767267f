// The Sessions view's commands: open/save as JSON, delete (= log out), log a user out everywhere, extend
// TTL, copy sid / signed cookie / curl, filter, group, refresh, load more, reveal (by sid or from a cookie).
import * as vscode from 'vscode';
import { runCommand } from '../common/log';
import type { Services } from '../common/services';
import { cookieDecoder } from '../common/featureBundles';
import { signCookie } from '../core/cookies/sign';
import { shortId } from '../core/sessions/describe';
import { shellQuote } from '../core/shell';
import { listAllSessions } from '../core/sessions/listAll';
import type { SessionsModel } from '../core/sessions/sessionsModel';
import type { SessionRecord, SessionSource } from '../core/sessions/types';
import type { StoreConnections } from './storeConnections';
import { sessionUri } from './sessionFileSystem';
import type { SessionsNode, SessionsTreeProvider } from './sessionsTreeProvider';
import type { SessionSourceRegistry } from './sourceRegistry';

export type SessionRegistryLike = Pick<SessionSourceRegistry, 'get'>;

const COMPONENT = 'sessions';

/** What a session command receives: a tree node, or `{ sid, sourceId? }` from another feature or a test. */
type SessionArg = SessionsNode | { sid: string; sourceId?: string } | undefined;
/** Automation (tests, other features) may skip the confirmation of a destructive action. */
interface ActionOptions { confirmed?: boolean }

interface Deps {
  services: Services;
  model: SessionsModel;
  provider: SessionsTreeProvider;
  treeView: vscode.TreeView<SessionsNode>;
  connections: StoreConnections;
}

export function registerSessionCommands(deps: Deps): void {
  const { services, model, provider, treeView, connections } = deps;
  const { log } = services;
  // The command's result (e.g. the number of sessions deleted) is handed back to callers such as tests.
  const register = (id: string, title: string, body: (...args: never[]) => Promise<unknown>) => {
    services.context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      let result: unknown;
      await runCommand(log, COMPONENT, title, async () => { result = await body(...(args as never[])); });
      return result;
    }));
  };

  /** The session a command is about, with its live source. */
  const resolve = async (arg: SessionArg): Promise<{ source: SessionSource; record: SessionRecord }> => {
    let sid: string | undefined;
    let sourceId: string | undefined;
    if (arg && 'type' in arg) {
      if (arg.type === 'session' || arg.type === 'field') { sid = arg.id; sourceId = arg.sourceId; }
    } else if (arg && typeof arg.sid === 'string') {
      sid = arg.sid;
      sourceId = arg.sourceId;
    } else {
      const selected = treeView.selection[0];
      if (selected && (selected.type === 'session' || selected.type === 'field')) { sid = selected.id; sourceId = selected.sourceId; }
    }
    if (!sid) throw new Error('select a session in the Sessions view first');
    const found = model.find(sid, sourceId) ?? (await model.reveal(sid));
    if (!found) throw new Error(`no session ${shortId(sid)} in the connected stores`);
    const source = services.sessionSources.get(found.sourceId);
    if (!source) throw new Error('its store is no longer connected');
    return { source, record: found.record };
  };

  const confirm = async (message: string, action: string, options?: ActionOptions): Promise<boolean> => {
    if (options?.confirmed === true) return true;
    return (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action;
  };

  register('sessionLens.openSession', 'Open session', async (arg: SessionArg) => {
    const { source, record } = await resolve(arg);
    const doc = await vscode.workspace.openTextDocument(sessionUri(source.id, record.id));
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  });

  register('sessionLens.deleteSession', 'Delete session', async (arg: SessionArg, options?: ActionOptions) => {
    const { source, record } = await resolve(arg);
    const ok = await confirm(`Delete session ${shortId(record.id)} (${record.user ?? 'anonymous'})? The browser that holds it is logged out.`, 'Delete', options);
    if (!ok) return false;
    const deleted = await source.destroy(record.id);
    model.forget(source.id, record.id);
    log.info(COMPONENT, `deleted session ${shortId(record.id)} from ${source.label}`);
    if (!deleted) void vscode.window.showInformationMessage(`Session ${shortId(record.id)} was already gone.`);
    return deleted;
  });

  register('sessionLens.logoutUserEverywhere', 'Log user out everywhere', async (arg: SessionArg, options?: ActionOptions) => {
    let sourceId: string;
    let user: string | null;
    if (arg && 'type' in arg && arg.type === 'user') {
      sourceId = arg.sourceId;
      user = arg.user;
    } else {
      const { source, record } = await resolve(arg);
      sourceId = source.id;
      user = record.user;
    }
    if (user === null) throw new Error('this session has no user');
    const source = services.sessionSources.get(sourceId);
    if (!source) throw new Error('its store is no longer connected');
    // Every session of the user, not only the pages loaded in the tree.
    const { sessions } = await listAllSessions(source);
    const theirs = sessions.filter((r) => r.user === user);
    if (theirs.length === 0) return 0;
    const ok = await confirm(`Log ${user} out everywhere? ${theirs.length} session${theirs.length === 1 ? '' : 's'} will be deleted.`, 'Log Out Everywhere', options);
    if (!ok) return 0;
    let count = 0;
    for (const r of theirs) {
      if (await source.destroy(r.id)) count++;
      model.forget(sourceId, r.id);
    }
    log.info(COMPONENT, `logged ${user} out: ${count} session(s) deleted`);
    void vscode.window.showInformationMessage(`Logged ${user} out: ${count} session${count === 1 ? '' : 's'} deleted.`);
    return count;
  });

  register('sessionLens.extendSessionTtl', 'Extend session', async (arg: SessionArg, seconds?: number) => {
    const { source, record } = await resolve(arg);
    let ttl = seconds;
    if (ttl === undefined) {
      const text = await vscode.window.showInputBox({
        title: `Time to live of ${shortId(record.id)}`,
        prompt: 'Seconds from now (e.g. 3600 = 1 hour)',
        value: String(Math.max(record.ttl ?? 0, 3600)),
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 ? undefined : 'a positive whole number of seconds'),
      });
      if (text === undefined) return;
      ttl = Number(text.trim());
    }
    await source.extend(record.id, ttl);
    await model.reload(source.id, record.id);
  });

  register('sessionLens.copySessionId', 'Copy session ID', async (arg: SessionArg) => {
    const { record } = await resolve(arg);
    await vscode.env.clipboard.writeText(record.id);
  });

  const signedCookie = async (sid: string): Promise<string> => {
    const [secret] = await services.secrets.list();
    if (!secret) throw new Error('no signing secret known: add one with the cookie decoder (stored in SecretStorage) or a SESSION_SECRET in .env');
    log.addSecretValues([secret.value]);
    const signed = signCookie('express-session', sid, secret.value);
    if ('error' in signed) throw new Error(signed.error);
    return `${signed.name}=${signed.value}`;
  };

  register('sessionLens.copySignedCookie', 'Copy signed cookie', async (arg: SessionArg) => {
    const { record } = await resolve(arg);
    await vscode.env.clipboard.writeText(await signedCookie(record.id));
    void vscode.window.showInformationMessage(`Copied the signed cookie of session ${shortId(record.id)}.`);
  });

  register('sessionLens.copyCurlCommand', 'Copy curl command', async (arg: SessionArg) => {
    const { record } = await resolve(arg);
    const cookie = await signedCookie(record.id);
    const url = await connections.appUrl();
    const command = `curl -b ${shellQuote(cookie)} ${shellQuote(url)}`;
    await vscode.env.clipboard.writeText(command);
    void vscode.window.showInformationMessage(`Copied a curl command for ${url} with the cookie of session ${shortId(record.id)}.`);
    return command;
  });

  register('sessionLens.refreshSessions', 'Refresh sessions', async (arg?: SessionsNode) => {
    await model.refresh(arg && 'sourceId' in arg ? arg.sourceId : undefined);
  });

  register('sessionLens.loadMoreSessions', 'Load more sessions', async (arg?: SessionsNode) => {
    const ids = arg && 'sourceId' in arg ? [arg.sourceId] : model.snapshots().filter((s) => s.hasMore).map((s) => s.source.id);
    for (const id of ids) await model.loadMore(id);
  });

  register('sessionLens.filterSessions', 'Filter sessions', async (text?: string) => {
    const value = typeof text === 'string' ? text : await vscode.window.showInputBox({ title: 'Filter sessions', prompt: 'Session id, user, or any text in the session', value: model.filter });
    if (value === undefined) return;
    model.setFilter(value);
  });

  register('sessionLens.clearSessionsFilter', 'Clear filter', async () => model.setFilter(''));

  register('sessionLens.toggleGroupByUser', 'Group by user', async () => {
    await vscode.workspace.getConfiguration('sessionLens').update('sessions.groupByUser', !provider.groupByUser, vscode.ConfigurationTarget.Global);
  });

  const reveal = async (sid: string): Promise<boolean> => {
    const found = await model.reveal(sid);
    if (!found) {
      void vscode.window.showInformationMessage(`No session ${shortId(sid)} in the connected stores.`);
      return false;
    }
    await treeView.reveal(provider.sessionNodeFor(found.sourceId, found.record), { select: true, focus: true, expand: true });
    return true;
  };

  register('sessionLens.revealSession', 'Reveal session', async (arg?: { sid?: string } | string) => {
    const sid = typeof arg === 'string' ? arg : arg?.sid;
    if (!sid) throw new Error('no session id given');
    return reveal(sid);
  });

  register('sessionLens.revealSessionFromCookie', 'Reveal session from cookie', async (text?: string) => {
    const input = typeof text === 'string' ? text : await vscode.window.showInputBox({
      title: 'Reveal Session from Cookie',
      prompt: 'Paste a cookie: connect.sid=s%3A…, a Cookie header, or a Set-Cookie line',
      ignoreFocusOut: true,
    });
    if (!input) return false;
    // Decoded into the Cookies view first, so the verdict and the session id node are there; its node reveals the session.
    const decoded = await vscode.commands.executeCommand<{ id: number; cookies: { sid: string | null }[] } | undefined>('sessionLens.decodeCookie', input)
      .then((r) => r, () => undefined);
    const index = decoded?.cookies.findIndex((c) => c.sid) ?? -1;
    if (decoded && index >= 0) {
      return (await vscode.commands.executeCommand<boolean>('sessionLens.openSessionFromCookie', { type: 'sid', resultId: decoded.id, index })) === true;
    }
    const sid = await sidFromCookie(input);
    if (!sid) throw new Error('no session id found in that cookie');
    return reveal(sid);
  });

  register('sessionLens.connectRedis', 'Connect to session store', async (spec?: { url: string; prefix?: string; table?: string; schema?: string; name?: string; allowWrites?: boolean }) => {
    if (spec && typeof spec.url === 'string') {
      return connections.connect({
        name: spec.name ?? 'adHoc', url: spec.url, prefix: spec.prefix ?? connections.settings().prefix, table: spec.table, schema: spec.schema, allowWrites: spec.allowWrites, origin: 'adHoc',
      }, { interactive: true });
    }
    await connections.pickAndConnect();
    // Chosen from the palette or the walkthrough: show where the sessions appear.
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
  });

  register('sessionLens.disconnectSource', 'Disconnect', async (arg?: SessionsNode) => {
    const id = arg && 'sourceId' in arg ? arg.sourceId : services.sessionSources.all()[0]?.id;
    if (!id) return;
    if (/^(redis|postgres|files):/.test(id)) connections.disconnect(id);
    else services.sessionSources.remove(id);
  });

  register('sessionLens.allowWrites', 'Allow writes', async (arg?: SessionsNode) => {
    const source = arg && 'sourceId' in arg ? services.sessionSources.get(arg.sourceId) : undefined;
    if (!source || !('allowWrites' in source)) throw new Error('choose a store connection in the Sessions view');
    const scope = source.kind === 'postgres' ? 'Only rows of its session table are ever touched, one session at a time.' : 'Only keys under its prefix are ever touched.';
    const ok = await confirm(`Allow edits, deletes and TTL changes on ${source.label}? ${scope}`, 'Allow Writes');
    if (!ok) return;
    (source as unknown as { allowWrites(allow: boolean): void }).allowWrites(true);
    provider.update();
  });

  register('sessionLens.setRedisPassword', 'Set store password', async (arg?: SessionsNode) => {
    const sourceId = arg && 'sourceId' in arg ? arg.sourceId : services.sessionSources.all().find((s) => s.kind === 'redis' || s.kind === 'postgres')?.id;
    const spec = sourceId ? connections.specOf(sourceId) : connections.configured()[0];
    if (!spec) throw new Error('no configured store connection: set sessionLens.redis.url or sessionLens.connections, or use Connect to Session Store…');
    if (await connections.askPassword(spec)) await connections.connect(spec, { interactive: true });
  });
}

/** The session id inside a pasted cookie, through the cookie decoder (any format that carries a sid). */
export async function sidFromCookie(input: string): Promise<string | undefined> {
  try {
    const result = await cookieDecoder().decodeCookies(input);
    if (!('error' in result)) {
      const withSid = result.cookies.find((c) => c.sid);
      if (withSid?.sid) return withSid.sid;
    }
  } catch {
    // fall through to the plain forms
  }
  const value = decodeURIComponent(input.trim().replace(/^cookie:\s*/i, '').replace(/^[^=;\s]+=/, '').split(';')[0]);
  if (value.startsWith('s:') && value.lastIndexOf('.') > 2) return value.slice(2, value.lastIndexOf('.'));
  return /^[\w-]{16,64}$/.test(value) ? value : undefined;
}
