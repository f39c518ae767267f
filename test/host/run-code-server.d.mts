// Types of the parts of run-code-server.mjs that TypeScript scripts (the demo) use.
export interface CodeServer { port: number; log(): string; stop(): void }
export function startCodeServer(options: {
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** Keep workspace trust on, so the workspace opens untrusted (restricted mode). */
  untrusted?: boolean;
}): Promise<CodeServer>;
export function freePort(): Promise<number>;
export function launchBrowser(): Promise<import('playwright-core').Browser>;
