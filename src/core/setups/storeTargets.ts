// Where the app's code keeps its sessions, resolved against the workspace's .env files: the Sessions view offers
// and connects to these ("connect-redis, prefix shop:sess:, CACHE_REDIS_URL in .env").
import { readEnvVariables } from '../envFile';
import type { EnvFileText } from '../secrets/envSecrets';
import type { SessionSetup, StoreKind } from './types';

export interface StoreTarget {
  readonly kind: StoreKind;
  /** The URL read from the first .env file (plain `.env` first) that sets `variable`. */
  readonly url: string;
  readonly variable: string;
  /** The .env file's label, e.g. `.env`. */
  readonly envFile: string;
  /** connect-redis's key prefix (its default `sess:` when the code sets none). */
  readonly prefix?: string;
  /** connect-pg-simple's table, `schema.table` when the code sets schemaName (default `session`). */
  readonly table?: string;
  /** The setup's place in the code. */
  readonly file: string;
  readonly line: number;
}

/** The stores of the setups whose URL variable a .env file sets, each URL once, in the setups' order. Never throws. */
export function storeTargets(setups: readonly SessionSetup[], envFiles: readonly EnvFileText[]): StoreTarget[] {
  const files = [...envFiles].sort((a, b) => plainFirst(a) - plainFirst(b) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const out: StoreTarget[] = [];
  for (const setup of setups) {
    const store = setup.store;
    if (!store?.urlVariable) continue;
    const variable = store.urlVariable;
    for (const file of files) {
      const url = readEnvVariables(file.text, (name) => name === variable).get(variable)?.trim();
      if (!url) continue;
      if (!out.some((t) => t.url === url)) {
        out.push({ kind: store.kind, url, variable, envFile: file.label, file: setup.file, line: setup.line,
          ...(store.kind === 'connect-redis' ? { prefix: store.prefix ?? 'sess:' } : {}),
          ...(store.kind === 'connect-pg-simple' ? { table: store.table ?? 'session' } : {}) });
      }
      break;
    }
  }
  return out;
}

function plainFirst(f: EnvFileText): number {
  return f.label === '.env' || f.label.endsWith('/.env') ? 0 : 1;
}
