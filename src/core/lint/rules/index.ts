// Every rule, in the order findings of equal position are listed: errors, warnings, info, off by default.
import type { Rule } from '../rule';
import { appSetupRules } from './appSetup';
import { cookieCallRules } from './cookieCalls';
import { cookieFlagRules } from './cookieFlags';
import { secretRules } from './secrets';
import { sessionLifecycleRules } from './sessionLifecycle';
import { sessionOptionRules } from './sessionOptions';

const LEVEL_ORDER = { error: 0, warning: 1, info: 2, off: 3 } as const;

export const RULES: readonly Rule[] = [...secretRules, ...cookieFlagRules, ...sessionOptionRules, ...appSetupRules, ...cookieCallRules, ...sessionLifecycleRules]
  .sort((a, b) => LEVEL_ORDER[a.defaultLevel] - LEVEL_ORDER[b.defaultLevel] || a.id.localeCompare(b.id));

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
