// Waiting on a session source's live changes, as the integration tests of every store do.
import type { SessionChange, SessionSource } from '../../src/core/sessions/types';
import type { DevServer } from './devServer';

/** Resolves once the changes `seen` so far (collected by an earlier listener) hold one that `predicate` accepts. */
export function changeSeen(source: Pick<SessionSource, 'onChange'>, seen: SessionChange[], predicate: (c: SessionChange) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  if (seen.some(predicate)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const stop = source.onChange(() => {
      if (!seen.some(predicate)) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/**
 * Logs `user` in to the fixture app, makes the app write the session (/profile), logs out, and waits for the
 * source to report each: a `set` for the login and the write, a `destroy` for the logout. Returns the session id.
 */
export async function expectLiveLoginWriteLogout(source: Pick<SessionSource, 'onChange'>, app: DevServer, user: string): Promise<string> {
  const seen: SessionChange[] = [];
  const stop = source.onChange((changes) => seen.push(...changes));
  try {
    const browser = app.browser();
    await browser.get(`/login?user=${user}`);
    const id = (await browser.sessionId())!;
    await changeSeen(source, seen, (c) => c.kind === 'set' && c.id === id, 'the login');
    seen.length = 0;
    await browser.get('/profile');
    await changeSeen(source, seen, (c) => c.kind === 'set' && c.id === id, 'the write');
    await browser.get('/logout');
    await changeSeen(source, seen, (c) => c.kind === 'destroy' && c.id === id, 'the logout');
    return id;
  } finally {
    stop();
  }
}
