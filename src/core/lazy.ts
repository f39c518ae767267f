// Heavy libraries are loaded the first time a feature uses them, not when the extension activates: the
// bundle keeps each library's code, but runs its initialisation only on the first call of the loader.
// Call sites write `require('<package>')` literally so the bundler includes the package.

/** A loader that runs `load` once, on first use, and returns the same value afterwards. */
export function lazy<T>(load: () => T): () => T {
  let loaded = false;
  let value: T;
  return () => {
    if (!loaded) {
      value = load();
      loaded = true;
    }
    return value;
  };
}
