import type { Services } from '../common/services';

/** Registers the cookies feature's commands and providers. */
export function activateCookieDecoder(_services: Services): void {
  // Filled in by the feature.
}
