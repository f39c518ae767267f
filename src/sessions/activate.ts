// The Sessions view: one tree for every session store (Redis and PostgreSQL connections, attached Node
// processes), its model, commands, the session-lens: file system for editing, and the connections' status bar.
import * as vscode from 'vscode';
import { ContextKey } from '../common/contextKey';
import type { Services } from '../common/services';
import { SessionsModel } from '../core/sessions/sessionsModel';
import { storeText } from '../setups/activate';
import { ConnectionSpec, StoreConnections, storeKindOf } from './storeConnections';
import { registerSessionCommands } from './sessionCommands';
import { SessionFileSystem } from './sessionFileSystem';
import { SessionsTreeProvider, StoreOffer, TreeSettings } from './sessionsTreeProvider';

function treeSettings(): TreeSettings {
  const config = vscode.workspace.getConfiguration('sessionLens');
  return {
    groupByUser: config.get<boolean>('sessions.groupByUser', false),
    expiringSoonSeconds: config.get<number>('sessions.expiringSoonMinutes', 5) * 60,
  };
}

/** Registers the sessions feature's view, commands and providers. */
export function activateSessionsView(services: Services): void {
  const { context, log, sessionSources } = services;
  const subs = context.subscriptions;
  const config = () => vscode.workspace.getConfiguration('sessionLens');
  const model = new SessionsModel({
    pageSize: config().get<number>('redis.pageSize', 200),
    onError: (sourceId, err) => log.warn('sessions', `${sourceId}: ${err instanceof Error ? err.message : String(err)}`),
  });
  subs.push({ dispose: () => model.dispose() });
  const provider = new SessionsTreeProvider(model, treeSettings(), (sid) => services.browsers.holdersOf(sid));
  subs.push(provider, services.browsers.onDidChangeHolders(() => provider.update()));
  const treeView = services.deferred.sessionsView.attach(provider);
  const connections = new StoreConnections(services);
  subs.push(connections);
  const fileSystem = new SessionFileSystem(sessionSources, (sourceId, id) => void model.reload(sourceId, id));
  subs.push(fileSystem);
  services.deferred.sessionFileSystem.attach(fileSystem);

  const hasSourcesKey = new ContextKey('sessionLens.sessions.hasSources');
  const filteredKey = new ContextKey('sessionLens.sessions.filtered');
  const updateView = () => {
    const { loaded, shown, more } = model.counts();
    const sources = sessionSources.all().length;
    treeView.description = sources === 0 ? undefined
      : model.filter ? `${shown} of ${loaded}${more ? '+' : ''} · filter "${model.filter}"` : `${loaded}${more ? '+' : ''} session${loaded === 1 ? '' : 's'}`;
    treeView.badge = sources === 0 || loaded === 0 ? undefined : { value: model.filter ? shown : loaded, tooltip: `${model.filter ? shown : loaded} sessions` };
    hasSourcesKey.set(sources > 0);
    filteredKey.set(model.filter !== '');
    provider.update();
  };
  const stopModel = model.onDidChange(updateView);
  subs.push({ dispose: stopModel });
  model.setSources(sessionSources.all());
  // Debugger marks (paused request, sessions the last request touched) of attached Node processes.
  const marksSubscriptions = new Map<string, { source: unknown; stop: () => void }>();
  const followMarks = () => {
    const current = new Map(sessionSources.all().map((s) => [s.id, s] as const));
    for (const [id, sub] of marksSubscriptions) {
      if (current.get(id) !== sub.source) { sub.stop(); marksSubscriptions.delete(id); }
    }
    for (const [id, source] of current) {
      const onMarksChange = (source as { onMarksChange?: unknown }).onMarksChange;
      if (source.kind !== 'inspector' || typeof onMarksChange !== 'function' || marksSubscriptions.has(id)) continue;
      const stop = (onMarksChange as (listener: () => void) => () => void).call(source, () => provider.update());
      marksSubscriptions.set(id, { source, stop });
    }
  };
  followMarks();
  subs.push({ dispose: () => { for (const sub of marksSubscriptions.values()) sub.stop(); marksSubscriptions.clear(); } });
  subs.push(sessionSources.onDidChange(() => { model.setSources(sessionSources.all()); followMarks(); updateView(); }));
  // An empty view needs no refresh at activation: the tree asks for its rows when it is shown.
  if (sessionSources.all().length > 0) updateView();

  // Time to expiry counts down while the view is visible.
  const ticker = setInterval(() => { if (treeView.visible) provider.update(); }, 15_000);
  subs.push({ dispose: () => clearInterval(ticker) });

  subs.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('sessionLens.sessions')) provider.update(treeSettings());
    if (e.affectsConfiguration('sessionLens.redis') || e.affectsConfiguration('sessionLens.connections') || e.affectsConfiguration('sessionLens.userPaths')) {
      // Close what the settings no longer name; re-open configured connections with the new settings.
      connections.closeUnconfigured();
      for (const spec of connections.configured()) {
        if (sessionSources.get(connections.sourceId(spec)) || connections.settings().autoConnect) void connections.connect(spec, { interactive: false });
      }
    }
  }));
  subs.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void connections.autoConnect()));

  registerSessionCommands({ services, model, provider, treeView, connections });

  // With nothing connected, the view says which store the app's code uses, and offers it.
  // With nothing connected, the view's first rows say which store the app's code uses and offer it. Worked out
  // only while the view is visible: reading the code costs nothing in workspaces that never open it.
  let offerRound = 0;
  const offerAppStore = async () => {
    if (!treeView.visible) return;
    // Only the newest round applies: an older one that answers late would show what the code said before.
    const round = ++offerRound;
    if (sessionSources.all().length > 0) { provider.setOffers([]); return; }
    const offer = await appStoreOffer(services, connections).catch((err: unknown) => {
      log.warn('sessions', `cannot read the app's session store: ${String(err)}`);
      return undefined;
    });
    if (round === offerRound) provider.setOffers(offer ? offerRows(offer) : []);
  };
  subs.push(sessionSources.onDidChange(() => void offerAppStore()), services.setups.onDidChange(() => void offerAppStore()),
    treeView.onDidChangeVisibility(() => void offerAppStore()));
  void offerAppStore();
  subs.push(vscode.commands.registerCommand('sessionLens.connectAppStore', async () => {
    const offer = await appStoreOffer(services, connections);
    if (!offer?.spec) {
      void vscode.window.showInformationMessage(offer ? `Session Lens: ${offer.summary} (${offer.where}).` : 'Session Lens found no session store in the workspace\'s code and .env files.');
      return false;
    }
    const connected = await connections.connect(offer.spec, { interactive: true });
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    return connected;
  }));

  services.testHooks.set('sessions.model', model);
  services.testHooks.set('sessions.provider', provider);
  services.testHooks.set('sessions.treeView', treeView);
  services.testHooks.set('sessions.connections', connections);
  services.testHooks.set('sessions.sources', sessionSources);

  void connections.autoConnect().catch((err: unknown) => log.error('redis', 'automatic connection failed', err));
}

interface AppStoreOffer {
  /** What the code says, in one line. */
  summary: string;
  /** Where the code says it (`file:line`). */
  where: string;
  /** Set when Session Lens can connect to that store. */
  spec?: ConnectionSpec;
}

/** The store the app's code uses, as the empty Sessions view describes it; `spec` when Session Lens can connect to it. */
async function appStoreOffer(services: Services, connections: StoreConnections): Promise<AppStoreOffer | undefined> {
  if (!vscode.workspace.isTrusted) return undefined;
  const fromCode = [...await connections.discover(), ...await connections.discoverSessionFiles()].find((spec) => spec.fromCode);
  if (fromCode) {
    const kind = storeKindOf(fromCode.url);
    if (kind === 'files') return { spec: fromCode, where: fromCode.fromCode!, summary: `session-file-store · ${fromCode.url.replace(/^file:/, '')}` };
    if (kind === 'sqlite') return { spec: fromCode, where: fromCode.fromCode!, summary: `SQLite · ${fromCode.url.replace(/^sqlite:/, '')} (read-only)` };
    const where = kind === 'postgres' ? `table ${fromCode.schema ? `${fromCode.schema}.` : ''}${fromCode.table ?? 'session'}` : `prefix ${fromCode.prefix}`;
    return { spec: fromCode, where: fromCode.fromCode!, summary: `${kind === 'postgres' ? 'connect-pg-simple' : 'connect-redis'} · ${where} · ${fromCode.name}` };
  }
  const setup = (await services.setups.setups()).find((s) => s.store);
  if (!setup?.store) return undefined;
  const where = `${setup.file}:${setup.line}`;
  const kind = setup.store.kind;
  if (kind === 'MemoryStore' || kind === 'memorystore') return { where, summary: `The app keeps sessions in memory (${kind}): start it under the debugger, or attach to it` };
  if (kind === 'connect-redis') return { where, summary: `The app keeps sessions in Redis (connect-redis, prefix ${setup.store.prefix ?? 'sess:'}): connect with its URL` };
  if (kind === 'connect-pg-simple') return { where, summary: `The app keeps sessions in PostgreSQL (connect-pg-simple, table ${setup.store.table ?? 'session'}): connect with its URL` };
  return { where, summary: `The app keeps sessions in ${storeText(setup).replace(/^store /, '')}: Session Lens does not read this store yet` };
}

function offerRows(offer: AppStoreOffer): StoreOffer[] {
  const first: StoreOffer = offer.spec
    ? { label: 'Connect to the app\'s session store', description: offer.summary, tooltip: `Found in ${offer.where}`, icon: 'plug',
      command: { command: 'sessionLens.connectAppStore', title: 'Connect to the App\'s Session Store' } }
    : { label: offer.summary, tooltip: `Found in ${offer.where}`, icon: 'info' };
  return [
    first,
    { label: 'Connect to Session Store…', icon: 'database', command: { command: 'sessionLens.connectRedis', title: 'Connect to Session Store…' } },
    { label: 'Attach to Node Process…', icon: 'debug-alt', command: { command: 'sessionLens.attachNodeProcess', title: 'Attach to Node Process…' } },
  ];
}
