import { useEffect, useState } from 'react';

/**
 * True once `busy` has lasted `afterMs`: a "Loading…" line only for slow
 * answers, never a flash for the fast ones.
 */
export function useSlowFlag(busy: boolean, afterMs = 400): boolean {
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!busy) {
      setSlow(false);
      return;
    }
    const timer = setTimeout(() => setSlow(true), afterMs);
    return () => clearTimeout(timer);
  }, [busy, afterMs]);
  return slow;
}
