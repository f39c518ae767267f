import { Subcommand, UsageError } from './io';

/** `session-lens decode`: not implemented yet. */
export const decode: Subcommand = async () => {
  throw new UsageError('decode is not available yet');
};
