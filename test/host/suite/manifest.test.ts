// The manifest as the host sees it: every command link in welcome views and the walkthrough leads to a
// registered command, walkthrough media ship with the extension, and the walkthrough opens.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, screenshot } from './helpers';

interface Manifest {
  contributes: {
    viewsWelcome?: { contents: string }[];
    walkthroughs?: { id: string; steps: { description: string; media: { markdown?: string; image?: string } }[] }[];
  };
}

function commandLinks(text: string): string[] {
  return [...text.matchAll(/\(command:([\w.]+)[^)]*\)/g)].map((m) => m[1]);
}

describe('manifest in the host', () => {
  it('links only to registered commands from welcome views and the walkthrough', async () => {
    await activateExtension();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const manifest = ext.packageJSON as Manifest;
    const texts = [
      ...(manifest.contributes.viewsWelcome ?? []).map((w) => w.contents),
      ...(manifest.contributes.walkthroughs ?? []).flatMap((w) => w.steps.map((s) => s.description)),
    ];
    const links = texts.flatMap(commandLinks);
    assert.ok(links.length >= 5, 'welcome views and walkthrough offer command links');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(links.filter((c) => !registered.has(c)), [], 'links to commands that are not registered');
  });

  it('ships the walkthrough media and opens the walkthrough', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const walkthroughs = (ext.packageJSON as Manifest).contributes.walkthroughs ?? [];
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0].steps;
    assert.deepEqual(steps.length, 3);
    for (const step of steps) {
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && fs.existsSync(path.join(ext.extensionPath, media)), `${media} ships with the extension`);
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${walkthroughs[0].id}`, false);
    await screenshot('walkthrough');
  });
});
