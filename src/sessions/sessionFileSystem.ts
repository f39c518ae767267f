// `session-lens:/<source>/<sid>.json`: a session opened as JSON in an editor. Saving writes it back to the
// store, keeping its TTL, and is refused (the editor keeps the user's text) when the session changed or
// expired since it was opened.
import * as vscode from 'vscode';
import type { SessionRegistryLike } from './sessionCommands';
import { isSessionChangedError } from '../core/sessions/types';

export const SESSION_SCHEME = 'session-lens';

export function sessionUri(sourceId: string, id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SESSION_SCHEME, path: `/${encodeURIComponent(sourceId)}/${encodeURIComponent(id)}.json` });
}

export function parseSessionUri(uri: vscode.Uri): { sourceId: string; id: string } {
  const m = /^\/([^/]+)\/([^/]+)\.json$/.exec(uri.path);
  if (!m) throw vscode.FileSystemError.FileNotFound(uri);
  return { sourceId: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) };
}

interface OpenedSession {
  /** The stored text when it was read (or last saved): the base for compare-and-set. */
  base: string | undefined;
  mtime: number;
  size: number;
  readonly: boolean;
}

export class SessionFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly opened = new Map<string, OpenedSession>();

  constructor(private readonly registry: SessionRegistryLike, private readonly onSaved: (sourceId: string, id: string) => void) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => {});
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const known = this.opened.get(uri.toString());
    if (known) return { type: vscode.FileType.File, ctime: known.mtime, mtime: known.mtime, size: known.size, ...(known.readonly ? { permissions: vscode.FilePermission.Readonly } : {}) };
    await this.readFile(uri);
    return this.stat(uri);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { sourceId, id } = parseSessionUri(uri);
    const source = this.registry.get(sourceId);
    if (!source) throw vscode.FileSystemError.Unavailable(`the store ${sourceId} is not connected`);
    const record = await source.get(id);
    if (!record) throw vscode.FileSystemError.FileNotFound(`session ${id} does not exist (any more) in ${source.label}`);
    const isJson = record.data !== null;
    const text = isJson
      ? `${JSON.stringify(record.data, null, 2)}\n`
      : `// This value is not JSON, so it is shown read-only.\n// ${(record.raw ?? '').replace(/\n/g, ' ')}\n`;
    const bytes = Buffer.from(text, 'utf8');
    const previous = this.opened.get(uri.toString());
    this.opened.set(uri.toString(), {
      base: record.value ?? (isJson ? JSON.stringify(record.data) : undefined),
      mtime: Math.max(Date.now(), (previous?.mtime ?? 0) + 1),
      size: bytes.length,
      readonly: !isJson || !source.writable,
    });
    return bytes;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const { sourceId, id } = parseSessionUri(uri);
    const source = this.registry.get(sourceId);
    if (!source) throw vscode.FileSystemError.Unavailable(`the store ${sourceId} is not connected; your text is kept in the editor`);
    const opened = this.opened.get(uri.toString());
    if (!opened) throw vscode.FileSystemError.Unavailable('open the session from the Sessions view before saving it');
    if (opened.readonly || !source.writable) throw vscode.FileSystemError.NoPermissions(`${source.label} is read-only or the value is not JSON; nothing was written`);
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(content).toString('utf8'));
    } catch (err) {
      throw vscode.FileSystemError.Unavailable(`not saved: the text is not valid JSON (${(err as Error).message}); your text is kept in the editor`);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw vscode.FileSystemError.Unavailable('not saved: a session must be a JSON object; your text is kept in the editor');
    }
    try {
      await source.set(id, data, { expectRaw: opened.base });
    } catch (err) {
      if (isSessionChangedError(err)) {
        throw vscode.FileSystemError.Unavailable(`not saved: ${(err as Error).message}. Your text is kept: copy it, then reopen the session to merge.`);
      }
      throw vscode.FileSystemError.Unavailable(`not saved: ${(err as Error).message}; your text is kept in the editor`);
    }
    opened.base = JSON.stringify(data);
    opened.mtime = Math.max(Date.now(), opened.mtime + 1);
    opened.size = content.byteLength;
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    this.onSaved(sourceId, id);
  }

  readDirectory(): [string, vscode.FileType][] { return []; }
  createDirectory(): void { throw vscode.FileSystemError.NoPermissions('sessions cannot be created as folders'); }
  delete(): void { throw vscode.FileSystemError.NoPermissions('delete a session from the Sessions view'); }
  rename(): void { throw vscode.FileSystemError.NoPermissions('sessions cannot be renamed'); }

  dispose(): void {
    this.emitter.dispose();
  }
}
