// PostgreSQL URLs in a workspace's .env text: `DATABASE_URL`-style variables holding a postgres:// URL, and the
// libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) put together as one.
import { readEnvVariables } from '../envFile';

export interface DiscoveredPostgresUrl { variable: string; url: string }

const URL_VARIABLE = /(^|_)(DATABASE|POSTGRES|POSTGRESQL|PG|DB)(_[A-Z0-9]+)*_URL$|^(DATABASE|POSTGRES)_URL_/;
const LIBPQ = ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE'];

export function findPostgresUrls(envText: string): DiscoveredPostgresUrl[] {
  const vars = readEnvVariables(envText, (name) => URL_VARIABLE.test(name) || LIBPQ.includes(name));
  const out: DiscoveredPostgresUrl[] = [];
  for (const [variable, value] of vars) {
    if (LIBPQ.includes(variable)) continue;
    const url = value.trim();
    if (/^postgres(ql)?:\/\//i.test(url)) out.push({ variable, url });
  }
  const host = vars.get('PGHOST')?.trim();
  if (host) {
    const user = vars.get('PGUSER')?.trim();
    const password = vars.get('PGPASSWORD');
    const auth = user ? `${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@` : '';
    const where = host.startsWith('/') ? `/${encodeURIComponent(vars.get('PGDATABASE')?.trim() ?? '')}?host=${encodeURIComponent(host)}` : `${host.includes(':') ? `[${host}]` : host}:${vars.get('PGPORT')?.trim() || '5432'}/${encodeURIComponent(vars.get('PGDATABASE')?.trim() ?? '')}`;
    const url = `postgres://${auth}${where}`;
    if (!out.some((u) => u.url === url)) out.push({ variable: 'PGHOST', url });
  }
  return out;
}
