// Where each rule is documented; light enough for the extension's activation bundle.

/** The documentation page of a rule (docs/rules/<id>.md in the repository): diagnostics and SARIF link to it. */
export function ruleDocsUrl(id: string): string {
  return `https://github.com/session-lens/session-lens/blob/main/docs/rules/${id}.md`;
}
