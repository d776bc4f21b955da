/**
 * Pull: pages of GET /v1/changes from the stored cursor. Each page is applied
 * together with its cursor in one local transaction (pull-page.ts), so a
 * crash between pages resumes at the first page not applied. A record the
 * terminal cannot read is left out of its page (pull-records.ts), logged by
 * its id and counted: the rest of the page applies and the cursor moves on.
 */
import type { Logger } from '../platform/logging.ts';
import type { TerminalDb } from '../store/connection.ts';
import { pullCursor } from '../store/sync-state.ts';
import type { SyncHttpClient } from './http-client.ts';
import { applyPullPage, type PageStats } from './pull-page.ts';
import { pullEnvelopeSchema, readPullPage } from './pull-records.ts';

/** Pages between WAL checkpoints during a pull: about 16 MB of WAL at the largest page. */
const CHECKPOINT_PAGES = 4;

export interface PullDeps {
  store: TerminalDb;
  client: Pick<SyncHttpClient, 'get'>;
  now: () => number;
  pageSize: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Where a record that could not be read is reported (by its id only: never personal data). */
  log?: Logger;
  /** Test seam: runs after a page was committed. */
  afterPage?: (page: number, stats: PageStats) => void;
}

export interface PullResult {
  pages: number;
  members: number;
  corrections: number;
  /** Records left out because they could not be read. */
  unreadable: number;
}

export async function pullChanges(deps: PullDeps): Promise<PullResult> {
  const result: PullResult = { pages: 0, members: 0, corrections: 0, unreadable: 0 };
  const options = { ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) };
  const fetchPage = (cursor: string | undefined, onSent?: () => void) => {
    const query = new URLSearchParams();
    if (cursor !== undefined && cursor !== '') query.set('cursor', cursor);
    query.set('limit', String(deps.pageSize));
    return deps.client.get(`/v1/changes?${query.toString()}`, pullEnvelopeSchema, { ...options, ...(onSent ? { onSent } : {}) });
  };
  const startCursor = pullCursor(deps.store.db);
  let fromStart = startCursor === undefined || startCursor === '';
  let next = fetchPage(startCursor);
  for (;;) {
    const envelope = await next;
    const { page, unreadable } = readPullPage(envelope);
    // A first pull is many full pages: ask for the next one (its cursor is this page's) while this one is written.
    // Only the stored cursor decides where a later pull starts, so a prefetched page never skips anything.
    if (page.more) {
      // The server builds the next page while this one is written, so the request must be on the wire before the
      // synchronous apply: it is signed asynchronously, and would otherwise leave only after the apply.
      let sent!: () => void;
      const onWire = new Promise<void>((resolve) => (sent = resolve));
      next = fetchPage(page.nextCursor, sent);
      await Promise.race([onWire, next.then(noop, noop)]); // a failure is reported when `next` is awaited below
    }
    const stats = applyPullPage(deps.store, page, deps.now(), { unreadable, fromStart });
    fromStart = false;
    for (const r of unreadable) deps.log?.log('warn', 'sync.pull.unreadable', { kind: r.kind, id: r.recordId });
    result.unreadable += unreadable.length;
    result.pages++;
    result.members += stats.members;
    result.corrections += stats.corrections;
    // A full page is megabytes of WAL and the checkpointer counts transactions: without this a first pull
    // leaves the whole member base in the WAL, to be copied at some later idle moment.
    if (result.pages % CHECKPOINT_PAGES === 0) deps.store.checkpointer?.run();
    deps.afterPage?.(result.pages, stats);
    if (!page.more) return result;
  }
}

function noop(): void {}
