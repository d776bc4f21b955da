/**
 * Deadlocks and serialisation failures, retried inside the server. The lock
 * order (lock-order.ts) is meant to make a deadlock impossible; one that still
 * happens (PostgreSQL breaks it after deadlock_timeout by aborting one side
 * with 40P01), or a serialisation failure (40001), costs a retry of the whole
 * transaction after a small jittered pause, never a 500 to the terminal. A
 * transaction is only database work, rolled back whole, so running it again is
 * safe. Every one is counted for this process (tests and the benchmark report
 * the counts) and passed to the listeners (the server logs each at warn, with
 * no personal data: the code, the transaction's name and the attempt).
 */

export type ContentionKind = 'deadlock' | 'serialization';

const KINDS: Readonly<Record<string, ContentionKind>> = { '40P01': 'deadlock', '40001': 'serialization' };

export interface ContentionCounts {
  /** Deadlocks PostgreSQL broke by aborting one of this process's statements (40P01). */
  deadlocks: number;
  /** Serialisation failures (40001). */
  serializationFailures: number;
  /** Transactions run again after either. */
  retries: number;
  /** Transactions that failed on every attempt (the error went on to the caller). */
  exhausted: number;
}

export interface ContentionEvent {
  kind: ContentionKind;
  code: string;
  /** What was running ('push', 'hold', …): a name from the code, never data. */
  transaction: string;
  attempt: number;
  /** The pause before the next attempt; null when this was the last attempt. */
  retryInMs: number | null;
}

/** Attempts per transaction, the first included. */
export const CONTENTION_ATTEMPTS = 6;

const counts: ContentionCounts = { deadlocks: 0, serializationFailures: 0, retries: 0, exhausted: 0 };
const listeners = new Set<(event: ContentionEvent) => void>();

/** This process's counts so far (a copy). */
export function contentionCounts(): ContentionCounts {
  return { ...counts };
}

/** Calls `listener` for each deadlock or serialisation failure; returns the unsubscribe. */
export function onContention(listener: (event: ContentionEvent) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** 40P01 → 'deadlock', 40001 → 'serialization', anything else null. */
export function contentionKind(error: unknown): ContentionKind | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (KINDS[code] ?? null) : null;
}

/** Jittered, growing pause: 1–2 ms after the first failure, then 2–4, 4–8, … capped at 25–50 ms. */
function pauseMs(attempt: number): number {
  const cap = Math.min(50, 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

/** Runs `run`, again after a deadlock or a serialisation failure, `attempts` times at most. */
export async function retryOnContention<T>(transaction: string, run: () => Promise<T>, attempts = CONTENTION_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const kind = contentionKind(error);
      if (kind === null) throw error;
      if (kind === 'deadlock') counts.deadlocks++;
      else counts.serializationFailures++;
      const last = attempt >= attempts;
      const retryInMs = last ? null : Math.round(pauseMs(attempt) * 10) / 10;
      if (last) counts.exhausted++;
      else counts.retries++;
      const event: ContentionEvent = { kind, code: (error as { code: string }).code, transaction, attempt, retryInMs };
      for (const listener of listeners) listener(event);
      if (retryInMs === null) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}
