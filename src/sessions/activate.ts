import type { Services } from '../common/services';

/** Registers the sessions feature's commands and providers. */
export function activateSessionsView(_services: Services): void {
  // Filled in by the feature.
}
