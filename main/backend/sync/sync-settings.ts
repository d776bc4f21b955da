import { DEFAULT_PUSH_BATCH, MAX_PULL_LIMIT } from '../../../shared/sync-protocol.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import type { OfflineCaps } from '../sales/offline-policy.ts';
import { DEFAULT_ALERT_AFTER_MS } from './status.ts';

/** How the sync engine behaves; every field has a default (see docs/sync-protocol.md, "Settings"). */
export interface SyncSettings {
  pushBatch: number;
  /** Batches in flight at once: the next batch travels while the server applies this one (1 = one at a time). */
  pushPipeline: number;
  pullPageSize: number;
  pullIntervalMs: number;
  /** Wait this long after a commit before pushing, so a burst of sales goes in one batch. */
  debounceMs: number;
  holdBudgetMs: number;
  requestTimeoutMs: number;
  alertAfterMs: number;
  backoff: BackoffOptions;
  offlineCaps: OfflineCaps;
  /** Plain http:// to a server that is not this machine: refused unless true, and then warned about at every start (transport-policy.ts). */
  allowInsecureHttp: boolean;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  pushBatch: DEFAULT_PUSH_BATCH,
  pushPipeline: 2,
  pullPageSize: MAX_PULL_LIMIT,
  pullIntervalMs: 30_000,
  debounceMs: 200,
  holdBudgetMs: 800,
  requestTimeoutMs: 30_000,
  alertAfterMs: DEFAULT_ALERT_AFTER_MS,
  backoff: DEFAULT_BACKOFF,
  offlineCaps: { memberPerDay: 500, terminalPerDay: 5_000 },
  allowInsecureHttp: false,
};
