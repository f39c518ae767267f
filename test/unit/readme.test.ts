// The README's commands and settings tables are generated from package.json; this fails when they are stale.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

describe('README', () => {
  it('has current commands and settings tables (run `node scripts/readme-tables.mjs` to update)', async () => {
    const { render } = (await import(join(root, 'scripts/readme-tables.mjs'))) as { render(text: string): string };
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.equal(render(readme), readme);
  });

  it('lists every contributed command that the palette shows and every setting', async () => {
    const { commandsTable, settingsTable } = (await import(join(root, 'scripts/readme-tables.mjs'))) as Record<string, () => string>;
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    for (const key of Object.keys(manifest.contributes.configuration.properties)) assert.ok(settingsTable().includes(`\`${key}\``), key);
    assert.match(commandsTable(), /Session Lens: Decode Cookie…/);
  });
});
