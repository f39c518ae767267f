// The in-process sessions feature: attach to a Node process's inspector (by command) or follow the Node
// programs being debugged with js-debug; each attached process is a source in the Sessions view.
import * as vscode from 'vscode';
import { runCommand } from '../common/log';
import type { Services } from '../common/services';
import { attachNodeProcess, detachNodeProcess, type AttachArgs } from './attachCommand';
import { COMPONENT, InProcessController } from './controller';
import { DebugFollower } from './debugFollower';

export function activateInProcess(services: Services): void {
  const { context, log } = services;
  const controller = new InProcessController(services);
  const follower = new DebugFollower(services, controller);
  context.subscriptions.push(controller, follower);
  services.testHooks.set('inprocess.controller', controller);
  services.testHooks.set('inprocess.follower', follower);
  services.testHooks.set('inprocess.sessionSources', services.sessionSources);

  context.subscriptions.push(
    vscode.commands.registerCommand('sessionLens.attachNodeProcess', (args?: AttachArgs | string) =>
      runCommand(log, COMPONENT, 'Attach to Node Process', () => attachNodeProcess(controller, args))),
    vscode.commands.registerCommand('sessionLens.detachNodeProcess', (id?: string) =>
      runCommand(log, COMPONENT, 'Detach from Node Process', () => detachNodeProcess(controller, typeof id === 'string' ? id : undefined))),
    vscode.commands.registerCommand('sessionLens.toggleFollowDebug', () =>
      runCommand(log, COMPONENT, 'Follow Sessions While Debugging', async () => {
        const on = await follower.toggle();
        void vscode.window.showInformationMessage(on
          ? 'Session Lens follows the sessions of the Node programs you debug and the cookies of the browsers you debug.'
          : 'Session Lens no longer follows debug sessions.');
      })),
  );
}
