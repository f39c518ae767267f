// The Node processes Session Lens is attached to: each is an `InspectorSessionSource` in the shared
// registry that the Sessions view shows. Attaching is always the user's choice (a command, or a debug
// session they started with following on); detaching removes the wrappers from the process.
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { DisposableStore } from '../common/lifecycle';
import { addressEndpoint } from '../core/inspector/endpoint';
import { inspectorSource } from '../common/featureBundles';
import type { InspectorSessionSource, InspectorEndpoint } from '../core/inspector/inspectorSource';

export const COMPONENT = 'inprocess';

export class InProcessController extends DisposableStore {
  private readonly attached = new Map<string, InspectorSessionSource>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when a process is attached or detached. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly services: Services) {
    super();
    this.register({ dispose: () => { for (const id of [...this.attached.keys()]) this.services.sessionSources.remove(id); } });
    // Another feature (e.g. the view's remove action) may take a source out of the registry.
    this.register(services.sessionSources.onDidChange(() => {
      let pruned = false;
      for (const [id, source] of this.attached) {
        if (services.sessionSources.get(id) !== source) { this.attached.delete(id); pruned = true; }
      }
      if (pruned) this.changed.fire();
    }));
  }

  /** Attached sources (by inspector address and by debug session). */
  all(): InspectorSessionSource[] {
    return [...this.attached.values()];
  }

  get(id: string): InspectorSessionSource | undefined {
    return this.attached.get(id);
  }

  /** Attaches to the process behind a loopback inspector address; rejects with a clear message. */
  async attachAddress(address: string, options: { label?: string; heapScan?: boolean } = {}): Promise<InspectorSessionSource> {
    const endpoint = addressEndpoint(address);
    return this.attach(endpoint, { id: `inspector:${endpoint.description}`, label: options.label ?? `Node process ${endpoint.description}`, heapScan: options.heapScan });
  }

  async attach(endpoint: InspectorEndpoint, options: { id: string; label: string; heapScan?: boolean }): Promise<InspectorSessionSource> {
    const log = this.services.log;
    const source = new (inspectorSource().InspectorSessionSource)(endpoint, {
      id: options.id,
      label: options.label,
      heapScan: options.heapScan,
      log: (message) => log.info(COMPONENT, message),
    });
    try {
      await source.start();
    } catch (err) {
      await source.close();
      throw err;
    }
    if (source.stores.length === 0 && endpoint.reconnect) {
      log.info(COMPONENT, `${endpoint.description}: no session store yet; looking again while attached`);
    }
    source.onStateChange((state) => {
      if (state.kind === 'disconnected') log.warn(COMPONENT, `${source.label}: ${state.reason}${state.retrying ? ' (retrying)' : ''}`);
      if (state.kind === 'connected') log.info(COMPONENT, `${source.label}: connected`);
    });
    this.attached.set(source.id, source);
    this.services.sessionSources.add(source);
    this.changed.fire();
    return source;
  }

  /** Removes the source from the view; its `close` removes the wrappers from the process. */
  detach(id: string): void {
    if (!this.attached.delete(id)) return;
    this.services.sessionSources.remove(id);
    this.changed.fire();
  }
}
