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
  const options = { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) };
  const fetchPage = (cursor: string | undefined) => {
    const query = new URLSearchParams();
    if (cursor !== undefined && cursor !== '') query.set('cursor', cursor);
    query.set('limit', String(deps.pageSize));
    return deps.client.get(`/v1/changes?${query.toString()}`, pullResponseSchema, options);
  };
  let next = fetchPage(pullCursor(deps.store.db));
  for (;;) {
    const page = await next;
    // A first pull is many full pages: ask for the next one (its cursor is this page's) while this one is written.
    // Only the stored cursor decides where a later pull starts, so a prefetched page never skips anything.
    if (page.more) {
      next = fetchPage(page.nextCursor);
      next.catch(() => undefined); // awaited on the next turn; a failure there is reported there
      await new Promise<void>((resolve) => setImmediate(resolve)); // let the request leave before the synchronous apply
    }
    const stats = applyPullPage(deps.store, page, deps.now());
    result.pages++;
    result.members += stats.members;
    result.corrections += stats.corrections;
    deps.afterPage?.(result.pages, stats);
    if (!page.more) return result;
  }
}
