/**
 * The status people see, computed from what the engine knows. Pure: the clock
 * is an argument, so the 24-hour alert is tested with an injected time.
 */
import type { SyncStatus } from '../../../shared/api.ts';

export const DEFAULT_ALERT_AFTER_MS = 24 * 3_600_000;

export interface StatusInput {
  paired: boolean;
  /** A push or pull is running. */
  busy: boolean;
  /** The last round's failure, or null when it succeeded (or none ran yet). */
  lastFailure: { state: 'offline' | 'error'; reason: string } | null;
  queueLength: number;
  oldestUnsentAt: number | null;
  lastSuccessAt: number | null;
  flagged: number;
  held: number;
  refused: number;
  unreadable: SyncStatus['unreadable'];
  now: number;
  alertAfterMs: number;
}

export function computeStatus(s: StatusInput): SyncStatus {
  const oldestUnsentAgeMs = s.oldestUnsentAt === null ? null : Math.max(0, s.now - s.oldestUnsentAt);
  const base = {
    paired: s.paired,
    queueLength: s.queueLength,
    oldestUnsentAgeMs,
    lastSuccessAt: s.lastSuccessAt,
    flagged: s.flagged,
    held: s.held,
    refused: s.refused,
    unreadable: { ...s.unreadable },
    alert: s.paired && oldestUnsentAgeMs !== null && oldestUnsentAgeMs > s.alertAfterMs,
  };
  if (!s.paired) return { ...base, state: 'offline', reason: 'not paired' };
  if (s.busy) return { ...base, state: 'syncing', reason: null };
  if (s.lastFailure !== null) return { ...base, state: s.lastFailure.state, reason: s.lastFailure.reason };
  if (s.lastSuccessAt === null) return { ...base, state: 'offline', reason: 'not synced yet' };
  return { ...base, state: 'online', reason: null };
}

/** Equal for people: only a change of one of these fields is pushed to the screens (not the age ticking). */
export function sameStatus(a: SyncStatus | null, b: SyncStatus): boolean {
  return (
    a !== null &&
    a.state === b.state &&
    a.reason === b.reason &&
    a.queueLength === b.queueLength &&
    a.alert === b.alert &&
    a.lastSuccessAt === b.lastSuccessAt &&
    a.paired === b.paired &&
    a.flagged === b.flagged &&
    a.held === b.held &&
    a.refused === b.refused &&
    a.unreadable.members === b.unreadable.members &&
    a.unreadable.products === b.unreadable.products &&
    a.unreadable.staff === b.unreadable.staff
  );
}
