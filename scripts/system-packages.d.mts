// Types of scripts/system-packages.mjs for the TypeScript scripts that call it.
export const PACKAGES: Record<'demo' | 'test' | 'ci', string[]>;
export function ensureSystemPackages(purpose: 'demo' | 'test' | 'ci'): void;
