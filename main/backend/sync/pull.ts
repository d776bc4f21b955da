/**
 * Pull: pages of GET /v1/changes from the stored cursor. Each page is applied
 * together with its cursor in one local transaction (store/sync-pull.ts), so a
 * crash between pages resumes at the first page not applied.
 */
import { pullResponseSchema } from '../../../shared/sync-protocol.ts';
import type { TerminalDb } from '../store/connection.ts';
import { applyPullPage, type PageStats } from '../store/sync-pull.ts';
import { pullCursor } from '../store/sync-state.ts';
import type { SyncHttpClient } from './http-client.ts';

export interface PullDeps {
  store: TerminalDb;
  client: SyncHttpClient;
  now: () => number;
  pageSize: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Test seam: runs after a page was committed. */
  afterPage?: (page: number, stats: PageStats) => void;
}

export interface PullResult {
  pages: number;
  members: number;
  corrections: number;
}

export async function pullChanges(deps: PullDeps): Promise<PullResult> {
  const result: PullResult = { pages: 0, members: 0, corrections: 0 };
  for (;;) {
    const cursor = pullCursor(deps.store.db);
    const query = new URLSearchParams();
    if (cursor !== undefined && cursor !== '') query.set('cursor', cursor);
    query.set('limit', String(deps.pageSize));
    const page = await deps.client.get(`/v1/changes?${query.toString()}`, pullResponseSchema, { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    const stats = applyPullPage(deps.store, page, deps.now());
    result.pages++;
    result.members += stats.members;
    result.corrections += stats.corrections;
    deps.afterPage?.(result.pages, stats);
    if (!page.more) return result;
  }
}
