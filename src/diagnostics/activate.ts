import type { Services } from '../common/services';

/** Registers the diagnostics feature's commands and providers. */
export function activateDiagnostics(_services: Services): void {
  // Filled in by the feature.
}
