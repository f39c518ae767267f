import { Subcommand, UsageError } from './io';

/** `session-lens sessions`: not implemented yet. */
export const sessions: Subcommand = async () => {
  throw new UsageError('sessions is not available yet');
};
