// SARIF 2.1.0 output of lint findings (for GitHub code scanning and other CI viewers).
import { RULES } from './rules';
import { ruleDocsUrl } from './docs';
import type { Finding } from './types';

export { ruleDocsUrl };

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export interface SarifFile {
  /** Path relative to the SARIF's base (forward slashes). */
  path: string;
  findings: Finding[];
}

export function toSarif(files: SarifFile[], version: string): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Session Lens',
          version,
          informationUri: 'https://github.com/session-lens/session-lens',
          rules: RULES.map((r) => ({
            id: r.id,
            shortDescription: { text: r.description },
            helpUri: ruleDocsUrl(r.id),
            defaultConfiguration: { level: r.defaultLevel === 'off' ? 'none' : LEVEL[r.defaultLevel], enabled: r.defaultLevel !== 'off' },
          })),
        },
      },
      results: files.flatMap((file) => file.findings.map((f) => ({
        ruleId: f.rule,
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: encodeURI(file.path) },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        }],
        fixes: f.fixes.map((fix) => ({
          description: { text: fix.title },
          artifactChanges: [{
            artifactLocation: { uri: encodeURI(file.path) },
            replacements: fix.edits.map((e) => ({ deletedRegion: { charOffset: e.start, charLength: e.end - e.start }, insertedContent: { text: e.text } })),
          }],
        })),
      }))),
    }],
  };
}
