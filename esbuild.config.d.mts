// Types of esbuild.config.mjs for the TypeScript tests that read the bundle layout.
import type { BuildOptions } from 'esbuild';

export const FEATURE_BUNDLES: Record<string, string[]>;
export function extensionBuilds(options: { production: boolean }): BuildOptions[];
