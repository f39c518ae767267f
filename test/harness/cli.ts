// Runs the built `session-lens` command (node dist/cli.js) as a user does: a child process, its exit code,
// stdout and stderr. Built once per test process from the current sources, so the tests never check a
// stale bundle; set SESSION_LENS_CLI_NO_BUILD=1 when the caller has just built (scripts/test-all.mjs does).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');

let built = false;

/** Builds dist/ (npm run build: `node esbuild.config.mjs`) once per process. */
export function buildCli(): void {
  if (built) return;
  if (process.env.SESSION_LENS_CLI_NO_BUILD !== '1' || !existsSync(CLI)) {
    const r = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the build failed (${r.status}):\n${r.stderr}`);
  }
  built = true;
}

export interface CliRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs `node dist/cli.js ...args`; `env` is added to the test's environment, `stdin` is piped in. */
export function runCli(args: string[], options: { env?: Record<string, string>; stdin?: string; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  buildCli();
  return new Promise((resolveRun) => {
    const child = execFile(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 30_000,
      maxBuffer: 64 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolveRun({ code: child.exitCode ?? (typeof e?.code === 'number' ? e.code : null), signal: child.signalCode ?? e?.signal ?? null, stdout, stderr });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}
