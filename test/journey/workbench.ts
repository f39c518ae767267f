// Drives the VS Code workbench the way a person does: keys, the command palette, what is on screen. Used by
// the journey suite; every step can leave a screenshot in out/journey/ (untracked) for a person to look at.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const ARTIFACTS = resolve(__dirname, '../../out/journey');

export class Workbench {
  private shots = 0;

  /** `logRoot`: the profile's log folder (the extension's log channel writes there). */
  constructor(readonly page: Page, private readonly journey: string, readonly logRoot: string) {
    rmSync(join(ARTIFACTS, journey), { recursive: true, force: true });
    mkdirSync(join(ARTIFACTS, journey), { recursive: true });
  }

  /** Saves `out/journey/<journey>/<NN>-<name>.png`. */
  async screenshot(name: string): Promise<string> {
    this.shots += 1;
    const file = join(ARTIFACTS, this.journey, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async waitForWorkbench(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 90_000 });
    // The status bar's problems entry appears once the workbench has restored its parts.
    await this.page.locator('#status\\.problems').waitFor({ timeout: 90_000 });
    // The extension's contributions are in once its activity bar entry shows (a person waits for it too).
    await this.page.locator('.activitybar [aria-label^="Session Lens"]').first().waitFor({ timeout: 90_000 });
  }

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the command palette (F1), types `text`, waits for the list to settle, and returns the first row's label. */
  async typeInPalette(text: string): Promise<string> {
    await this.page.keyboard.press('F1');
    await this.quickInput.waitFor({ state: 'visible' });
    await this.page.keyboard.type(text);
    const first = this.quickInput.locator('.quick-input-list .monaco-list-row').first();
    await first.waitFor({ state: 'visible' });
    // Filtering happens as keys arrive: the first row is final when it matches every typed word.
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    let seen = '';
    await waitFor(async () => {
      seen = (await first.getAttribute('aria-label')) ?? '';
      return words.every((w) => seen.toLowerCase().includes(w)) ? true : undefined;
    }, 10_000, `the palette to filter for "${text}"`).catch((err: Error) => { throw new Error(`${err.message}; first row: "${seen}"`); });
    return (await first.getAttribute('aria-label')) ?? '';
  }

  /** The palette, then Enter on the first match, as a person does. Returns the label that ran. */
  async runFromPalette(text: string): Promise<string> {
    const label = await this.typeInPalette(text);
    await this.page.keyboard.press('Enter');
    return label;
  }

  /** Ctrl+G, the line number, Enter once the picker offers that line. */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    await this.quickInput.waitFor({ state: 'visible' });
    await this.page.keyboard.type(String(line));
    await this.quickInput.locator('.monaco-list-row', { hasText: `line ${line}` }).first().waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden' });
  }

  /** Ctrl+P (Go to File), the name, Enter once the first match is that file; waits for its tab. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.quickInput.waitFor({ state: 'visible' });
    await this.page.keyboard.type(relativePath);
    const name = relativePath.split('/').pop()!;
    await waitFor(async () => ((await this.quickInput.locator('.monaco-list-row').first().getAttribute('aria-label'))?.includes(name) ? true : undefined), 10_000, `Go to File to find ${relativePath}`);
    await this.page.keyboard.press('Enter');
    await waitFor(async () => ((await this.activeTabLabel()).includes(name) ? true : undefined), 10_000, `${relativePath} to open`);
  }

  /** The title of the open quick input (input box or quick pick). */
  async quickInputTitle(): Promise<string> {
    await this.quickInput.waitFor({ state: 'visible' });
    return (await this.quickInput.locator('.quick-input-title').textContent())?.trim() ?? '';
  }

  /** Visible lines of the active editor, spaces normalised. */
  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible' });
    return ((await lines.innerText()) ?? '').replace(/\u00a0/g, ' ');
  }

  async activeTabLabel(): Promise<string> {
    return (await this.page.locator('.editor-group-container.active .tab.active').first().getAttribute('aria-label')) ?? '';
  }

  /** The rows of a view's tree as shown, e.g. the Sessions view. */
  async treeRows(viewTitle: string): Promise<string[]> {
    const pane = this.page.locator('.pane', { has: this.page.locator(`.pane-header[aria-label^="${viewTitle}"]`) });
    // A row's text holds its label and description (its aria-label only the label).
    return (await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** The messages of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast').evaluateAll((els) => els.map((e) => (e as unknown as { innerText: string }).innerText));
  }

  /** Rows of the Problems panel (opens it with Ctrl+Shift+M if needed). */
  async problems(): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible' });
    return panel.locator('.monaco-list-row').allInnerTexts();
  }

  /** With a context menu open, moves down to the item labelled `label` and runs it with Enter. */
  async chooseMenuItem(label: string): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible' });
    const items = await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts();
    if (!items.some((t) => t.trim() === label)) throw new Error(`no "${label}" in the context menu: ${items.join(' | ')}`);
    for (let i = 0; i < items.length + 1; i++) {
      await this.page.keyboard.press('ArrowDown');
      const focused = (await menu.locator('.action-item.focused .action-label').allInnerTexts())[0]?.trim();
      if (focused === label) { await this.page.keyboard.press('Enter'); return; }
    }
    throw new Error(`could not reach "${label}" with the arrow keys`);
  }
}

/** Re-checks `probe` every 100 ms until it returns a value, or throws after `timeoutMs` naming `what`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
