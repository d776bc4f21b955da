/**
 * The sync status people see: computed on demand from the outbox, the link and
 * the rounds (status.ts, pure), recomputed every minute so the 24-hour alert
 * turns on by itself, and published to the listeners only when it changed in
 * a way people would notice.
 */
import type { SyncStatus } from '../../../shared/api.ts';
import type { Clock } from '../platform/clock.ts';
import type { TerminalDb } from '../store/connection.ts';
import { notableCounts, outboxStats } from '../store/outbox.ts';
import { unreadableCounts } from '../store/unreadable-records.ts';
import { lastSyncSuccess } from '../store/sync-state.ts';
import { computeStatus, sameStatus, type StatusInput } from './status.ts';

const STATUS_TICK_MS = 60_000;

export interface StatusReporterOptions {
  store: TerminalDb;
  clock: Clock;
  alertAfterMs: number;
  link: { readonly paired: boolean };
  rounds: { readonly busy: boolean; readonly lastFailure: StatusInput['lastFailure'] };
}

export class SyncStatusReporter {
  private tick: NodeJS.Timeout | null = null;
  private lastStatus: SyncStatus | null = null;
  private readonly listeners = new Set<(status: SyncStatus) => void>();

  constructor(private readonly options: StatusReporterOptions) {}

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): SyncStatus {
    const { store, clock, link, rounds, alertAfterMs } = this.options;
    const stats = outboxStats(store.db);
    return computeStatus({
      paired: link.paired,
      busy: rounds.busy,
      lastFailure: rounds.lastFailure,
      queueLength: stats.pending,
      oldestUnsentAt: stats.oldestPendingAt,
      lastSuccessAt: lastSyncSuccess(store.db),
      ...notableCounts(store.db),
      unreadable: unreadableCounts(store.db),
      now: clock.now(),
      alertAfterMs,
    });
  }

  /** Recomputes the status and tells the listeners if people would see a difference. */
  refresh(): SyncStatus {
    const status = this.status();
    if (!sameStatus(this.lastStatus, status)) {
      this.lastStatus = status;
      for (const l of this.listeners) l(status);
    }
    return status;
  }

  /** Starts the minute tick and takes the baseline: screens ask sync.status when they connect; events report changes. */
  start(): void {
    this.tick = setInterval(() => this.refresh(), STATUS_TICK_MS);
    this.tick.unref();
    this.lastStatus = this.status();
  }

  stop(): void {
    if (this.tick !== null) clearInterval(this.tick);
    this.tick = null;
  }
}
