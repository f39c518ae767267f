// Public surface of the session-setup reader (pure: no vscode, no file system).
export { findSessionSetups, DEFAULT_COOKIE_NAMES } from './find';
export { setupSecretSources } from './sources';
export type { SecretSources } from './sources';
export type { FindSetupsOptions, SessionSetup, SetupLibrary, SetupSecret, SetupSourceFile, SetupStore, StoreKind } from './types';
export { decoderHints } from './decoderHints';
export { storeTargets } from './storeTargets';
export type { StoreTarget } from './storeTargets';
