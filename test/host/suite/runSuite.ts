// Runs every compiled `*.test.js` next to this file with mocha, inside the extension host.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export const FRESH_HOST = '@fresh-host';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  // The reporter writes the counts to SESSION_LENS_STATS_FILE, which scripts/test-all.mjs reads.
  mocha.reporter(path.resolve(__dirname, '../../test/harness/reporter.cjs'));
  const grep = process.env.SESSION_LENS_HOST_GREP;
  // Tests titled @fresh-host need a host where nothing started the features: they run only when asked for.
  if (grep) mocha.grep(grep);
  else mocha.grep(FRESH_HOST).invert();
  const files = fs.readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} host test(s) failed`)) : resolve()));
  });
}
