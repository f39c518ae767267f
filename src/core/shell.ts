// Quoting for the shell commands Session Lens puts on the clipboard (curl with a session's cookie).

/** Single-quotes a word for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
