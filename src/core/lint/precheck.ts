// A text test run before parsing: every rule needs one of these words in the source (a session library's
// module name or `req.session` holds "session"; cookie calls, headers and modules hold "cookie"; Koa's
// `app.keys` needs "koa"; csurf; `app.set('trust proxy')`; passport's `req.login(` / `req.logout(`, whose session
// the project's passport version decides). Files without any of them cannot produce a
// finding, so they are not parsed. Escapes (`\u0073ession`, `\x73`, octal, line continuations) could spell
// a word without writing it, so a file with any of them is always analyzed.
const ESCAPE = /\\[ux0-7\r\n\u2028\u2029]/;
const COOKIE = /cookie/i;
const PASSPORT = /passport|\.log[iI]n\(|\.log[oO]ut\(/;

export function mayConcernSessions(source: string): boolean {
  return source.includes('session') || COOKIE.test(source) || source.includes('koa') || source.includes('csurf')
    || source.includes('trust proxy') || PASSPORT.test(source) || ESCAPE.test(source);
}
