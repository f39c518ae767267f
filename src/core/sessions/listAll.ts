// Lists a whole store (or its first `limit` sessions) through paged `list` calls, without duplicates.
import type { SessionRecord, SessionSource } from './types';

export interface ListAllResult {
  sessions: SessionRecord[];
  /** True when `limit` stopped the listing before the end. */
  truncated: boolean;
}

/**
 * Pages through `source` until it ends or `limit` sessions are collected. SCAN may report a key twice
 * (the later report wins); a listing interrupted by a reconnection (stale cursor) starts over once.
 */
export async function listAllSessions(source: Pick<SessionSource, 'list'>, options: { limit?: number; pageSize?: number } = {}): Promise<ListAllResult> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const pageSize = options.pageSize ?? 1000;
  for (let attempt = 0; ; attempt++) {
    const byId = new Map<string, SessionRecord>();
    let cursor: string | undefined;
    try {
      do {
        const page = await source.list({ cursor, limit: Math.min(pageSize, Math.max(1, limit - byId.size)) });
        for (const record of page.sessions) byId.set(record.id, record);
        cursor = page.cursor;
      } while (cursor !== undefined && byId.size < limit);
    } catch (err) {
      if (attempt === 0 && (err as Error | null)?.name === 'StaleCursorError') continue;
      throw err;
    }
    const sessions = [...byId.values()];
    const truncated = sessions.length > limit || (cursor !== undefined);
    return { sessions: sessions.slice(0, Number.isFinite(limit) ? limit : undefined), truncated };
  }
}

/** The CLI's JSON form of a record: the contract fields only (`raw` when the value is not JSON). */
export function toJsonRecord(record: SessionRecord): Record<string, unknown> {
  return {
    id: record.id,
    key: record.key,
    ttl: record.ttl,
    expiresAt: record.expiresAt,
    user: record.user,
    data: record.data,
    ...(record.raw !== undefined ? { raw: record.raw } : {}),
    // In-process sources say which store instance holds the session when a process has several.
    ...(record.store !== undefined ? { store: record.store } : {}),
  };
}
