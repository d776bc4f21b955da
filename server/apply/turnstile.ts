/**
 * Lets one terminal's push batches take the database's change lock in seq
 * order. A terminal keeps two batches in flight (main/backend/sync/push.ts);
 * on the way in (body, signature, validation) the second may overtake the
 * first, and applied first it would be refused (SEQUENCE_GAP) and sent again.
 *
 * Per terminal this process remembers the last seq of the latest batch that
 * took the lock. A batch that follows it goes at once (it queues on the
 * terminal's row lock behind its predecessor). When memory says a batch does
 * not follow, the database decides before any wait: with several server
 * processes on one database the predecessor may have been applied by another
 * process, and this process's memory is stale. While a batch waits, the
 * database is asked again every `recheckMs`, so the wait ends as soon as the
 * predecessor committed in any process; a batch of this process taking the
 * lock (`locked`) or failing (`failed`) ends it too, and `graceMs` bounds it:
 * then the database decides as it always does (a gap answer and a resend
 * keep the push correct). The reader the push gives (`storedSeq`) waits for a
 * predecessor that holds the terminal's row lock to commit.
 */
interface Waiter {
  firstSeq: number;
  go: () => void;
}

export class Turnstile {
  /** Per terminal: the last seq of the latest batch that took the lock; absent = unknown. */
  readonly #ahead = new Map<string, number>();
  readonly #waiting = new Map<string, Set<Waiter>>();

  constructor(
    private readonly graceMs = 1_000,
    private readonly recheckMs = 5,
  ) {}

  /** Resolves when a batch starting at `firstSeq` may go for the lock. `storedSeq` reads the terminal's applied_seq in the database. */
  async enter(terminalId: string, firstSeq: number, storedSeq: () => Promise<number>): Promise<void> {
    let asked = false;
    if (!this.#ahead.has(terminalId)) {
      this.#learn(terminalId, await storedSeq());
      asked = true;
    }
    if (firstSeq <= this.#ahead.get(terminalId)! + 1) return;
    await new Promise<void>((resolve) => {
      const waiters = this.#waiting.get(terminalId) ?? new Set<Waiter>();
      this.#waiting.set(terminalId, waiters);
      let done = false;
      let recheck: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = {
        firstSeq,
        go: () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          clearTimeout(recheck);
          waiters.delete(waiter);
          if (waiters.size === 0 && this.#waiting.get(terminalId) === waiters) this.#waiting.delete(terminalId);
          resolve();
        },
      };
      const timer = setTimeout(waiter.go, this.graceMs);
      waiters.add(waiter);
      // Ask the database now (unless it was just asked), then every recheckMs while the batch waits.
      const ask = async (): Promise<void> => {
        if (done) return;
        let stored: number;
        try {
          stored = await storedSeq();
        } catch {
          return waiter.go(); // the database cannot say: the batch goes and the database decides
        }
        if (done) return;
        this.#learn(terminalId, stored);
        if (firstSeq <= stored + 1) return waiter.go();
        recheck = setTimeout(() => void ask(), this.recheckMs);
      };
      if (asked) recheck = setTimeout(() => void ask(), this.recheckMs);
      else void ask();
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

  /** What the database showed: at least that much is applied (another process may have applied it). */
  #learn(terminalId: string, stored: number): void {
    this.#ahead.set(terminalId, Math.max(stored, this.#ahead.get(terminalId) ?? 0));
  }
}
