import { Subcommand, UsageError } from './io';

/** `session-lens lint`: not implemented yet. */
export const lint: Subcommand = async () => {
  throw new UsageError('lint is not available yet');
};
