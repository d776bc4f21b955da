/**
 * The camera sees the same code in frame after frame; the cashier wants one scan.
 * A read (same text, same format) is reported once, and again only when it comes
 * back 2 s or more after it was last reported. Pure: the caller passes the time.
 */
export const READ_DEDUP_WINDOW_MS = 2_000;

export interface Read {
  text: string;
  format: string;
}

export interface ReadDedup {
  /** True when this read should be reported now; false when it repeats one reported within the window. */
  accept(read: Read, at: number): boolean;
  /** Reads remembered now: bounded by what was reported within the last window, however long the camera runs. */
  size(): number;
}

export function createReadDedup(windowMs = READ_DEDUP_WINDOW_MS): ReadDedup {
  // Last report time per read; entries older than the window are dropped so a long session holds only recent codes.
  const lastReported = new Map<string, number>();
  return {
    accept(read, at) {
      for (const [key, reportedAt] of lastReported) {
        if (at - reportedAt >= windowMs) lastReported.delete(key);
      }
      const key = `${read.format}\u0000${read.text}`;
      const reportedAt = lastReported.get(key);
      // A clock stepped backwards (at < reportedAt) must not silence a code for longer than the window.
      if (reportedAt !== undefined && at >= reportedAt && at - reportedAt < windowMs) return false;
      lastReported.set(key, at);
      return true;
    },
    size: () => lastReported.size,
  };
}
