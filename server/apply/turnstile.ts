/**
 * Lets one terminal's push batches take the database's change lock in seq
 * order. A terminal keeps two batches in flight (main/backend/sync/push.ts);
 * on the way in (body, signature, validation) the second may overtake the
 * first, and applied first it would be refused (SEQUENCE_GAP) and sent again.
 *
 * Per terminal this process remembers the last seq of the latest batch that
 * took the lock. A batch that does not follow it waits until it does, or
 * until a batch fails, or `graceMs` at most; then the database decides as it
 * always does. Only an optimisation: after a restart, or with several server
 * processes, a gap answer and a resend keep the push correct.
 */
interface Waiter {
  firstSeq: number;
  go: () => void;
}

export class Turnstile {
  /** Per terminal: the last seq of the latest batch that took the lock; absent = unknown. */
  readonly #ahead = new Map<string, number>();
  readonly #waiting = new Map<string, Set<Waiter>>();

  constructor(private readonly graceMs = 1_000) {}

  /** Resolves when a batch starting at `firstSeq` may go for the lock. `appliedSeq` reads the stored value when this process knows none. */
  async enter(terminalId: string, firstSeq: number, appliedSeq: () => Promise<number>): Promise<void> {
    if (!this.#ahead.has(terminalId)) {
      const stored = await appliedSeq();
      if (!this.#ahead.has(terminalId)) this.#ahead.set(terminalId, stored);
    }
    if (firstSeq <= this.#ahead.get(terminalId)! + 1) return;
    await new Promise<void>((resolve) => {
      const waiters = this.#waiting.get(terminalId) ?? new Set<Waiter>();
      this.#waiting.set(terminalId, waiters);
      const waiter: Waiter = {
        firstSeq,
        go: () => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (waiters.size === 0) this.#waiting.delete(terminalId);
          resolve();
        },
      };
      const timer = setTimeout(waiter.go, this.graceMs);
      waiters.add(waiter);
    });
  }

  /** The batch ending at `lastSeq` holds the lock: its successor may queue behind it. */
  locked(terminalId: string, lastSeq: number): void {
    this.#ahead.set(terminalId, Math.max(lastSeq, this.#ahead.get(terminalId) ?? 0));
    for (const w of [...(this.#waiting.get(terminalId) ?? [])]) if (w.firstSeq <= lastSeq + 1) w.go();
  }

  /** The batch failed and was rolled back: what is stored is unknown again, and every waiting batch goes to find out. */
  failed(terminalId: string): void {
    this.#ahead.delete(terminalId);
    for (const w of [...(this.#waiting.get(terminalId) ?? [])]) w.go();
  }
}
