// "Attach to Node Process…": pick a Node process of this machine (or type an inspector address), attach
// through its loopback inspector, and — only after a modal confirmation — open an inspector with SIGUSR1.
import * as vscode from 'vscode';
import { parseInspectorAddress } from '../core/inspector/address';
import type { InProcessController } from './controller';
import { findInspectorAddress, listNodeProcesses, openInspectorAndWait, type NodeProcess } from './processes';

interface ProcessItem extends vscode.QuickPickItem {
  process?: NodeProcess;
  manual?: boolean;
}

/** Arguments for scripted use (tests, other commands): an address skips the picker. */
export interface AttachArgs {
  address?: string;
  heapScan?: boolean;
}

export async function attachNodeProcess(controller: InProcessController, args?: AttachArgs | string): Promise<string | undefined> {
  const given = typeof args === 'string' ? args : args?.address;
  const heapScan = typeof args === 'object' ? args.heapScan : undefined;
  if (given) return (await controller.attachAddress(given, { heapScan })).id;

  const picked = await pickProcess();
  if (!picked) return undefined;
  if (picked.manual) {
    const address = await vscode.window.showInputBox({
      title: 'Attach to Node Process',
      prompt: 'Inspector address of a Node process started with --inspect (loopback only)',
      placeHolder: '127.0.0.1:9229',
      validateInput: (text) => {
        try { parseInspectorAddress(text); return undefined; } catch (err) { return (err as Error).message; }
      },
    });
    if (!address) return undefined;
    return (await attachWithProgress(controller, address, heapScan)).id;
  }
  const proc = picked.process!;
  let address = await findInspectorAddress(proc);
  if (!address) {
    const open = 'Open Inspector and Attach';
    const answer = await vscode.window.showWarningMessage(
      `Process ${proc.pid} has no inspector. Open one?`,
      {
        modal: true,
        detail: `Session Lens will send SIGUSR1 to process ${proc.pid} (${proc.command}). Node then opens its inspector on 127.0.0.1:9229 and keeps it open until the process exits: any program on this machine that can reach that port can run code in the process. Only do this for your own development server.`,
      },
      open,
    );
    if (answer !== open) return undefined;
    address = await openInspectorAndWait(proc);
    if (!address) throw new Error(`process ${proc.pid} did not open an inspector on a loopback port within 5 s`);
  }
  return (await attachWithProgress(controller, address, heapScan, `Node process ${proc.pid} (${address})`)).id;
}

async function pickProcess(): Promise<ProcessItem | undefined> {
  const quickPick = vscode.window.createQuickPick<ProcessItem>();
  quickPick.title = 'Attach to Node Process';
  quickPick.placeholder = 'Pick the Node process whose in-memory sessions to show';
  quickPick.matchOnDetail = true;
  quickPick.busy = true;
  const manual: ProcessItem = { label: '$(plug) Enter inspector address…', description: 'HOST:PORT of a process started with --inspect', manual: true, alwaysShow: true };
  quickPick.items = [manual];
  quickPick.show();
  void listNodeProcesses().then(
    (processes) => {
      quickPick.items = [manual, ...processes.map((p): ProcessItem => ({
        label: `$(server-process) ${p.pid}`,
        description: p.inspectRequested ? (p.inspectFlag ? `inspector on ${p.inspectFlag.host}:${p.inspectFlag.port}` : 'inspector on a random port') : 'no inspector',
        detail: p.command,
        process: p,
      }))];
      quickPick.busy = false;
    },
    (err: unknown) => {
      quickPick.busy = false;
      quickPick.placeholder = `Could not list processes (${(err as Error).message}); enter an inspector address`;
    },
  );
  return new Promise((resolve) => {
    quickPick.onDidAccept(() => { resolve(quickPick.selectedItems[0]); quickPick.dispose(); });
    quickPick.onDidHide(() => { resolve(undefined); quickPick.dispose(); });
  });
}

function attachWithProgress(controller: InProcessController, address: string, heapScan: boolean | undefined, label?: string) {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Session Lens: attaching to ${address}…` },
    () => controller.attachAddress(address, { label, heapScan }),
  );
}

/** "Detach from Node Process": pick one of the attached processes (or the only one). */
export async function detachNodeProcess(controller: InProcessController, id?: string): Promise<void> {
  const sources = controller.all();
  if (id) { controller.detach(id); return; }
  if (sources.length === 0) {
    void vscode.window.showInformationMessage('Session Lens is not attached to any Node process.');
    return;
  }
  const pick = sources.length === 1 ? { id: sources[0].id } : await vscode.window.showQuickPick(
    sources.map((s) => ({ label: s.label, description: s.state.kind, id: s.id })),
    { title: 'Detach from Node Process', placeHolder: 'The wrappers Session Lens added to the process are removed' },
  );
  if (pick) controller.detach(pick.id);
}
