// Store connections of the Sessions view (Redis, PostgreSQL): settings (trust-aware), named connections,
// discovery in the workspace (the store the app's code uses, with the URL its .env sets; REDIS_URL- and
// DATABASE_URL-style variables), passwords in SecretStorage, read-only for hosts that are not loopback until
// writes are allowed, and a status bar item with the active one's state.
import * as vscode from 'vscode';
import { DisposableStore } from '../common/lifecycle';
import { workspaceAppUrl } from '../common/appUrl';
import { readWorkspaceEnvFiles } from '../common/envFiles';
import type { Services } from '../common/services';
import { ConnectDecision, RemoteChoice, connectDecision, effectiveSetting, inspectedKey, mayDiscoverInWorkspace, remoteChoiceKey } from '../core/redis/connectionPolicy';
import { findRedisUrls, findStorePrefix } from '../core/redis/discovery';
import { fileSource, postgresSource, redisSource, setupReader, sqliteSource } from '../common/featureBundles';
import { findPostgresUrls } from '../core/postgres/discovery';
import { PostgresTarget, describePostgres, isLoopbackPostgres, parsePostgresUrl } from '../core/postgres/target';
import type { RedisSessionSource } from '../core/redis/redisSessionSource';
import { RedisTarget, describeTarget, isLoopbackTarget, parseRedisUrl } from '../core/redis/url';
import type { SessionSource, SourceState } from '../core/sessions/types';

const COMPONENT = 'connections';

/** The stores Session Lens connects to by URL: `redis://…`, `postgres://…`, `sqlite:FILE`, or `file:DIR` (session-file-store). */
export type StoreKind = 'redis' | 'postgres' | 'sqlite' | 'files';

/** The kind of store a URL names, or undefined. */
export function storeKindOf(url: string): StoreKind | undefined {
  if (/^rediss?(\+sentinel)?:\/\//i.test(url.trim())) return 'redis';
  if (/^postgres(ql)?:\/\//i.test(url.trim())) return 'postgres';
  if (/^file:/i.test(url.trim())) return 'files';
  if (/^sqlite:/i.test(url.trim())) return 'sqlite';
  return undefined;
}

/** A parsed connection target of any kind. */
type ParsedTarget = { kind: 'redis'; target: RedisTarget } | { kind: 'postgres'; target: PostgresTarget } | { kind: 'files'; dir: string } | { kind: 'sqlite'; file: string };

export interface ConnectionSpec {
  name: string;
  url: string;
  /** Redis: the sessions' key prefix. */
  prefix: string;
  /** PostgreSQL: connect-pg-simple's table (default `session`) and schema. */
  table?: string;
  schema?: string;
  allowWrites?: boolean;
  /** Where it came from: user/workspace settings, a .env file, or typed in. */
  origin: 'settings' | 'connections' | 'env' | 'adHoc';
  /** For a store the app's code names: the setup's `file:line`. */
  fromCode?: string;
}

interface RedisSettings {
  url: string;
  prefix: string;
  username: string;
  rejectUnauthorized: boolean;
  caFile: string;
  liveUpdates: 'auto' | 'poll' | 'off';
  pollIntervalSeconds: number;
  commandTimeoutMs: number;
  autoConnect: boolean;
  connections: { name: string; url: string; prefix?: string; table?: string; schema?: string; allowWrites?: boolean }[];
  userPaths: string[];
}

/** The questions a connection may ask; replaceable so tests can answer without a dialog. */
export interface ConnectionPrompts {
  /** Before the first connection to a host that is not loopback: open read-only, allow writes, or cancel. */
  confirmRemote(where: string): Promise<RemoteChoice | undefined>;
  /** An automatic connection skipped such a host: tell the user; true when they want to connect now. */
  remoteSkipped(where: string): Promise<boolean>;
}

/** What `plan` decided for a connection (fired for every connect, so tests can wait on it). */
export interface ConnectionPlanEvent {
  name: string;
  decision: ConnectDecision['action'] | 'cancelled';
  writable?: boolean;
}


export class StoreConnections extends DisposableStore {
  private readonly statusBar: vscode.StatusBarItem;
  private activeId: string | undefined;
  private readonly stateSubscriptions = new Map<string, () => void>();
  private readonly askedNotifications = new Set<string>();
  /** Open connections that a setting names (`redis.url`, `connections`): closed when the setting no longer does. */
  private readonly fromSettings = new Set<string>();
  private readonly planned = this.register(new vscode.EventEmitter<ConnectionPlanEvent>());
  readonly onDidPlan = this.planned.event;
  prompts: ConnectionPrompts = {
    confirmRemote: async (where) => {
      const choice = await vscode.window.showWarningMessage(
        `${where} is not on this machine. Session Lens opens it read-only unless you allow writes (edit, delete, extend) for this connection.`,
        { modal: true }, 'Open Read-Only', 'Allow Writes');
      return choice === 'Allow Writes' ? 'writes' : choice === 'Open Read-Only' ? 'readonly' : undefined;
    },
    remoteSkipped: async (where) => (await vscode.window.showInformationMessage(
      `Session Lens did not connect to ${where} automatically: it is not on this machine.`, 'Connect…')) === 'Connect…',
  };

  constructor(private readonly services: Services) {
    super();
    this.statusBar = this.register(vscode.window.createStatusBarItem('sessionLens.redisConnection', vscode.StatusBarAlignment.Left, 50));
    this.statusBar.name = 'Session Lens: session store connection';
    this.statusBar.command = 'sessionLens.connectRedis';
    this.register(services.sessionSources.onDidChange(() => this.updateStatusBar()));
  }

  /** Settings as they may be used here: in an untrusted workspace, only the user's own (global) values. */
  settings(): RedisSettings {
    const section = vscode.workspace.getConfiguration().inspect<Record<string, unknown>>('sessionLens');
    const get = <T>(key: string, fallback: T): T => effectiveSetting(inspectedKey<T>(section, key), vscode.workspace.isTrusted, fallback);
    return {
      url: get('redis.url', ''),
      prefix: get('redis.prefix', 'sess:') || 'sess:',
      username: get('redis.username', ''),
      rejectUnauthorized: get('redis.tls.rejectUnauthorized', true),
      caFile: get('redis.tls.caFile', ''),
      liveUpdates: get('redis.liveUpdates', 'auto'),
      pollIntervalSeconds: get('redis.pollIntervalSeconds', 5),
      commandTimeoutMs: get('redis.commandTimeoutMs', 5000),
      autoConnect: get('redis.autoConnect', true),
      connections: get('connections', []),
      userPaths: get('userPaths', []),
    };
  }

  /** Configured connections: the `redis.url` setting and the named `connections`. */
  configured(s = this.settings()): ConnectionSpec[] {
    const out: ConnectionSpec[] = [];
    if (s.url) out.push({ name: 'settings', url: s.url, prefix: s.prefix, origin: 'settings' });
    for (const c of s.connections) {
      if (c && typeof c.name === 'string' && typeof c.url === 'string') {
        out.push({ name: c.name, url: c.url, prefix: c.prefix || 'sess:', ...tableOf(c), allowWrites: c.allowWrites === true, origin: 'connections' });
      }
    }
    return out;
  }

  /**
   * The stores the app's code uses with the URL a .env file sets, then REDIS_URL-style variables (with the prefix
   * the code uses) and, when the code uses connect-pg-simple, DATABASE_URL-style ones (trusted workspaces only).
   */
  async discover(): Promise<ConnectionSpec[]> {
    if (!mayDiscoverInWorkspace(vscode.workspace.isTrusted) || !vscode.workspace.workspaceFolders?.length) return [];
    const found: ConnectionSpec[] = [];
    const seen = new Set<string>();
    const envFiles = await readWorkspaceEnvFiles(this.services.log, COMPONENT);
    // First what the app's code says: a connect-redis store, its prefix and the variable of its client's URL.
    // (Read only where a .env file can hold the URL: a workspace without one pays nothing at start-up.)
    const setups = envFiles.length === 0 ? [] : await this.services.setups.setups();
    const redisSetups = setups.filter((s) => s.store?.kind === 'connect-redis');
    const pgSetups = setups.filter((s) => s.store?.kind === 'connect-pg-simple');
    const pgTable = tableOf({ table: pgSetups.find((s) => s.store?.table)?.store?.table ?? undefined });
    for (const target of setupReader().storeTargets([...redisSetups, ...pgSetups], envFiles)) {
      const kind = storeKindOf(target.url);
      if (!kind || seen.has(target.url)) continue;
      seen.add(target.url);
      found.push({ name: `${target.variable} (${target.envFile})`, url: target.url, prefix: target.prefix ?? 'sess:', ...(kind === 'postgres' ? tableOf({ table: target.table }) : {}), origin: 'env', fromCode: `${target.file}:${target.line}` });
    }
    // Then REDIS_URL-like variables, with the prefix the code uses.
    const prefix = redisSetups.find((s) => s.store?.prefix)?.store?.prefix ?? (await this.discoverPrefix()) ?? this.settings().prefix;
    for (const file of envFiles) {
      for (const { variable, url } of findRedisUrls(file.text)) {
        if (seen.has(url)) continue;
        seen.add(url);
        found.push({ name: `${variable} (${file.label})`, url, prefix, origin: 'env' });
      }
      if (pgSetups.length === 0) continue;
      for (const { variable, url } of findPostgresUrls(file.text)) {
        if (seen.has(url)) continue;
        seen.add(url);
        found.push({ name: `${variable} (${file.label})`, url, prefix: 'sess:', ...pgTable, origin: 'env' });
      }
    }
    return found;
  }

  /**
   * The session files of the code's setups that exist in the workspace: session-file-store's directory (its
   * `path`, default `./sessions`), the SQLite database of connect-sqlite3 or better-sqlite3-session-store.
   * Reads the code: called when the view or the quick pick is shown, not at start-up.
   */
  async discoverSessionFiles(): Promise<ConnectionSpec[]> {
    if (!mayDiscoverInWorkspace(vscode.workspace.isTrusted) || !vscode.workspace.workspaceFolders?.length) return [];
    const found: ConnectionSpec[] = [];
    for (const setup of await this.services.setups.setups()) {
      const store = setup.store;
      if (!store?.path) continue;
      const kind = store.kind === 'session-file-store' ? 'files' : store.kind === 'connect-sqlite3' || store.kind === 'better-sqlite3-session-store' ? 'sqlite' : undefined;
      if (!kind) continue;
      const url = `${kind === 'files' ? 'file' : 'sqlite'}:${store.path}`;
      const path = sessionDirectory(url);
      if (found.some((f) => sessionDirectory(f.url) === path)) continue;
      try {
        const type = (await vscode.workspace.fs.stat(vscode.Uri.file(path))).type;
        if (type !== (kind === 'files' ? vscode.FileType.Directory : vscode.FileType.File)) continue;
      } catch {
        continue; // not created yet: the store makes it with the first session
      }
      const table = kind === 'sqlite' && store.table ? { table: store.table } : {};
      found.push({ name: `${kind === 'files' ? 'session files' : 'SQLite'} (${store.path})`, url, prefix: 'sess:', ...table, origin: 'env', fromCode: `${setup.file}:${setup.line}` });
    }
    return found;
  }

  /** The URL of the workspace's app, for curl commands (see workspaceAppUrl). */
  async appUrl(): Promise<string> {
    return (await workspaceAppUrl(this.services.log, COMPONENT)).url;
  }

  /** The PEM of `sessionLens.redis.tls.caFile` (absolute, or relative to the first workspace folder). */
  private async readCaFile(file: string): Promise<string> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = /^([a-z]:)?[\\/]/i.test(file) || !folder ? vscode.Uri.file(file) : vscode.Uri.joinPath(folder, file);
    let text: string;
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    } catch (err) {
      throw new Error(`cannot read the CA file ${file} (sessionLens.redis.tls.caFile): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`the CA file ${file} (sessionLens.redis.tls.caFile) holds no PEM certificate`);
    return text;
  }

  private async discoverPrefix(): Promise<string | undefined> {
    const files = await vscode.workspace.findFiles('**/*.{js,cjs,mjs,ts,cts,mts}', '**/{node_modules,dist,out,build}/**', 300);
    for (const file of files) {
      try {
        const text = Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8');
        if (!text.includes('RedisStore') && !text.includes('connectRedis')) continue;
        const prefix = findStorePrefix(text);
        if (prefix) return prefix;
      } catch {
        // unreadable file: skip
      }
    }
    return undefined;
  }

  /** At start-up: the configured connection, else a loopback store URL of the workspace. Never asks. */
  async autoConnect(): Promise<void> {
    const settings = this.settings();
    if (!settings.autoConnect) return;
    const [first] = this.configured(settings);
    if (first) {
      await this.connect(first, { interactive: false });
      return;
    }
    const discovered = (await this.discover()).find((spec) => {
      try { return isLoopback(this.parse(spec)); } catch { return false; }
    });
    if (discovered) await this.connect(discovered, { interactive: false });
  }

  /** The quick pick of **Connect to Session Store…**: configured and discovered connections, or a URL typed in. */
  async pickAndConnect(): Promise<void> {
    const configured = this.configured();
    const discovered = [...await this.discover(), ...await this.discoverSessionFiles()];
    type Item = vscode.QuickPickItem & { spec?: ConnectionSpec };
    const items: Item[] = [
      ...configured.map((spec) => ({ label: `$(database) ${spec.name}`, description: safeDescribe(spec), detail: whereSessionsAre(spec), spec })),
      ...discovered.map((spec) => ({ label: `$(file) ${spec.name}`, description: safeDescribe(spec), detail: `${spec.fromCode ? `the app's session store (${spec.fromCode})` : 'found in the workspace'} · ${whereSessionsAre(spec)}`, spec })),
      { label: '$(edit) Enter a Redis URL…', alwaysShow: true, detail: 'connect-redis: redis://, rediss://, a cluster node, redis+sentinel://' },
      { label: '$(edit) Enter a PostgreSQL URL…', alwaysShow: true, detail: 'connect-pg-simple: postgres://user@host:port/database' },
      { label: '$(file) Choose an SQLite Database…', alwaysShow: true, detail: 'connect-sqlite3, better-sqlite3-session-store (read-only)' },
      { label: '$(folder) Choose a Session Directory…', alwaysShow: true, detail: 'session-file-store: the folder of <sid>.json files' },
    ];
    const choice = await vscode.window.showQuickPick(items, { title: 'Connect to Session Store', placeHolder: 'Choose a connection, or enter a store URL' });
    if (!choice) return;
    const spec = choice.spec ?? await (choice.label.includes('PostgreSQL') ? this.askPostgresSpec()
      : choice.label.includes('SQLite') ? this.askLocalSpec('sqlite')
      : choice.label.includes('Directory') ? this.askLocalSpec('files')
      : this.askRedisSpec());
    if (spec) await this.connect(spec, { interactive: true });
  }

  /** An SQLite database file or a session directory, chosen in the file dialog. */
  private async askLocalSpec(kind: 'sqlite' | 'files'): Promise<ConnectionSpec | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title: kind === 'sqlite' ? 'The app\'s SQLite session database' : 'The app\'s session directory (session-file-store)',
      canSelectFiles: kind === 'sqlite', canSelectFolders: kind === 'files', canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      ...(kind === 'sqlite' ? { filters: { 'SQLite databases': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] } } : {}),
    });
    const uri = picked?.[0];
    if (!uri || uri.scheme !== 'file') return undefined;
    const spec: ConnectionSpec = { name: '', url: `${kind === 'sqlite' ? 'sqlite' : 'file'}:${uri.fsPath}`, prefix: 'sess:', origin: 'adHoc' };
    return { ...spec, name: safeDescribe(spec) };
  }

  private async askRedisSpec(): Promise<ConnectionSpec | undefined> {
    const url = await vscode.window.showInputBox({
      title: 'Connect to Redis',
      prompt: 'redis://host:port[/db], rediss://…, any cluster node, or redis+sentinel://HOST:PORT/MASTER (the password is asked separately)',
      value: 'redis://127.0.0.1:6379',
      validateInput: (v) => { try { parseRedisUrl(v); return undefined; } catch (err) { return (err as Error).message; } },
    });
    if (!url) return undefined;
    const prefix = await vscode.window.showInputBox({ title: 'Session key prefix', value: this.settings().prefix, validateInput: (v) => (v ? undefined : 'the prefix cannot be empty') });
    if (!prefix) return undefined;
    const spec: ConnectionSpec = { name: '', url, prefix, origin: 'adHoc' };
    return { ...spec, name: safeDescribe(spec) };
  }

  private async askPostgresSpec(): Promise<ConnectionSpec | undefined> {
    const url = await vscode.window.showInputBox({
      title: 'Connect to PostgreSQL',
      prompt: 'postgres://user@host:port/database (the password is asked separately; sslmode=… for TLS)',
      value: 'postgres://postgres@127.0.0.1:5432/postgres',
      validateInput: (v) => { try { parsePostgresUrl(v); return undefined; } catch (err) { return (err as Error).message; } },
    });
    if (!url) return undefined;
    const table = await vscode.window.showInputBox({
      title: 'Session table (connect-pg-simple)', prompt: 'The table the app\'s store uses (tableName), as schema.table when it sets schemaName', value: 'session',
      validateInput: (v) => (v.trim() ? undefined : 'the table cannot be empty'),
    });
    if (!table) return undefined;
    const spec: ConnectionSpec = { name: '', url, prefix: 'sess:', ...tableOf({ table }), origin: 'adHoc' };
    return { ...spec, name: safeDescribe(spec) };
  }

  sourceId(spec: Pick<ConnectionSpec, 'name' | 'url'>): string {
    return `${storeKindOf(spec.url) ?? 'redis'}:${spec.name}`;
  }

  private passwordKey(spec: Pick<ConnectionSpec, 'name' | 'url'>): string {
    return `sessionLens.${storeKindOf(spec.url) ?? 'redis'}.password:${spec.name}`;
  }

  /** The spec's URL parsed for its kind of store, with the password kept in SecretStorage. */
  private parse(spec: ConnectionSpec, stored?: string): ParsedTarget {
    if (storeKindOf(spec.url) === 'files') return { kind: 'files', dir: sessionDirectory(spec.url) };
    if (storeKindOf(spec.url) === 'sqlite') return { kind: 'sqlite', file: sessionDirectory(spec.url) };
    if (storeKindOf(spec.url) === 'postgres') {
      return { kind: 'postgres', target: parsePostgresUrl(spec.url, { ...(stored ? { password: stored } : {}), table: spec.table, schema: spec.schema }) };
    }
    const username = this.settings().username;
    return { kind: 'redis', target: parseRedisUrl(spec.url, { ...(stored ? { password: stored } : {}), ...(username ? { username } : {}) }) };
  }

  /**
   * Decides whether and how a connection may be opened, asking the user before the first connection to
   * a host that is not loopback. Opens nothing: undefined means "do not connect".
   */
  async plan(spec: ConnectionSpec, options: { interactive: boolean }): Promise<{ target: ParsedTarget; writable: boolean } | undefined> {
    const stored = await this.services.context.secrets.get(this.passwordKey(spec));
    const target = this.parse(spec, stored);
    if ((target.kind === 'redis' || target.kind === 'postgres') && target.target.password) this.services.log.addSecretValues([target.target.password]);
    const key = target.kind === 'redis' ? remoteChoiceKey(target.target) : target.kind === 'postgres' ? postgresChoiceKey(target.target) : `sessionLens.remoteWrites:local ${describeStore(target)}`;
    const remembered = this.services.context.globalState.get<RemoteChoice>(key);
    const decision = connectDecision(isLoopback(target), { interactive: options.interactive, remembered, allowWrites: spec.allowWrites });
    const where = describeStore(target);
    switch (decision.action) {
      case 'connect':
        this.planned.fire({ name: spec.name, decision: 'connect', writable: decision.writable });
        return { target, writable: decision.writable };
      case 'skip':
        this.services.log.info(COMPONENT, `not connecting to ${where} automatically: it is not on this machine`);
        this.planned.fire({ name: spec.name, decision: 'skip' });
        void this.prompts.remoteSkipped(where).then((connect) => (connect ? this.connect(spec, { interactive: true }) : undefined))
          .catch((err: unknown) => this.services.log.error(COMPONENT, 'connection failed', err));
        return undefined;
      case 'ask': {
        const choice = await this.prompts.confirmRemote(where);
        if (!choice) {
          this.planned.fire({ name: spec.name, decision: 'cancelled' });
          return undefined;
        }
        await this.services.context.globalState.update(key, choice);
        const writable = choice === 'writes' || spec.allowWrites === true;
        this.planned.fire({ name: spec.name, decision: 'ask', writable });
        return { target, writable };
      }
    }
  }

  /** Opens (or re-opens) a connection and adds it to the Sessions view. */
  async connect(spec: ConnectionSpec, options: { interactive: boolean }): Promise<SessionSource | undefined> {
    const plan = await this.plan(spec, options);
    if (!plan) return undefined;
    const id = this.sourceId(spec);
    const target = plan.target;
    const source = target.kind === 'redis' ? await this.openRedis(id, spec, target.target, plan.writable)
      : target.kind === 'postgres' ? this.openPostgres(id, spec, target.target, plan.writable)
      : target.kind === 'sqlite' ? new (sqliteSource().SqliteSessionSource)({ id, label: `${spec.origin === 'adHoc' ? '' : `${spec.name}: `}${describeStore(target)}`, file: target.file, ...(spec.table ? { table: spec.table } : {}), userPaths: this.settings().userPaths, log: (level, message) => this.services.log[level](COMPONENT, message) })
      : new (fileSource().FileSessionSource)({ id, label: `session files ${target.dir}`, dir: target.dir, writable: plan.writable, userPaths: this.settings().userPaths, log: (level, message) => this.services.log[level](COMPONENT, message) });
    this.services.log.info(COMPONENT, `connecting to ${source.label}${plan.writable ? '' : ' (read-only)'}`);
    this.stateSubscriptions.get(id)?.();
    this.stateSubscriptions.set(id, source.onStateChange((state) => this.onState(source, spec, state, options.interactive)));
    if (spec.origin === 'settings' || spec.origin === 'connections') this.fromSettings.add(id); else this.fromSettings.delete(id);
    this.services.sessionSources.add(source);
    this.activeId = id;
    source.start();
    this.updateStatusBar();
    return source;
  }

  private openPostgres(id: string, spec: ConnectionSpec, target: PostgresTarget, writable: boolean): ReturnType<typeof postgresSource>['PgSessionSource']['prototype'] {
    const settings = this.settings();
    return new (postgresSource().PgSessionSource)({
      id,
      label: `${spec.origin === 'adHoc' ? '' : `${spec.name}: `}${describePostgres(target)}`,
      target,
      writable,
      userPaths: settings.userPaths,
      liveUpdates: settings.liveUpdates === 'off' ? 'off' : 'poll',
      pollIntervalMs: Math.min(settings.pollIntervalSeconds * 1000, 2000),
      connectTimeoutMs: settings.commandTimeoutMs,
      retry: true,
      log: (level, message) => this.services.log[level](COMPONENT, message),
    });
  }

  private async openRedis(id: string, spec: ConnectionSpec, target: RedisTarget, writable: boolean): Promise<RedisSessionSource> {
    const settings = this.settings();
    const tlsCa = target.tls && settings.caFile ? await this.readCaFile(settings.caFile) : undefined;
    return new (redisSource().RedisSessionSource)({
      id,
      label: `${spec.origin === 'adHoc' ? '' : `${spec.name}: `}${describeTarget(target)} (${spec.prefix})`,
      target,
      prefix: spec.prefix,
      writable,
      userPaths: settings.userPaths,
      liveUpdates: settings.liveUpdates,
      pollIntervalMs: settings.pollIntervalSeconds * 1000,
      commandTimeoutMs: settings.commandTimeoutMs,
      tlsRejectUnauthorized: settings.rejectUnauthorized,
      ...(tlsCa !== undefined ? { tlsCa } : {}),
      retry: true,
      log: (level, message) => this.services.log[level](COMPONENT, message),
    });
  }

  private onState(source: SessionSource & { start(): void }, spec: ConnectionSpec, state: SourceState, interactive: boolean): void {
    this.updateStatusBar();
    if (state.kind === 'disconnected') this.services.log.warn(COMPONENT, `${source.label}: ${state.reason}`);
    if (state.kind === 'disconnected' && interactive && /authentication|credentials|password/.test(state.reason) && this.services.sessionSources.get(source.id) === source) {
      // Ask once for the password, then reconnect with it.
      interactive = false;
      void this.askPassword(spec).then((ok) => (ok ? this.connect(spec, { interactive: false }) : undefined));
    }
    if (state.kind === 'connected' && source.kind === 'redis') {
      setTimeout(() => void this.offerNotifications(source as RedisSessionSource), 1000).unref?.();
    }
  }

  private async offerNotifications(source: RedisSessionSource): Promise<void> {
    if (source.liveMode !== 'polling' || !isLoopbackTarget(source.target) || this.askedNotifications.has(source.id) || !source.writable) return;
    if (this.settings().liveUpdates !== 'auto') return;
    this.askedNotifications.add(source.id);
    const choice = await vscode.window.showInformationMessage(
      `Redis keyspace notifications are off on ${describeTarget(source.target)}, so the Sessions view polls. Turn them on for this local server (CONFIG SET notify-keyspace-events K$gx)?`,
      'Turn On', 'Keep Polling');
    if (choice === 'Turn On') await source.enableKeyspaceNotifications();
  }

  async askPassword(spec: Pick<ConnectionSpec, 'name' | 'url'>): Promise<boolean> {
    const password = await vscode.window.showInputBox({ title: `${storeKindOf(spec.url) === 'postgres' ? 'PostgreSQL' : 'Redis'} password for ${spec.name}`, prompt: 'Kept in the OS keychain (SecretStorage), never in settings.', password: true, ignoreFocusOut: true });
    if (password === undefined) return false;
    this.services.log.addSecretValues([password]);
    if (password === '') await this.services.context.secrets.delete(this.passwordKey(spec));
    else await this.services.context.secrets.store(this.passwordKey(spec), password);
    return true;
  }

  /** For commands on a source node: the spec it was opened from. */
  specOf(sourceId: string): ConnectionSpec | undefined {
    return this.configured().find((s) => this.sourceId(s) === sourceId);
  }

  /** After a settings change: closes the connections the settings named and no longer name. */
  closeUnconfigured(): void {
    const configured = new Set(this.configured().map((spec) => this.sourceId(spec)));
    for (const id of [...this.fromSettings]) if (!configured.has(id)) this.disconnect(id);
  }

  disconnect(sourceId: string): void {
    this.fromSettings.delete(sourceId);
    this.stateSubscriptions.get(sourceId)?.();
    this.stateSubscriptions.delete(sourceId);
    this.services.sessionSources.remove(sourceId);
    if (this.activeId === sourceId) this.activeId = undefined;
    this.updateStatusBar();
  }

  private updateStatusBar(): void {
    const stores = this.services.sessionSources.all().filter(isStoreSource);
    const active = stores.find((s) => s.id === this.activeId) ?? stores[0];
    if (!active) {
      this.statusBar.hide();
      return;
    }
    const state = active.state;
    const icon = state.kind === 'connected' ? '$(database)' : state.kind === 'disconnected' ? '$(debug-disconnect)' : '$(loading~spin)';
    const stateText = state.kind === 'disconnected' ? (state.retrying ? 'disconnected — retrying' : 'disconnected') : state.kind;
    this.statusBar.text = `${icon} ${active.id.replace(/^(redis|postgres|sqlite|files):/, '')}${state.kind === 'connected' ? '' : `: ${stateText}`}`;
    this.statusBar.tooltip = `${active.label}\n${state.kind === 'disconnected' ? state.reason : stateText}${active.writable ? '' : '\nread-only'}\nClick to connect to another session store.`;
    this.statusBar.backgroundColor = state.kind === 'disconnected' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.statusBar.show();
  }

  get statusText(): string { return this.statusBar.text; }

  /** The status bar item as the user sees it (for tests). */
  status(): { text: string; tooltip: string; warning: boolean; visible: boolean } {
    const tooltip = this.statusBar.tooltip;
    return {
      text: this.statusBar.text,
      tooltip: typeof tooltip === 'string' ? tooltip : tooltip?.value ?? '',
      warning: this.statusBar.backgroundColor !== undefined,
      visible: this.services.sessionSources.all().some(isStoreSource),
    };
  }

  override dispose(): void {
    for (const stop of this.stateSubscriptions.values()) stop();
    this.stateSubscriptions.clear();
    super.dispose();
  }
}

function safeDescribe(spec: Pick<ConnectionSpec, 'url' | 'table' | 'schema'>): string {
  try {
    const kind = storeKindOf(spec.url);
    if (kind === 'files') return `session files ${sessionDirectory(spec.url)}`;
    if (kind === 'sqlite') return `SQLite ${sessionDirectory(spec.url)}`;
    return kind === 'postgres' ? describePostgres(parsePostgresUrl(spec.url, spec)) : describeTarget(parseRedisUrl(spec.url));
  } catch {
    return 'invalid URL';
  }
}

/** Where the sessions are in the store: the key prefix, or the table. */
function whereSessionsAre(spec: ConnectionSpec): string {
  if (storeKindOf(spec.url) === 'files') return 'session-file-store';
  if (storeKindOf(spec.url) === 'sqlite') return `table ${spec.table ?? 'sessions'} (read-only)`;
  if (storeKindOf(spec.url) !== 'postgres') return `prefix ${spec.prefix}`;
  return `table ${spec.schema ? `${spec.schema}.` : ''}${spec.table ?? 'session'}`;
}

/** `schema.table` (connect-pg-simple's schemaName and tableName as the code reads) split; nothing for none. */
function tableOf(c: { table?: string | null; schema?: string | null }): { table?: string; schema?: string } {
  if (!c.table) return c.schema ? { schema: c.schema } : {};
  if (c.schema) return { table: c.table, schema: c.schema };
  const dot = c.table.indexOf('.');
  return dot > 0 ? { schema: c.table.slice(0, dot), table: c.table.slice(dot + 1) } : { table: c.table };
}

function isLoopback(target: ParsedTarget): boolean {
  return target.kind === 'redis' ? isLoopbackTarget(target.target) : target.kind === 'postgres' ? isLoopbackPostgres(target.target) : true; // files on this machine
}

function describeStore(target: ParsedTarget): string {
  switch (target.kind) {
    case 'redis': return describeTarget(target.target);
    case 'postgres': return describePostgres(target.target);
    case 'sqlite': return `SQLite ${target.file}`;
    case 'files': return `session files ${target.dir}`;
  }
}

/** The path of a `file:DIR` or `sqlite:FILE` URL: absolute, or relative to the first workspace folder (the app's usual cwd). */
function sessionDirectory(url: string): string {
  const path = url.trim().replace(/^(file|sqlite):(\/\/(?=\/))?/i, '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (/^([a-z]:)?[\\/]/i.test(path) || !folder || folder.scheme !== 'file') return path;
  return vscode.Uri.joinPath(folder, path).fsPath;
}

/** The key under which the answer for a PostgreSQL server that is not loopback is remembered (no credentials). */
function postgresChoiceKey(target: PostgresTarget): string {
  const { host, port, database } = target.config;
  return `sessionLens.remoteWrites:postgres ${host ?? ''}:${port ?? 5432}/${database ?? ''}`;
}

/** Sources of the stores opened by URL (not attached Node processes). */
function isStoreSource(source: SessionSource): boolean {
  return source.kind !== 'inspector';
}
