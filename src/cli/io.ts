// What a CLI subcommand may touch: output streams, standard input and the environment. Tests pass their own.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
}

/** Bad flags or unusable input: printed as one line on stderr, exit status 2. */
export class UsageError extends Error {}

export type Subcommand = (args: string[], io: CliIo) => Promise<number>;
