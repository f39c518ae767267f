// Redaction of credentials before anything is logged or shown. Pure: used by the extension and the CLI.

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(:[^\s/@]*)?@/gi;

/** Replaces the password (and user-info password part) of every URL in the text by `***`. */
export function redactUrls(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string, pass: string | undefined) =>
    pass ? `${scheme}${user}:***@` : user ? `${scheme}***@` : `${scheme}@`,
  );
}

/**
 * Removes every known secret value from the text (longest first, so a secret that contains another is
 * removed whole), then redacts URL credentials. Secrets shorter than 4 characters are not searched for:
 * they would mask ordinary words and are flagged as weak elsewhere.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  const values = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) out = out.split(value).join('***');
  return redactUrls(out);
}
