// Generates the README's commands and settings tables from package.json, between marker comments.
//   node scripts/readme-tables.mjs          rewrite README.md
//   node scripts/readme-tables.mjs --check  exit 1 when the tables are stale
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

const escape = (text) => String(text).replace(/\|/g, '\\|').replace(/\n+/g, ' ');

export function commandsTable(pkg = manifest) {
  const hidden = new Set((pkg.contributes?.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
  const rows = (pkg.contributes?.commands ?? []).filter((c) => !hidden.has(c.command))
    .map((c) => `| ${escape(c.category ? `${c.category}: ${c.title}` : c.title)} | \`${c.command}\` |`);
  return ['| Command | ID |', '| --- | --- |', ...rows].join('\n');
}

export function settingsTable(pkg = manifest) {
  const props = pkg.contributes?.configuration?.properties ?? {};
  const rows = Object.entries(props).map(([key, p]) => {
    const def = p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
    return `| \`${key}\` | ${escape(p.markdownDescription ?? p.description ?? '')} | ${def} |`;
  });
  return ['| Setting | Description | Default |', '| --- | --- | --- |', ...rows].join('\n');
}

export function render(readme, pkg = manifest) {
  const replace = (text, name, table) => {
    const re = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(text)) throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> markers`);
    return text.replace(re, `$1\n${table}\n$2`);
  };
  return replace(replace(readme, 'commands', commandsTable(pkg)), 'settings', settingsTable(pkg));
}

export const readmeUrl = new URL('README.md', root);

if (process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url) {
  const current = readFileSync(readmeUrl, 'utf8');
  const next = render(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md tables are stale: run `node scripts/readme-tables.mjs`.');
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(readmeUrl, next);
    console.log('README.md tables updated.');
  }
}
